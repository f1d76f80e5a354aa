"""Audio inputs: 16-bit PCM WAV read with the standard library, resampled by the Fourier method."""

from __future__ import annotations

import hashlib
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from harness.models.audio import AudioError, read_wav, resample


def write(path: Path, frames: np.ndarray, rate: int = 8_000, width: int = 2) -> Path:
    """``frames`` (n x channels, int16 values) as a WAV of ``width`` bytes per sample."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(frames.shape[1])
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(frames.astype("<i2").tobytes() if width == 2 else frames.astype("u1").tobytes())
    return path


def test_a_mono_clip_reads_as_floats_with_the_hash_of_its_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", np.array([[0], [16384], [-32768], [32767]]))
    clip = read_wav(path, "a.wav")
    assert clip.rate == 8_000 and clip.name == "a.wav"
    assert clip.samples.dtype == np.float32
    assert clip.samples.tolist() == [0.0, 0.5, -1.0, 32767 / 32768]
    assert clip.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert clip.seconds == 4 / 8_000


def test_stereo_is_averaged_to_mono(tmp_path: Path) -> None:
    clip = read_wav(write(tmp_path / "s.wav", np.array([[16384, 0], [-16384, -16384]])))
    assert clip.samples.tolist() == [0.25, -0.5]


def corrupt(tmp_path: Path, name: str) -> Path:
    """A WAV file damaged in the way ``name`` says."""
    good = write(tmp_path / "good.wav", np.zeros((100, 1)))
    path = tmp_path / f"{name}.wav"
    data = good.read_bytes()
    damaged = {
        "text": b"this is not audio at all",
        "truncated": data[:60],
        "empty": b"",
        "float": data[:20] + struct.pack("<H", 3) + data[22:],  # format tag 3: IEEE float
    }
    path.write_bytes(damaged[name])
    return path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("text", "not a PCM WAV file"),
        ("truncated", "truncated"),
        ("empty", "not a PCM WAV file"),
        ("float", "not a PCM WAV file"),
    ],
)
def test_a_corrupt_file_is_one_line_naming_it(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(AudioError) as caught:
        read_wav(corrupt(tmp_path, name), "data.jsonl:3: item 'x': audio x.wav")
    assert str(caught.value).startswith("data.jsonl:3: item 'x': audio x.wav: ")
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_unsupported_formats_say_what_is_read(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="8-bit samples; only 16-bit PCM"):
        read_wav(write(tmp_path / "b.wav", np.full((10, 1), 128), width=1))
    with pytest.raises(AudioError, match="3 channels; only mono and stereo"):
        read_wav(write(tmp_path / "c.wav", np.zeros((10, 3))))
    with pytest.raises(AudioError, match="no samples"):
        read_wav(write(tmp_path / "d.wav", np.zeros((0, 1))))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"^clip.wav: no such file \(paths are relative to the suite\)$"):
        read_wav(tmp_path / "clip.wav", "clip.wav")


@pytest.mark.parametrize("length", [100, 101, 1])
@pytest.mark.parametrize(("rate", "target"), [(8_000, 16_000), (16_000, 8_000), (22_050, 16_000), (16_000, 22_050)])
def test_resample_is_scipys_fourier_method(length: int, rate: int, target: int) -> None:
    signal = pytest.importorskip("scipy.signal")
    samples = np.random.default_rng(length).standard_normal(length).astype(np.float32)
    expected = signal.resample(samples.astype(np.float64), max(1, round(length * target / rate)))
    np.testing.assert_allclose(resample(samples, rate, target), expected, atol=1e-6)


def test_resample_keeps_a_tone_and_the_duration() -> None:
    t = np.arange(8_000) / 8_000
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)  # a whole number of periods: periodic, so exact
    up = resample(tone, 8_000, 16_000)
    assert len(up) == 16_000
    np.testing.assert_allclose(up, np.sin(2 * np.pi * 440 * np.arange(16_000) / 16_000), atol=1e-5)
    assert resample(tone, 8_000, 8_000) is tone
