"""Tone-coded speech (harness.course_models.tones) and the clips of metric_suites/asr_tones.yaml.

The shipped clips are this module's :data:`CLIPS` written by :func:`write_clips`; a test
writes them again and compares the bytes, so they cannot drift from the code that reads them.
``python -m tests.course_models.test_tones`` rewrites them.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from harness.course_models import tones
from tests.conftest import REPO

SUITE_DIR = REPO / "metric_suites"
DATASET = SUITE_DIR / "data" / "asr_tones.jsonl"
# file -> (sampling rate, channels, amplitude): the rates and channels differ on purpose, so a
# run exercises resampling (8, 11.025 and 22.05 kHz -> 16 kHz) and down-mixing (stereo -> mono).
CLIPS = {
    "audio/tone-01.wav": (8_000, 1, 0.5),
    "audio/tone-02.wav": (8_000, 1, 0.3),
    "audio/tone-03.wav": (16_000, 1, 0.6),
    "audio/tone-04.wav": (8_000, 2, 0.5),
    "audio/tone-05.wav": (22_050, 1, 0.4),
    "audio/tone-06.wav": (8_000, 1, 0.7),
    "audio/tone-07.wav": (8_000, 1, 0.5),
    "audio/tone-08.wav": (11_025, 1, 0.5),
    "audio/tone-09.wav": (8_000, 1, 0.2),
    "audio/tone-10.wav": (8_000, 2, 0.5),
    "audio/tone-11.wav": (8_000, 1, 0.8),
    "audio/tone-12.wav": (8_000, 1, 0.5),
}


def write_clips(folder: Path) -> None:
    """Write every clip of the data set under ``folder`` (the suite's folder): its reference, tone-coded."""
    for line in DATASET.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        rate, channels, amplitude = CLIPS[item["audio"]]
        path = folder / item["audio"]
        path.parent.mkdir(parents=True, exist_ok=True)
        tones.write_wav(path, tones.encode(item["reference"], rate, amplitude), rate, channels)


def test_the_shipped_clips_are_what_the_code_writes(tmp_path: Path) -> None:
    write_clips(tmp_path)
    for name in CLIPS:
        assert (tmp_path / name).read_bytes() == (SUITE_DIR / name).read_bytes(), name


def test_every_item_names_a_listed_clip() -> None:
    items = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    assert sorted(item["audio"] for item in items) == sorted(CLIPS)


def test_a_clip_has_one_tone_per_character_at_its_frequency() -> None:
    samples = tones.encode("ab", tones.RATE, 0.5)
    tone, gap, edge = (round(s * tones.RATE) for s in (tones.TONE_S, tones.GAP_S, tones.EDGE_S))
    assert len(samples) == 2 * edge + 2 * (tone + gap)
    assert samples.dtype == np.float32 and float(np.abs(samples).max()) <= 0.5
    first = samples[edge : edge + tone]
    peak_hz = np.argmax(np.abs(np.fft.rfft(first))) * tones.RATE / len(first)
    assert abs(peak_hz - tones.frequency("a")) < tones.RATE / len(first)  # within one FFT bin


@pytest.mark.parametrize(("text", "expected"), [("Hello, World!", "hello world"), ("it's  2 AM", "it's am")])
def test_normalize_keeps_the_alphabet_only(text: str, expected: str) -> None:
    assert tones.normalize(text) == expected


def test_write_wav_writes_16_bit_pcm(tmp_path: Path) -> None:
    tones.write_wav(tmp_path / "x.wav", np.array([0.0, 1.0, -1.0, 2.0], dtype=np.float32), 8_000, channels=2)
    with wave.open(str(tmp_path / "x.wav"), "rb") as handle:
        assert (handle.getnchannels(), handle.getsampwidth(), handle.getframerate()) == (2, 2, 8_000)
        frames = np.frombuffer(handle.readframes(4), dtype="<i2").reshape(4, 2)
    assert frames[:, 0].tolist() == [0, 32767, -32767, 32767]  # clipped to [-1, 1]


if __name__ == "__main__":
    write_clips(SUITE_DIR)
