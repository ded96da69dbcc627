"""`dyadscope extract` on audio-only recordings (segments.csv, features, --eaf, --rttm) and `fit-voices`."""

import json

import numpy as np
import pandas as pd
import pytest
from audio_mixtures import SR, synthetic_dyad, truth_table
from media_fixtures import write_audio

from extract.audio.labels import read_eaf, read_rttm
from extract.audio.turns import turn_features
from models.cli import main


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rec")
    script, y = synthetic_dyad(sensitivity=0.7, seed=41, duration_s=45, snr_db=18)
    write_audio(folder / "dyad.wav", y, sample_rate=SR)
    return folder / "dyad.wav", truth_table(script)


@pytest.fixture(scope="module")
def extracted(recording, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["extract", str(recording[0]), "--out", str(out), "--eaf", "--rttm"])
    return code, out / "clips" / "dyad", out


def test_audio_only_input_gives_segments_features_and_qc(recording, extracted):
    code, clip, out = extracted
    assert code == 0
    truth = recording[1]
    seg = pd.read_csv(clip / "segments.csv")
    assert list(seg.columns[:6]) == [
        "start_s",
        "end_s",
        "speaker",
        "confidence",
        "vocal_type",
        "f0_median_hz",
    ]
    # the cohort's voices are speech and babble: no laugh or cry
    assert set(seg.vocal_type) == {"speech", "other"}
    assert (seg.vocal_type == "speech").eq(seg.speaker == "adult").all()
    assert list(seg.speaker) == list(truth.speaker)
    assert np.abs(seg.start_s - truth.start_s).max() <= 0.05
    features = json.loads((clip / "features.json").read_text())["features"]
    assert (
        features["turns.conversational.count"]
        == turn_features(truth, duration_s=45)["turns.conversational.count"]
    )
    assert (
        180 <= features["voice.adult.f0_hz.mean"] <= 300 and 350 <= features["voice.infant.f0_hz.mean"] <= 600
    )
    qc = pd.read_csv(out / "qc.csv").iloc[0]
    assert qc.status == "ok"
    assert 0.2 <= qc.audio_voiced_share <= 0.8
    assert 14 <= qc.audio_snr_db <= 24  # rendered at 18 dB over the voiced samples
    table = pd.read_csv(out / "features.csv")
    assert "turns.contingent_response_2s.rate" in table.columns


def test_eaf_and_rttm_hold_the_same_segments(extracted, recording):
    _, clip, _ = extracted
    seg = pd.read_csv(clip / "segments.csv")
    eaf, media = read_eaf(clip / "vocal.eaf")
    assert list(eaf.speaker) == list(seg.speaker)
    assert np.abs(eaf.start_s - seg.start_s).max() <= 0.001
    assert media and (clip / media[0]).resolve() == recording[0].resolve()
    rttm = read_rttm(clip / "vocal.rttm")
    assert list(rttm.speaker) == list(seg.speaker) and set(rttm.file_id) == {"dyad"}


def test_fit_voices_then_extract_with_the_model(tmp_path, recording):
    wav, truth = recording
    labels = tmp_path / "labels.csv"
    truth.assign(path=str(wav)).replace({"adult": "MOT", "infant": "CHI"}).to_csv(labels, index=False)
    model = tmp_path / "voices.joblib"
    assert main(["fit-voices", str(labels), "--out", str(model)]) == 0
    out = tmp_path / "out"
    assert main(["extract", str(wav), "--out", str(out), "--voice-model", str(model)]) == 0
    seg = pd.read_csv(out / "clips" / "dyad" / "segments.csv")
    assert (seg.speaker.to_numpy() == truth.speaker.to_numpy()).mean() >= 0.95
    assert str(model.resolve()) in (out / "config.yaml").read_text()


def test_fit_voices_errors_are_usage_errors(tmp_path, recording):
    labels = tmp_path / "labels.csv"
    pd.DataFrame(
        {"start_s": [0.0], "end_s": [1.0], "speaker": ["adult"], "path": [str(recording[0])]}
    ).to_csv(labels, index=False)
    assert main(["fit-voices", str(labels), "--out", str(tmp_path / "m.joblib")]) == 2
    assert (
        main(
            [
                "extract",
                str(recording[0]),
                "--out",
                str(tmp_path / "o"),
                "--voice-model",
                str(tmp_path / "nope"),
            ]
        )
        == 2
    )


def test_fit_voices_reads_elan_and_rttm_labels(tmp_path, recording):
    from extract.audio.labels import write_rttm

    wav, truth = recording
    import pympi

    eaf = tmp_path / "labels" / "dyad_coded.eaf"
    eaf.parent.mkdir()
    doc = pympi.Elan.Eaf()
    for tier, role in (("Mother", "adult"), ("Baby", "infant")):  # known synonyms of the roles
        doc.add_tier(tier)
        for a, b in zip(
            truth.start_s[truth.speaker == role], truth.end_s[truth.speaker == role], strict=False
        ):
            doc.add_annotation(tier, int(a * 1000), int(b * 1000), "")
    doc.add_linked_file(wav.as_uri(), relpath=f"../{wav.name}", mimetype="audio/x-wav")
    doc.to_file(str(eaf))
    (tmp_path / wav.name).write_bytes(wav.read_bytes())
    assert main(["fit-voices", str(eaf), "--out", str(tmp_path / "a.joblib")]) == 0
    rttm = tmp_path / "dyad.rttm"
    write_rttm(rttm, truth.replace({"adult": "spk0", "infant": "spk1"}), file_id="dyad")
    args = [
        "fit-voices",
        str(rttm),
        "--media",
        str(wav.parent),
        "--map",
        "spk0=adult",
        "--map",
        "spk1=infant",
    ]
    assert main(args + ["--out", str(tmp_path / "b.joblib")]) == 0
    assert (
        main(["fit-voices", str(rttm), "--media", str(wav.parent), "--out", str(tmp_path / "c.joblib")]) == 2
    )  # names unknown


def test_a_bad_voice_model_in_the_config_is_a_usage_error(tmp_path, recording):
    junk = tmp_path / "junk.joblib"
    junk.write_text("not a model")
    config = tmp_path / "c.yaml"
    config.write_text(f"audio:\n  speaker:\n    voice_model: {junk}\n")
    assert main(["extract", str(recording[0]), "--out", str(tmp_path / "o"), "--config", str(config)]) == 2


def test_noisy_recordings_get_a_qc_warning(tmp_path):
    _, y = synthetic_dyad(sensitivity=0.5, seed=42, duration_s=30, snr_db=5)
    write_audio(tmp_path / "noisy.wav", y, sample_rate=SR)
    assert main(["extract", str(tmp_path / "noisy.wav"), "--out", str(tmp_path / "out")]) == 0
    qc = pd.read_csv(tmp_path / "out" / "qc.csv").iloc[0]
    assert qc.status == "warn" and "audio SNR" in qc.warnings and qc.audio_snr_db < 10


def test_fit_voices_with_laugh_and_cry_labels_types_new_recordings(tmp_path):
    """Labels with types (a CSV `type` column) fit the type model too; extracting another
    recording with it types its laughs and cries as scripted."""
    from extract.render.affect_script import vocal_type_script
    from extract.render.voices import synth_track

    rows = []
    for seed in (31, 32):
        script = vocal_type_script(seed=seed, duration_s=45)
        wav = tmp_path / f"train{seed}.wav"
        write_audio(wav, synth_track(script, sample_rate=SR, snr_db=20), sample_rate=SR)
        rows += [(g.start_s, g.end_s, g.speaker, g.kind, str(wav)) for g in script.segments]
    labels = tmp_path / "typed.csv"
    pd.DataFrame(rows, columns=["start_s", "end_s", "speaker", "type", "path"]).to_csv(labels, index=False)
    model = tmp_path / "voices.joblib"
    assert main(["fit-voices", str(labels), "--out", str(model)]) == 0
    import joblib

    assert joblib.load(model).type_model is not None
    script = vocal_type_script(seed=33, duration_s=45)
    wav = tmp_path / "new.wav"
    write_audio(wav, synth_track(script, sample_rate=SR, snr_db=20), sample_rate=SR)
    out = tmp_path / "out"
    assert main(["extract", str(wav), "--out", str(out), "--voice-model", str(model), "--eaf"]) == 0
    seg = pd.read_csv(out / "clips" / "new" / "segments.csv")
    right = 0
    for g in script.segments:
        overlap = np.minimum(seg.end_s, g.end_s) - np.maximum(seg.start_s, g.start_s)
        j = int(np.argmax(overlap))
        want = {"speech": "speech" if g.speaker == "adult" else "other"}.get(g.kind, g.kind)
        right += overlap[j] > 0 and seg.vocal_type[j] == want
    assert right / len(script.segments) >= 0.85
    assert seg.laugh_logodds.isna().all()  # a fitted model gives no rule log-odds
    back, _ = read_eaf(out / "clips" / "new" / "vocal.eaf")
    assert set(back["type"].dropna()) <= {"speech", "laugh", "cry", "other"} and back["type"].notna().all()
