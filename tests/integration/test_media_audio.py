"""read_audio: 16 kHz mono float32 on the clip clock, with a known onset landing in place."""

import warnings

import numpy as np
import pytest
from media_fixtures import onset_s, tone_burst, write_audio, write_video

from extract.errors import MediaWarning
from extract.media import iter_frames, probe, read_audio

ONSET = 1.234
SR_IN = 48000


def _check_track(track, *, duration_s):
    assert track.sample_rate == 16000
    assert track.samples.dtype == np.float32 and track.samples.ndim == 1
    assert np.all(np.isfinite(track.samples))
    assert np.abs(track.samples).max() <= 1.0
    assert track.duration_s == pytest.approx(duration_s, abs=0.1)


def _read_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", MediaWarning)  # intact files give no warning
        return read_audio(path)


@pytest.mark.parametrize("name, codec", [("tone.wav", "pcm_s16le"), ("tone.flac", "flac")])
def test_onset_in_audio_file(tmp_path, name, codec):
    path = tmp_path / name
    write_audio(path, tone_burst(onset_s=ONSET, sample_rate=SR_IN), sample_rate=SR_IN, codec=codec)
    track = _read_quietly(path)
    _check_track(track, duration_s=3.0)
    assert onset_s(track.samples, 16000) == pytest.approx(ONSET, abs=0.010)


def test_onset_in_mp4_with_aac_and_video(tmp_path):
    path = tmp_path / "tone.mp4"
    write_video(
        path, n_frames=75, fps=25, size=(64, 48), audio=tone_burst(onset_s=ONSET)[None], audio_codec="aac"
    )
    info = probe(path)
    assert info.audio.codec == "aac" and info.audio.sample_rate == SR_IN and info.audio.channels == 1
    track = _read_quietly(path)
    _check_track(track, duration_s=3.0)
    assert onset_s(track.samples, 16000) == pytest.approx(ONSET, abs=0.010)
    # burst amplitude survives (no level change for mono input)
    assert np.abs(track.samples).max() == pytest.approx(0.5, abs=0.05)


def test_stereo_is_mixed_to_mono(tmp_path):
    left = tone_burst(onset_s=ONSET, freq_hz=1000)
    right = tone_burst(onset_s=2.2, burst_s=0.3, freq_hz=1000)
    path = tmp_path / "stereo.m4a"
    write_audio(path, np.stack([left, right]), sample_rate=SR_IN, codec="aac")
    assert probe(path).audio.channels == 2
    y = read_audio(path).samples
    assert y.ndim == 1
    # both channels are in the mix, each at the same level, at their own times
    assert onset_s(y, 16000) == pytest.approx(ONSET, abs=0.010)
    a = np.abs(y[int(1.3 * 16000) : int(1.7 * 16000)]).max()
    b = np.abs(y[int(2.25 * 16000) : int(2.45 * 16000)]).max()
    assert a == pytest.approx(b, rel=0.05)
    # FFmpeg's stereo->mono downmix scales each channel by 1/sqrt(2) (-3 dB), not 1/2
    assert a == pytest.approx(0.5 / np.sqrt(2), rel=0.05)
    assert np.abs(y[: int(1.2 * 16000)]).max() < 0.01  # silence before both bursts


@pytest.mark.parametrize("ext", ["mp4", "mkv"])
def test_late_audio_is_placed_on_the_shared_clock(tmp_path, ext):
    """Audio that starts 0.5 s after the video: samples[0] is still video t = 0."""
    start = 0.5
    path = tmp_path / f"late.{ext}"
    write_video(
        path, n_frames=100, fps=25, size=(64, 48), audio=tone_burst(onset_s=ONSET)[None], audio_start_s=start
    )
    first_frame = next(iter_frames(path))
    assert first_frame.t_s == pytest.approx(0.0, abs=1e-6)
    track = read_audio(path)
    assert onset_s(track.samples, 16000) == pytest.approx(start + ONSET, abs=0.010)
    assert np.abs(track.samples[: int(0.5 * 16000)]).max() == 0.0  # padded silence
    _check_track(track, duration_s=3.5)


def test_other_sample_rate_on_request(tmp_path):
    path = tmp_path / "tone.wav"
    write_audio(path, tone_burst(onset_s=ONSET, sample_rate=22050), sample_rate=22050)
    track = read_audio(path, sample_rate=8000)
    assert track.sample_rate == 8000
    assert len(track.samples) == pytest.approx(3.0 * 8000, abs=2)
    assert onset_s(track.samples, 8000) == pytest.approx(ONSET, abs=0.010)
