"""Tone-coded speech: text as a sequence of pure tones, one per character (numpy only).

The course's tiny speech recogniser (``tiny-asr``) learns to read this code, and the shipped
audio of ``metric_suites/asr_tones.yaml`` is written with it, so a speech-recognition task runs
end to end with no recorded voice and nothing downloaded. Each character of :data:`ALPHABET`
sounds as a sine at its own frequency (``BASE_HZ + index * STEP_HZ``) for ``TONE_S`` seconds,
faded in and out, then ``GAP_S`` of silence, so a doubled letter is two tones, not one long one.

The code is exact and seeded: the same text, rate and amplitude give the same samples.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np

ALPHABET = "abcdefghijklmnopqrstuvwxyz '"
RATE = 16_000  # the tiny recogniser's sampling rate
BASE_HZ = 400.0
STEP_HZ = 110.0  # 28 characters: 400 Hz .. 3370 Hz, below the Nyquist frequency of 8 kHz audio
TONE_S = 0.06
GAP_S = 0.02
EDGE_S = 0.04  # silence before the first and after the last tone
FADE_S = 0.005
_OUTSIDE = re.compile(f"[^{re.escape(ALPHABET)}]+")


def normalize(text: str) -> str:
    """Lower case, characters outside :data:`ALPHABET` dropped, runs of spaces made one."""
    kept = _OUTSIDE.sub(" ", text.lower())
    return " ".join(kept.split())


def frequency(char: str) -> float:
    """The tone of one character of :data:`ALPHABET`."""
    return BASE_HZ + ALPHABET.index(char) * STEP_HZ


def encode(text: str, rate: int = RATE, amplitude: float = 0.5) -> np.ndarray:
    """``text`` (normalised first) as float32 mono samples in ``[-amplitude, amplitude]``."""
    tone_n, gap_n, edge_n = (round(s * rate) for s in (TONE_S, GAP_S, EDGE_S))
    envelope = _envelope(tone_n, round(FADE_S * rate))
    t = np.arange(tone_n) / rate
    parts = [np.zeros(edge_n)]
    for char in normalize(text):
        parts.append(amplitude * envelope * np.sin(2 * np.pi * frequency(char) * t))
        parts.append(np.zeros(gap_n))
    parts.append(np.zeros(edge_n))
    return np.concatenate(parts).astype(np.float32)


def _envelope(length: int, fade: int) -> np.ndarray:
    ramp = np.linspace(0.0, 1.0, fade, endpoint=False)
    envelope = np.ones(length)
    envelope[:fade] = ramp
    envelope[length - fade :] = ramp[::-1]
    return envelope


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> None:
    """16-bit PCM WAV of mono ``samples`` in ``[-1, 1]``, the same signal on every channel."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    frames = np.repeat(pcm[:, None], channels, axis=1)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(frames.tobytes())
