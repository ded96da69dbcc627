"""Vocal types on synthetic voices: scripted laugh trains, cries, speech and babble mixed at
20 dB SNR are typed and bounded as scripted (the issue's bar: accuracy >= 0.9, boundaries
within 100 ms), and the type model of fit-voices learns the same from labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from extract.audio.analyze import analyze_audio
from extract.audio.fit import fit_type_model, labelled_features
from extract.audio.vocal_type import VOCAL_TYPES, type_names
from extract.render.affect_script import laugh_segment, vocal_type_script
from extract.render.voices import synth_track

SR = 16000


def _truth_type(seg) -> str:
    return {"speech": "speech" if seg.speaker == "adult" else "other"}.get(seg.kind, seg.kind)


def _matched(script, segments: pd.DataFrame) -> pd.DataFrame:
    """Per scripted segment: the detected segment overlapping it most, its type and boundary errors."""
    rows = []
    for g in script.segments:
        overlap = np.minimum(segments.end_s, g.end_s) - np.maximum(segments.start_s, g.start_s)
        j = int(np.argmax(overlap)) if len(segments) else -1
        found = j >= 0 and overlap[j] > 0
        rows.append(
            {
                "truth": _truth_type(g),
                "speaker": g.speaker,
                "found": found,
                "pred": segments.vocal_type[j] if found else "missed",
                "start_err": abs(segments.start_s[j] - g.start_s) if found else np.inf,
                "end_err": abs(segments.end_s[j] - g.end_s) if found else np.inf,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def typed():
    out = []
    for seed in (21, 22, 23):
        script = vocal_type_script(seed=seed, duration_s=60)
        y = synth_track(script, sample_rate=SR, snr_db=20)
        out.append((script, y, analyze_audio(y, sample_rate=SR).segments))
    return out


def test_segment_types_at_20db(typed):
    m = pd.concat([_matched(s, seg) for s, _, seg in typed], ignore_index=True)
    assert set(m.truth) == {"speech", "other", "laugh", "cry"}
    accuracy = (m.truth == m.pred).mean()
    assert accuracy >= 0.9, pd.crosstab(m.truth, m.pred)
    for kind in ("laugh", "cry"):  # each type on its own, not only on average
        assert (m.pred[m.truth == kind] == kind).mean() >= 0.8, kind


def test_boundaries_within_100ms(typed):
    m = pd.concat([_matched(s, seg) for s, _, seg in typed], ignore_index=True)
    within = (m.start_err <= 0.1) & (m.end_err <= 0.1)
    assert within.mean() >= 0.9, m[~within]
    assert within[m.truth == "laugh"].mean() >= 0.85


def test_segments_csv_values_and_logodds(typed):
    seg = typed[0][2]
    assert set(seg.vocal_type) <= set(VOCAL_TYPES)
    laughs = seg[seg.vocal_type == "laugh"]
    assert (laughs.laugh_logodds > 0).all() and (laughs.burst_count >= 2).all()
    assert (seg[seg.vocal_type == "cry"].speaker == "infant").all()


def test_laugh_bursts_counted_at_their_rate():
    rng = np.random.default_rng(3)
    seg = laugh_segment(rng, start=1.0, speaker="infant")
    from dataclasses import replace

    script = replace(vocal_type_script(seed=1, duration_s=6), segments=(seg,))
    a = analyze_audio(synth_track(script, sample_rate=SR, snr_db=20), sample_rate=SR).segments
    assert len(a) == 1
    scripted_rate = (len(seg.syllables) - 1) / (seg.syllables[-1].start_s - seg.syllables[0].start_s)
    assert a.burst_count[0] == len(seg.syllables)
    assert a.burst_rate_hz[0] == pytest.approx(scripted_rate, rel=0.1)


def test_type_names_per_speaker():
    kinds = np.array(["laugh", "cry", "plain", "plain", "cry"], dtype=object)
    speakers = np.array(["adult", "infant", "adult", "infant", "adult"], dtype=object)
    assert list(type_names(kinds, speakers, cry_speakers=("infant",))) == [
        "laugh",
        "cry",
        "speech",
        "other",
        "speech",  # an adult 'cry' is high sustained speech
    ]


def test_type_model_learns_from_labels(typed):
    """Fit on two clips' scripted labels, predict the third's: as good as the rule."""
    tables = []
    for script, y, _ in typed:
        labels = pd.DataFrame(
            {
                "start_s": [g.start_s for g in script.segments],
                "end_s": [g.end_s for g in script.segments],
                "speaker": [g.speaker for g in script.segments],
                "type": [g.kind for g in script.segments],
            }
        )
        tables.append(labelled_features(y, labels, sample_rate=SR))
    model = fit_type_model(pd.concat(tables[:2], ignore_index=True))
    test = tables[2]
    truth = test["type"].map(lambda t: t if t in ("laugh", "cry") else "plain")
    assert (model.predict(test) == truth.to_numpy()).mean() >= 0.9


def _frames_and_voicing(mfcc: np.ndarray, voiced: np.ndarray):
    from extract.audio.pitch import PitchTrack
    from extract.audio.vocal_type import TypeFrames

    n = len(voiced)
    energy = np.full(n, -20.0)  # all loud: only the voicing delimits the runs
    pitch = PitchTrack(
        times_s=np.arange(n) * 0.01,
        f0_hz=np.where(voiced, 400.0, np.nan),
        aperiodicity=np.where(voiced, 0.1, 1.0),
        voiced=voiced,
    )
    return TypeFrames(energy_db=energy, mfcc=mfcc, hop_s=0.01), pitch


def test_articulation_is_the_timbre_spread_inside_voiced_runs():
    """A bout of two wails, each holding its own timbre, articulates 0 (the jump between them is
    no articulation); a run whose timbre glides articulates by its spread; flickers of up to 40 ms
    do not end a voiced run."""
    from extract.audio.vocal_type import describe_types

    voiced = np.zeros(200, bool)
    voiced[10:80] = voiced[110:190] = True
    voiced[40:43] = False  # a 30 ms flicker inside the first wail
    mfcc = np.zeros((200, 12))
    mfcc[110:190] = 6.0  # the second wail holds another vowel
    frames, pitch = _frames_and_voicing(mfcc, voiced)
    bout = describe_types(np.array([[0.0, 2.0]]), frames=frames, pitch=pitch).iloc[0]
    assert bout.articulation == pytest.approx(0.0, abs=1e-9)
    assert bout.voiced_run_max_s == pytest.approx(0.8)  # 1.1-1.9 s; the first (0.1-0.8 s) is bridged to 0.7
    glide = mfcc.copy()
    glide[110:190] = np.linspace(0.0, 8.0, 80)[:, None]  # formants moving within the voicing
    frames, pitch = _frames_and_voicing(glide, voiced)
    spoken = describe_types(np.array([[0.0, 2.0]]), frames=frames, pitch=pitch).iloc[0]
    own = np.std(np.linspace(0.0, 8.0, 80))
    assert spoken.articulation == pytest.approx(own * 80 / (80 + 70), rel=1e-6)  # weighted by frames
