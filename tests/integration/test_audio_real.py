"""Audio analysis on real recordings (../shared/media; skipped when absent).

- VAD on pyannote's two-speaker phone sample against its human RTTM. Frame-level VAD error
  = (missed speech frames + false-alarm frames) / reference speech frames, on a 10 ms grid,
  no forgiveness collar, reference = union of the RTTM segments.
- Mixtures of real infant cries (donateacry) and real adult female read speech (LJSpeech,
  LibriSpeech) at known times, gaps 0.2-6 s, one or two overlaps each, pink-ish noise at 20 dB SNR
  (tests/audio_mixtures.py): frame-level F1 per speaker and the conversational-turn count.
"""

import numpy as np
import pytest
from audio_mixtures import SR, frame_f1, real_mixture
from media_fixtures import real_media_dir

from extract.audio import analyze_audio
from extract.audio.labels import read_rttm
from extract.audio.turns import conversational_turns
from extract.audio.vad import segment_mask
from extract.media import read_audio

MEDIA, WHY = real_media_dir()
pytestmark = [pytest.mark.media, pytest.mark.skipif(MEDIA is None, reason=WHY)]
MIXTURE_SEEDS = range(6)


def vad_error(reference, hypothesis, duration_s, hop_s=0.01):
    t = np.arange(0, duration_s, hop_s)
    ref = segment_mask(reference[["start_s", "end_s"]].to_numpy(), t)
    hyp = segment_mask(hypothesis[["start_s", "end_s"]].to_numpy(), t)
    return (ref & ~hyp).sum() / ref.sum(), (hyp & ~ref).sum() / ref.sum()


def test_vad_error_on_the_pyannote_sample_is_at_most_15_percent():
    audio = MEDIA / "audio"
    track = read_audio(audio / "pyannote_sample_2female_phone.wav", sample_rate=SR)
    result = analyze_audio(track.samples, sample_rate=SR)
    missed, false_alarm = vad_error(
        read_rttm(audio / "pyannote_sample.rttm"), result.segments, track.duration_s
    )
    assert missed + false_alarm <= 0.15, f"missed {missed:.3f} + false alarm {false_alarm:.3f}"


@pytest.fixture(scope="module")
def mixtures():
    out = []
    for seed in MIXTURE_SEEDS:
        y, truth = real_mixture(MEDIA, seed=seed)
        result = analyze_audio(y, sample_rate=SR)
        duration = len(y) / SR
        out.append(
            {
                "seed": seed,
                "f1_adult": frame_f1(truth, result.segments, speaker="adult", duration_s=duration),
                "f1_infant": frame_f1(truth, result.segments, speaker="infant", duration_s=duration),
                "turn_error": len(conversational_turns(result.segments)) - len(conversational_turns(truth)),
            }
        )
    return out


def test_mixtures_frame_f1_at_least_0_8_for_adult_and_infant(mixtures):
    for m in mixtures:
        assert m["f1_adult"] >= 0.8 and m["f1_infant"] >= 0.8, m


def test_mixtures_conversational_turn_count_within_1_in_every_mixture(mixtures):
    errors = [m["turn_error"] for m in mixtures]
    assert all(abs(e) <= 1 for e in errors), errors  # measured 0, -1, +1, +1, +1, +1


def test_a_voice_model_fitted_to_labelled_recordings_of_the_same_voices(mixtures):
    """fit-voices on 6 labelled mixtures (other excerpts of the same cry and adult
    recordings, other noise), applied to the 6 test mixtures: turn counts within 1 in all."""
    import pandas as pd

    from extract.audio.fit import labelled_features
    from extract.audio.speaker import VoiceClassifier

    train = []
    for seed in range(6, 12):
        y, truth = real_mixture(MEDIA, seed=seed)
        train.append(labelled_features(y, truth, sample_rate=SR))
    train = pd.concat(train, ignore_index=True)
    model = VoiceClassifier().fit(train, train.speaker)
    fitted = []
    for seed in MIXTURE_SEEDS:
        y, truth = real_mixture(MEDIA, seed=seed)
        result = analyze_audio(y, sample_rate=SR, voice_model=model)
        duration = len(y) / SR
        f1_adult = frame_f1(truth, result.segments, speaker="adult", duration_s=duration)
        f1_infant = frame_f1(truth, result.segments, speaker="infant", duration_s=duration)
        turn_error = len(conversational_turns(result.segments)) - len(conversational_turns(truth))
        assert f1_adult >= 0.84 and f1_infant >= 0.87, (seed, f1_adult, f1_infant)
        assert abs(turn_error) <= 1, (seed, turn_error)
        fitted.append(f1_adult + f1_infant)
    # as good as the built-in rule on average (measured 1.85 vs 1.83; the rule wins mixture 0)
    assert np.mean(fitted) >= np.mean([m["f1_adult"] + m["f1_infant"] for m in mixtures]) - 0.01


def _infant_share(path):
    track = read_audio(path, sample_rate=SR)
    seg = analyze_audio(track.samples, sample_rate=SR).segments
    dur = seg.end_s - seg.start_s
    return dur[seg.speaker == "infant"].sum(), dur.sum()


def test_single_source_recordings_adults_stay_adult_and_cries_are_mostly_infant():
    audio = MEDIA / "audio"
    for name in (
        "ami_tst00_2F2M_meeting.wav",
        "pyannote_sample_2female_phone.wav",
        "ljspeech_LJ001-0001_female.wav",
        "librosa_libri3_198-209-0000_female.hq.ogg",
    ):
        infant, total = _infant_share(audio / name)
        assert total > 0 and infant / total <= 0.1, (name, infant / total)
    cries = [_infant_share(p) for p in sorted(audio.glob("donateacry_*.wav"))]
    pooled = sum(i for i, _ in cries) / sum(t for _, t in cries)
    assert len(cries) == 3 and pooled >= 0.75, pooled
