"""Seeded procedural art: image sets the project generates itself, for FID demos, tests and benchmarks.

As in the course's lesson on generative AI, each seed gives one unique, deterministic piece of
abstract art (the same seed always yields the same image), and a few knobs (:class:`ArtStyle`)
move through the creative space: palette, number of shapes, a sampling ``temperature``, a
wave field, and leftover Gaussian static like a diffusion model stopped too early.

A "real" set is drawn from one style; a "generated" set from the same style moved by a
``shift`` in [0, 1] (:meth:`ArtStyle.shifted`), with other seeds. Shift 0 is a perfect
generator (same distribution, different images); the larger the shift, the larger FID is.
Images are made with NumPy alone, so the sets are byte-identical on every machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]  # (H, W, 3)
Floats = NDArray[np.float64]
Grid = tuple[Floats, Floats]  # row and column coordinates in [0, 1]
REAL_SEED_STREAM, GENERATED_SEED_STREAM = 0, 1


@dataclass(frozen=True)
class ArtStyle:
    """The knobs of the generator.

    Attributes:
        hue: the palette's base hue, in turns [0, 1).
        hue_spread: how far the palette's colours stray from the base hue.
        shapes: mean number of shapes (discs, rings, bars) per image.
        temperature: randomness of sizes, placements and colours (like a sampling temperature).
        waves: strength of the sinusoidal background field, 0 to 1.
        noise: standard deviation of the static added at the end (0 to 1 scale).
    """

    hue: float = 0.58
    hue_spread: float = 0.08
    shapes: float = 8.0
    temperature: float = 1.0
    waves: float = 0.6
    noise: float = 0.02

    def shifted(self, amount: float) -> ArtStyle:
        """This style as a generator that is off by ``amount`` (0: identical, 1: clearly different) draws it."""
        if not 0 <= amount <= 1:
            raise ValueError(f"shift must lie in [0, 1], got {amount}")
        return replace(
            self,
            hue=(self.hue + 0.15 * amount) % 1.0,
            hue_spread=self.hue_spread * (1 + 2 * amount),
            shapes=self.shapes * (1 + amount),
            temperature=self.temperature * (1 + 0.5 * amount),
            noise=self.noise + 0.1 * amount,
        )


DEFAULT_STYLE = ArtStyle()


def _hsv_to_rgb(hsv: Floats) -> Floats:
    """Vectorised HSV -> RGB for ``(..., 3)`` arrays in [0, 1]."""
    h, s, v = hsv[..., 0] % 1.0, hsv[..., 1], hsv[..., 2]
    k = (np.array([5.0, 3.0, 1.0]) + h[..., None] * 6) % 6
    rgb: Floats = v[..., None] - v[..., None] * s[..., None] * np.clip(np.minimum(k, 4 - k), 0, 1)
    return rgb


def _palette(rng: np.random.Generator, style: ArtStyle, colours: int = 5) -> Floats:
    hues = style.hue + rng.normal(0, style.hue_spread * style.temperature, colours)
    saturation = rng.uniform(0.45, 0.9, colours)
    value = rng.uniform(0.45, 1.0, colours)
    return _hsv_to_rgb(np.stack([hues, saturation, value], axis=1))


def _background(rng: np.random.Generator, palette: Floats, style: ArtStyle, grid: Grid) -> Floats:
    """Two palette colours blended along a sinusoidal wave field."""
    y, x = grid
    fx, fy = rng.uniform(0.5, 3.0, 2) * style.temperature
    field = 0.5 + 0.5 * style.waves * np.sin(2 * np.pi * (fx * x + fy * y) + rng.uniform(0, 2 * np.pi))
    canvas: Floats = palette[0] * (1 - field[..., None]) + palette[1] * field[..., None]
    return canvas


def _shape_mask(rng: np.random.Generator, style: ArtStyle, grid: Grid) -> Floats:
    """A soft mask in [0, 1] of one disc, ring or bar."""
    y, x = grid
    cy, cx = rng.uniform(0, 1, 2)
    radius = 0.06 + 0.08 * style.temperature * abs(rng.normal())
    kind = rng.integers(3)
    if kind == 2:  # a bar at a random angle
        angle = rng.uniform(0, np.pi)
        distance = np.abs((x - cx) * np.sin(angle) - (y - cy) * np.cos(angle))
        radius = radius / 3
    else:
        distance = np.hypot(x - cx, y - cy)
    if kind == 1:  # a ring
        distance = np.abs(distance - radius)
        radius = radius / 4
    mask: Floats = np.clip((radius - distance) * 60, 0, 1)
    return mask


def render_art(seed: int | tuple[int, ...], style: ArtStyle = DEFAULT_STYLE, size: int = 64) -> Image:
    """One ``size x size`` RGB image, determined by ``seed`` and ``style`` alone."""
    rng = np.random.default_rng(seed)
    axis = (np.arange(size) + 0.5) / size
    rows, columns = np.meshgrid(axis, axis, indexing="ij")
    grid = (rows, columns)
    palette = _palette(rng, style)
    canvas = _background(rng, palette, style, grid)
    for _ in range(rng.poisson(style.shapes)):
        mask = _shape_mask(rng, style, grid)[..., None] * rng.uniform(0.6, 0.95)
        canvas = canvas * (1 - mask) + palette[rng.integers(2, len(palette))] * mask
    canvas = canvas + rng.normal(0, style.noise, canvas.shape)
    return np.rint(np.clip(canvas, 0, 1) * 255).astype(np.uint8)


def iter_art(
    count: int, style: ArtStyle = DEFAULT_STYLE, seed: int = 0, size: int = 64, stream: int = 0
) -> Iterator[Image]:
    """``count`` images; image ``i`` is ``render_art((seed, stream, i), ...)``, so any prefix is stable."""
    for i in range(count):
        yield render_art((seed, stream, i), style, size)


def art_array(count: int, style: ArtStyle = DEFAULT_STYLE, seed: int = 0, size: int = 64, stream: int = 0) -> Image:
    """:func:`iter_art` as one ``(count, size, size, 3)`` array (for small sets)."""
    return np.stack(list(iter_art(count, style, seed, size, stream)))


def write_art(
    folder: Path | str, count: int, style: ArtStyle = DEFAULT_STYLE, seed: int = 0, size: int = 64, stream: int = 0
) -> Path:
    """Write :func:`iter_art` as ``folder/00000.png ...``; returns the folder."""
    from PIL import Image as PILImage

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for i, image in enumerate(iter_art(count, style, seed, size, stream)):
        PILImage.fromarray(image).save(out / f"{i:05d}.png", compress_level=1)
    return out


def write_real_and_generated(
    root: Path | str, count: int, shift: float, seed: int = 0, size: int = 64, style: ArtStyle = DEFAULT_STYLE
) -> tuple[Path, Path]:
    """Write ``root/real`` (``style``) and ``root/generated`` (``style.shifted(shift)``, other seeds).

    Returns:
        The two folders.
    """
    root = Path(root)
    real = write_art(root / "real", count, style, seed, size, REAL_SEED_STREAM)
    generated = write_art(root / "generated", count, style.shifted(shift), seed, size, GENERATED_SEED_STREAM)
    return real, generated
