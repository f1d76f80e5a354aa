"""Audio inputs of model requests: 16-bit PCM WAV files read with the standard library.

:func:`read_wav` decodes a WAV (mono, or stereo averaged to mono) into float32 samples in
``[-1, 1)``, with the sha256 of the file's bytes, which goes into every cache key so a changed
clip is never answered from an old clip's cache. Anything else (not RIFF/WAVE, compressed,
8/24/32-bit, more than two channels, empty, truncated) is an :class:`AudioError`: one line,
exit code 2.

:func:`resample` converts to the rate a model was trained at by the Fourier method (the method
of ``scipy.signal.resample``): the real FFT of the clip is cut or zero-padded to the new length
and transformed back. It is exact for a band-limited periodic signal, deterministic, needs
nothing beyond numpy, and keeps the clip's duration to the nearest sample; a clip is not
periodic, so its first and last milliseconds may ring slightly.
"""

from __future__ import annotations

import hashlib
import io
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harness.errors import HarnessError

MAX_AUDIO_BYTES = 200_000_000
MAX_SECONDS = 600.0


class AudioError(HarnessError):
    """An audio input cannot be read or used: bad input, exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class AudioClip:
    """One decoded clip: mono float32 ``samples`` at ``rate`` Hz, named ``name`` in messages."""

    name: str
    sha256: str
    rate: int
    samples: np.ndarray = field(compare=False, repr=False)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def at_rate(self, rate: int) -> np.ndarray:
        """The samples at ``rate`` Hz (these samples when the rates agree)."""
        return self.samples if rate == self.rate else resample(self.samples, self.rate, rate)


def read_wav(path: Path, name: str | None = None) -> AudioClip:
    """Decode the 16-bit PCM WAV at ``path`` (``name``: how messages call it, default the path).

    Raises:
        AudioError: a missing, unreadable, empty, corrupt or unsupported file (one line, saying why).
    """
    shown = name or str(path)
    try:
        if path.stat().st_size > MAX_AUDIO_BYTES:
            raise AudioError(f"{shown}: larger than {MAX_AUDIO_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise AudioError(f"{shown}: no such file (paths are relative to the suite)") from None
    except OSError as exc:
        raise AudioError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    rate, samples = _decode(data, shown)
    return AudioClip(shown, hashlib.sha256(data).hexdigest(), rate, samples)


def _decode(data: bytes, shown: str) -> tuple[int, np.ndarray]:
    try:
        with wave.open(io.BytesIO(data), "rb") as handle:
            channels, width, rate = handle.getnchannels(), handle.getsampwidth(), handle.getframerate()
            frames = handle.getnframes()
            raw = handle.readframes(frames)
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"{shown}: not a PCM WAV file ({exc or 'truncated'})") from None
    if width != 2:
        raise AudioError(f"{shown}: {8 * width}-bit samples; only 16-bit PCM WAV is read")
    if channels not in (1, 2):
        raise AudioError(f"{shown}: {channels} channels; only mono and stereo are read")
    if not 1_000 <= rate <= 384_000:
        raise AudioError(f"{shown}: sampling rate {rate} Hz is outside 1000..384000")
    if len(raw) != frames * channels * 2:
        raise AudioError(f"{shown}: truncated ({len(raw)} of {frames * channels * 2} bytes of samples)")
    if frames == 0:
        raise AudioError(f"{shown}: no samples")
    if frames / rate > MAX_SECONDS:
        raise AudioError(f"{shown}: {frames / rate:.0f} s long; at most {MAX_SECONDS:.0f} s")
    pcm = np.frombuffer(raw, dtype="<i2").reshape(frames, channels).astype(np.float32) / 32768.0
    return rate, pcm.mean(axis=1, dtype=np.float32)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` at ``rate`` Hz converted to ``target`` Hz by the Fourier method (module docstring)."""
    if rate == target or len(samples) == 0:
        return samples
    length = max(1, round(len(samples) * target / rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    shared = min(length, len(samples))  # the bins both lengths hold: 0 .. shared // 2
    kept = np.zeros(length // 2 + 1, dtype=np.complex128)
    kept[: shared // 2 + 1] = spectrum[: shared // 2 + 1]
    if shared % 2 == 0:  # the shared Nyquist bin: folded on the way down, split on the way up
        kept[shared // 2] *= 2.0 if length < len(samples) else 0.5
    out = np.fft.irfft(kept, n=length) * (length / len(samples))
    return out.astype(np.float32)
