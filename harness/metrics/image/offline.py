"""A feature extractor that needs no downloaded weights, for tests, demos and offline machines.

Features are a fixed random-projection CNN (weights drawn from NumPy's PCG64 with a seed, so
the same seed gives the same network on every machine and NumPy version) pooled at three
scales, plus colour, gradient and texture statistics at three scales. They respond to the
things FID is meant to notice (palette, sharpness, noise, composition), so distances rank
image sets sensibly, but their scale has nothing to do with Inception's: a score computed with
them is labelled "not comparable to published FID" in its signature.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from harness.metrics.image._signatures import NOT_COMPARABLE as NOT_COMPARABLE
from harness.metrics.image._signatures import OFFLINE_DEFAULT_SIZE
from harness.metrics.image._signatures import OFFLINE_VERSION as OFFLINE_VERSION
from harness.metrics.image._signatures import offline_signature as offline_signature

CNN_CHANNELS = (16, 32, 64)
STAT_SCALES = (1, 2, 4)  # downsampling factors of the colour/texture statistics
NUM_STATS = 7 + 3 * len(STAT_SCALES)


def _random_conv_weights(rng: np.random.Generator, in_channels: int, out_channels: int) -> Tensor:
    fan_in = in_channels * 9
    weights = rng.standard_normal((out_channels, in_channels, 3, 3)) * np.sqrt(2.0 / fan_in)
    return torch.from_numpy(weights.astype(np.float32))


def _gradients(gray: Tensor) -> tuple[Tensor, Tensor]:
    """Horizontal and vertical finite differences of ``(N, 1, H, W)`` images."""
    return gray[..., :, 1:] - gray[..., :, :-1], gray[..., 1:, :] - gray[..., :-1, :]


def _texture_stats(gray: Tensor) -> Tensor:
    """Mean gradient magnitude, mean |Laplacian| and high-frequency energy of ``(N, 1, H, W)``."""
    gx, gy = _gradients(gray)
    gradient = (gx[..., :-1, :].square() + gy[..., :, :-1].square()).sqrt().mean(dim=(1, 2, 3))
    laplacian = F.conv2d(gray, gray.new_tensor([[[[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]]]))
    residual = gray - F.avg_pool2d(gray, 3, stride=1, padding=1, count_include_pad=False)
    return torch.stack([gradient, laplacian.abs().mean(dim=(1, 2, 3)), residual.square().mean(dim=(1, 2, 3))], 1)


def colour_texture_stats(x: Tensor) -> Tensor:
    """``NUM_STATS`` statistics of float RGB images in [0, 1]: colour moments, then texture per scale."""
    mean, std = x.mean(dim=(2, 3)), x.std(dim=(2, 3))
    red, green, blue = x[:, 0], x[:, 1], x[:, 2]
    rg, yb = red - green, (red + green) / 2 - blue  # opponent colours (Hasler & Suesstrunk)
    colourfulness = (rg.std(dim=(1, 2)).square() + yb.std(dim=(1, 2)).square()).sqrt()
    stats = [mean, std, colourfulness[:, None]]
    gray = x.mean(dim=1, keepdim=True)
    for factor in STAT_SCALES:
        scaled = F.avg_pool2d(gray, factor) if factor > 1 else gray
        stats.append(_texture_stats(scaled))
    return torch.cat(stats, 1)


class OfflineFeatureExtractor(nn.Module):
    """Deterministic features without weights: ``(N, 3, H, W)`` images in [0, 255] -> ``(N, 128)``.

    Args:
        seed: seeds the random projection; part of the signature.
        size: images are resized (antialiased bilinear) to ``size x size`` first.
    """

    comparable_to_published = False
    default_size = OFFLINE_DEFAULT_SIZE
    threads = 1  # small tensors: OpenMP barriers cost more than they save (see metric._torch_threads)

    def __init__(self, seed: int = 0, size: int = default_size) -> None:
        super().__init__()
        self.seed, self.size = seed, size
        rng = np.random.default_rng(seed)
        channels = (3, *CNN_CHANNELS)
        for i, (c_in, c_out) in enumerate(pairwise(channels)):
            self.register_buffer(f"conv{i}", _random_conv_weights(rng, c_in, c_out))
        self.num_features = sum(CNN_CHANNELS) + NUM_STATS
        self.requires_grad_(False)
        self.eval()

    @property
    def signature(self) -> str:
        return offline_signature(self.seed, self.size)

    def forward(self, images: Tensor) -> Tensor:
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f"expected images of shape (N, 3, H, W), got {tuple(images.shape)}")
        x = images.to(torch.float32) / 255
        x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False, antialias=True)
        pooled = []
        h = x - 0.5
        for i in range(len(CNN_CHANNELS)):
            h = F.relu(F.conv2d(h, getattr(self, f"conv{i}"), stride=2, padding=1))
            pooled.append(h.mean(dim=(2, 3)))
        return torch.cat([*pooled, colour_texture_stats(x)], 1)
