"""Who vocalizes: synthetic voices with exact speakers, the mouth cue, the fitted voice model."""

import numpy as np
import pandas as pd
import pytest
from audio_mixtures import SR, synthetic_dyad, truth_table
from sklearn.base import clone

from extract.audio import analyze_audio
from extract.audio.speaker import VoiceClassifier, mouth_z, split_by_speaker
from extract.audio.vad import segment_mask
from extract.render import voices
from extract.render.script import build_script


def speaker_frame_accuracy(truth: pd.DataFrame, predicted: pd.DataFrame, duration_s: float) -> float:
    """Share of truth-voiced 10 ms frames whose predicted speaker is the true one (no prediction = wrong)."""
    t = np.arange(0, duration_s, 0.01)
    right, voiced = 0, 0
    for who in ("adult", "infant"):
        ref = segment_mask(truth.loc[truth.speaker == who, ["start_s", "end_s"]].to_numpy(), t)
        hyp = segment_mask(predicted.loc[predicted.speaker == who, ["start_s", "end_s"]].to_numpy(), t)
        right += (ref & hyp).sum()
        voiced += ref.sum()
    return right / voiced


@pytest.mark.parametrize(("snr_db", "seed"), [(None, 11), (15, 12), (15, 13)])
def test_speaker_right_in_95_percent_of_voiced_frames(snr_db, seed):
    script, y = synthetic_dyad(sensitivity=0.5, seed=seed, duration_s=90, snr_db=snr_db)
    result = analyze_audio(y, sample_rate=SR)
    truth = truth_table(script)
    assert speaker_frame_accuracy(truth, result.segments, 90) >= 0.95
    assert list(result.segments.speaker) == list(truth.speaker)
    assert result.segments.confidence.between(0.5, 1.0).all()


def _mouth_table(script, fps=25.0):
    t = np.arange(0, script.duration_s, 1 / fps)
    return pd.DataFrame(
        {
            "t_s": t,
            "adult.mouth_open": script.mouth_open("adult", t),
            "infant.mouth_open": script.mouth_open("infant", t),
        }
    )


def test_mouth_movement_decides_for_infant_directed_speech_at_infant_pitch(monkeypatch):
    """An adult speaking at 390-450 Hz (infant-directed speech) sounds like the infant by
    pitch; with the video table (the renderer's truth mouth_open standing in for tracked
    mouths) the attribution follows the moving mouth."""
    script = build_script(sensitivity=0.5, seed=21, duration_s=60)
    monkeypatch.setitem(voices.F0_RANGE_HZ, "adult", (380.0, 520.0))  # let the voice go up to IDS pitch
    ids = [s for s in script.segments if s.speaker == "adult"]
    script = type(script)(
        **{
            **script.__dict__,
            "segments": tuple(
                type(s)(**{**s.__dict__, "f0_hz": 420.0}) if s.speaker == "adult" else s
                for s in script.segments
            ),
        }
    )
    y = voices.synth_track(script, sample_rate=SR, snr_db=20)
    truth = truth_table(script)
    audio_only = analyze_audio(y, sample_rate=SR)
    with_video = analyze_audio(y, sample_rate=SR, video=_mouth_table(script))
    adult_rows = audio_only.segments.start_s.round(1).isin(truth.start_s[truth.speaker == "adult"].round(1))
    assert (
        ids and (audio_only.segments.speaker[adult_rows] == "infant").mean() >= 0.5
    )  # pitch alone is fooled
    assert speaker_frame_accuracy(truth, with_video.segments, 60) >= 0.95
    assert with_video.qc["audio_mouth_cue"]


def test_video_table_without_mouth_columns_is_ignored():
    script, y = synthetic_dyad(sensitivity=0.5, seed=3, duration_s=30, snr_db=20)
    plain = analyze_audio(y, sample_rate=SR)
    other = analyze_audio(y, sample_rate=SR, video=pd.DataFrame({"t_s": [0.0, 1.0], "source_frame": [0, 25]}))
    pd.testing.assert_frame_equal(plain.segments, other.segments)


def test_split_by_speaker_cuts_where_the_evidence_changes_sign():
    hop = 0.01
    evidence = np.full(500, np.nan)
    evidence[100:250] = -3.0  # adult 1.0-2.5 s
    evidence[250:400] = 3.0  # infant 2.5-4.0 s, no pause between
    evidence[260:265] = -3.0  # a blip shorter than min_part_s is absorbed
    parts = split_by_speaker(np.array([[1.0, 4.0]]), evidence, hop_s=hop, smooth_s=0.1, min_part_s=0.4)
    assert parts.shape == (2, 2)
    assert abs(parts[0, 1] - 2.5) <= 0.05 and parts[0, 0] == 1.0 and parts[1, 1] == 4.0


def test_voice_classifier_follows_sklearn_conventions():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 11))
    y = np.where(x[:, 1] > 0, "infant", "adult")
    model = VoiceClassifier(C=0.5)
    assert model.fit(x, y) is model
    assert (model.predict(x) == y).mean() >= 0.9
    assert clone(model).get_params() == {"C": 0.5, "class_weight": "balanced"}
    z = model.decision_function(x)
    assert ((z > 0) == (model.predict(x) == "infant")).all()
    with pytest.raises(ValueError, match="adult"):
        VoiceClassifier().fit(x, np.array(["mum"] * 60))


def test_overlapping_speech_is_found_from_both_mouths_and_counts_as_intrusion():
    """An adult reply that starts 0.6 s before the infant stops: with the mouths (renderer
    truth standing in for video tracking) both segments come out, overlapping."""
    from extract.audio.turns import turn_features

    script = build_script(sensitivity=0.9, seed=61, duration_s=40)
    segs = list(script.segments)
    k = next(i for i in range(1, len(segs)) if segs[i].contingent and segs[i - 1].speaker == "infant")
    shift = segs[k].start_s - (segs[k - 1].end_s - 0.6)
    segs[k] = type(segs[k])(
        **{
            **segs[k].__dict__,
            "start_s": segs[k].start_s - shift,
            "end_s": segs[k].end_s - shift,
            "syllables": tuple(
                type(x)(x.start_s - shift, x.end_s - shift, x.vowel) for x in segs[k].syllables
            ),
        }
    )
    script = type(script)(**{**script.__dict__, "segments": tuple(segs)})
    y = voices.synth_track(script, sample_rate=SR, snr_db=20)
    result = analyze_audio(y, sample_rate=SR, video=_mouth_table(script))
    f = result.features
    truth = truth_table(script)
    want = turn_features(truth, duration_s=40)
    assert f["turns.overlap.count"] == want["turns.overlap.count"] == 1
    assert f["turns.overlap_s.total"] == pytest.approx(0.6, abs=0.1)
    assert f["turns.adult.intrusion.count"] == 1
    assert f["turns.conversational.count"] == want["turns.conversational.count"]
    assert speaker_frame_accuracy(truth, result.segments, 40) >= 0.95


def test_rule_f0_cap_and_articulation_term():
    """Capped F0 evidence, and the one-sided articulation term (on by default: weight 2 above 10)."""
    from extract.audio.pitch import hz_to_st
    from extract.audio.speaker import VoiceRule
    from extract.config import SpeakerConfig

    table = pd.DataFrame(
        {
            "f0_median_st": [hz_to_st(800.0)] * 3,
            "voiced_share": [1.0] * 3,
            "centroid_median_hz": [900.0] * 3,
            "aperiodicity_median": [0.0] * 3,
            "articulation": [5.0, 10.0, 14.0],
        }
    )
    f0 = 0.5 * (hz_to_st(800.0) - hz_to_st(300.0))
    default = VoiceRule.from_config(SpeakerConfig()).segment_evidence(table)
    assert default == pytest.approx([f0, f0, f0 - 2.0])
    plain = VoiceRule.from_config(SpeakerConfig(articulation_weight=0.0)).segment_evidence(table)
    assert plain == pytest.approx([f0] * 3)
    rule = VoiceRule.from_config(SpeakerConfig(f0_cap=3.0, articulation_weight=6.0, articulation_ref=9.0))
    assert rule.segment_evidence(table) == pytest.approx([3.0, 3.0 - 3.0, 3.0 - 6.0])


def test_mouths_count_only_where_both_were_measured_recently():
    t = np.arange(0, 10, 0.1)
    adult = np.where(t < 5, np.sin(t), np.nan)  # the adult's face turns away at 5 s
    infant = np.cos(t)
    video = pd.DataFrame({"t_s": t, "adult.mouth_open": adult, "infant.mouth_open": infant})
    times = np.array([1.0, 4.95, 5.2, 5.5, 8.0])
    z = mouth_z(times, video, max_gap_s=0.3)
    assert z["adult"][0] != 0 and np.all(z["infant"][:3] != 0)  # 5.2 is within 0.3 s of the adult's last, 4.9
    assert np.all(z["infant"][3:] == 0) and np.all(z["adult"][3:] == 0)  # the infant alone is no evidence
    free = mouth_z(times, video)  # no gap limit: the infant's mouth counts alone
    assert np.all(free["infant"] != 0) and np.all(free["adult"][3:] == 0)
