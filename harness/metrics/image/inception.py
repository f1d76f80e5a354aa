"""The FID Inception-v3 network in plain torch, and its weights from a local file.

This is the network every published FID number is computed with: Inception-v3 as exported
from TensorFlow's ``inception-2015-12-05`` graph, with the four blocks that pytorch-fid calls
``FIDInceptionA/C/E_1/E_2`` patched to pool the way TensorFlow does (average pools ignore the
zero padding; the last block max-pools). The 2048-d features are the global average pool
("pool3") in front of the classifier. Images are resized to 299x299 with TensorFlow 1.x's
bilinear resize and mapped to [-1, 1] as ``(x - 128) / 128``, as torch-fidelity (and so
torchmetrics' default FID) does; ``preprocess="pytorch-fid"`` gives pytorch-fid's variant
(torch's half-pixel bilinear resize and ``2 x / 255 - 1``), whose FIDs differ in the decimals.

No torchvision (it breaks torchmetrics here) and no download: the weights are the file that
pytorch-fid and torch-fidelity publish, read from a path the user gives or from the cache,
and checked against its sha256 before a single tensor is loaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from harness.errors import HarnessError
from harness.metrics.image._signatures import FID_WEIGHTS_SHA256 as FID_WEIGHTS_SHA256
from harness.metrics.image._signatures import Preprocess as Preprocess
from harness.metrics.image._signatures import inception_signature as inception_signature

FID_WEIGHTS_FILENAME = "pt_inception-2015-12-05-6726825d.pth"
FID_WEIGHTS_URL = f"https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/{FID_WEIGHTS_FILENAME}"
# The same bytes, as torch-fidelity republished them (its default FID weights).
FID_WEIGHTS_MIRROR_URL = (
    "https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/weights-inception-2015-12-05-6726825d.pth"
)
# FID_WEIGHTS_SHA256, the published file's sha256, lives in _signatures (no torch there).
FID_WEIGHTS_BYTES = 95_628_359
# Names the file may have in a cache folder: ours, pytorch-fid's and torch-fidelity's.
CACHE_NAMES = ("fid_inception.pt", FID_WEIGHTS_FILENAME, "weights-inception-2015-12-05-6726825d.pth")
INPUT_SIZE = 299
NUM_FEATURES = 2048
NUM_CLASSES = 1008  # the TF graph's 1001 ImageNet classes padded to 1008; unused for FID


class FIDWeightsError(HarnessError):
    """The Inception weights are missing, corrupt or of a different network."""

    exit_code = 2


# --- building blocks (parameter names match the published state dict) ---------------------


class BasicConv2d(nn.Module):
    """Convolution without bias, batch norm (TF's eps) and ReLU."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs: int | tuple[int, int]) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)  # type: ignore[arg-type]
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.bn(self.conv(x)))


def _tf_avg_pool(x: Tensor) -> Tensor:
    # TensorFlow's 3x3 average pool leaves the zero padding out of the mean.
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class FIDInceptionA(nn.Module):
    """Mixed_5b/c/d: 1x1, 5x5, double 3x3 and pool branches."""

    def __init__(self, in_channels: int, pool_features: int) -> None:
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch5x5_1 = BasicConv2d(in_channels, 48, kernel_size=1)
        self.branch5x5_2 = BasicConv2d(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, padding=1)
        self.branch_pool = BasicConv2d(in_channels, pool_features, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = self.branch_pool(_tf_avg_pool(x))
        return torch.cat([self.branch1x1(x), branch5x5, branch3x3dbl, branch_pool], 1)


class InceptionB(nn.Module):
    """Mixed_6a: grid reduction 35 -> 17."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3 = BasicConv2d(in_channels, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([self.branch3x3(x), branch3x3dbl, branch_pool], 1)


class FIDInceptionC(nn.Module):
    """Mixed_6b..e: factorised 7x7 branches."""

    def __init__(self, in_channels: int, channels_7x7: int) -> None:
        super().__init__()
        c7 = channels_7x7
        self.branch1x1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7_2 = BasicConv2d(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7_3 = BasicConv2d(c7, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7dbl_2 = BasicConv2d(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = BasicConv2d(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = BasicConv2d(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = BasicConv2d(c7, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch7x7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        branch7x7dbl = self.branch7x7dbl_1(x)
        for layer in (self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4, self.branch7x7dbl_5):
            branch7x7dbl = layer(branch7x7dbl)
        branch_pool = self.branch_pool(_tf_avg_pool(x))
        return torch.cat([self.branch1x1(x), branch7x7, branch7x7dbl, branch_pool], 1)


class InceptionD(nn.Module):
    """Mixed_7a: grid reduction 17 -> 8."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch3x3_2 = BasicConv2d(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7x3_2 = BasicConv2d(192, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7x3_3 = BasicConv2d(192, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7x3_4 = BasicConv2d(192, 192, kernel_size=3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        branch3x3 = self.branch3x3_2(self.branch3x3_1(x))
        branch7x7x3 = self.branch7x7x3_1(x)
        for layer in (self.branch7x7x3_2, self.branch7x7x3_3, self.branch7x7x3_4):
            branch7x7x3 = layer(branch7x7x3)
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([branch3x3, branch7x7x3, branch_pool], 1)


class FIDInceptionE(nn.Module):
    """Mixed_7b (``pool="avg"``, FIDInceptionE_1) and Mixed_7c (``pool="max"``, FIDInceptionE_2)."""

    def __init__(self, in_channels: int, pool: Literal["avg", "max"]) -> None:
        super().__init__()
        self.pool = pool
        self.branch1x1 = BasicConv2d(in_channels, 320, kernel_size=1)
        self.branch3x3_1 = BasicConv2d(in_channels, 384, kernel_size=1)
        self.branch3x3_2a = BasicConv2d(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3_2b = BasicConv2d(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 448, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = BasicConv2d(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = BasicConv2d(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch3x3 = self.branch3x3_1(x)
        branch3x3 = torch.cat([self.branch3x3_2a(branch3x3), self.branch3x3_2b(branch3x3)], 1)
        branch3x3dbl = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        branch3x3dbl = torch.cat([self.branch3x3dbl_3a(branch3x3dbl), self.branch3x3dbl_3b(branch3x3dbl)], 1)
        # TF's last block max-pools here (a quirk of the original graph that FID keeps).
        pooled = _tf_avg_pool(x) if self.pool == "avg" else F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        return torch.cat([self.branch1x1(x), branch3x3, branch3x3dbl, self.branch_pool(pooled)], 1)


# --- preprocessing ------------------------------------------------------------------------


def _tf1_source_grid(in_size: int, out_size: int) -> tuple[Tensor, Tensor, Tensor]:
    """Low and high source indices and weights of TF 1.x's ``resize_bilinear`` (no half pixels)."""
    position = torch.arange(out_size, dtype=torch.float32) * torch.tensor(in_size / out_size, dtype=torch.float32)
    low = position.long()  # floor: positions are never negative
    high = (low + 1).clamp_max(in_size - 1)
    return low, high, position - low.float()


def resize_bilinear_tf1(images: Tensor, size: int) -> Tensor:
    """Resize float images ``(N, C, H, W)`` to ``size x size`` exactly as TensorFlow 1.x did.

    TF 1.x samples source pixel ``i * in / out`` (``align_corners=False`` without half-pixel
    centres), which no mode of ``F.interpolate`` reproduces; FID's published numbers depend on it.
    """
    y_low, y_high, dy = _tf1_source_grid(images.shape[2], size)
    x_low, x_high, dx = _tf1_source_grid(images.shape[3], size)
    rows_low, rows_high = images.index_select(2, y_low), images.index_select(2, y_high)
    dx = dx.to(images.device).view(1, 1, 1, size)
    top = rows_low.index_select(3, x_low) + (rows_low.index_select(3, x_high) - rows_low.index_select(3, x_low)) * dx
    bottom = (
        rows_high.index_select(3, x_low) + (rows_high.index_select(3, x_high) - rows_high.index_select(3, x_low)) * dx
    )
    return top + (bottom - top) * dy.to(images.device).view(1, 1, size, 1)


def preprocess_images(images: Tensor, mode: Preprocess = "tf1") -> Tensor:
    """Map images with values in [0, 255] ``(N, 3, H, W)`` to the network's 299x299 input in [-1, 1]."""
    x = images.to(torch.float32)
    if mode == "tf1":
        return (resize_bilinear_tf1(x, INPUT_SIZE) - 128) / 128
    x = F.interpolate(x / 255, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
    return 2 * x - 1


# --- the network --------------------------------------------------------------------------


class FIDInceptionV3(nn.Module):
    """Inception-v3 as FID uses it: ``(N, 3, H, W)`` images in [0, 255] -> ``(N, 2048)`` pool3 features.

    A new instance is randomly initialised; :func:`load_fid_inception` gives the published
    network. The module always stays in eval mode (batch norm uses its running statistics).
    """

    num_features = NUM_FEATURES

    def __init__(self, preprocess: Preprocess = "tf1") -> None:
        super().__init__()
        self.preprocess = preprocess
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.Mixed_5b = FIDInceptionA(192, pool_features=32)
        self.Mixed_5c = FIDInceptionA(256, pool_features=64)
        self.Mixed_5d = FIDInceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = FIDInceptionC(768, channels_7x7=128)
        self.Mixed_6c = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6d = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6e = FIDInceptionC(768, channels_7x7=192)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = FIDInceptionE(1280, pool="avg")
        self.Mixed_7c = FIDInceptionE(2048, pool="max")
        self.fc = nn.Linear(NUM_FEATURES, NUM_CLASSES)  # kept so the published state dict loads strictly
        self.weights_sha256: str | None = None  # set by load_fid_inception
        self.requires_grad_(False)
        self.eval()

    @property
    def comparable_to_published(self) -> bool:
        """Only the published weights give numbers comparable to papers."""
        return self.weights_sha256 == FID_WEIGHTS_SHA256

    @property
    def signature(self) -> str:
        return inception_signature(self.weights_sha256, self.preprocess)

    def train(self, mode: bool = True) -> FIDInceptionV3:
        """Stay in eval mode: FID is defined with the running batch-norm statistics."""
        return super().train(False)

    def forward(self, images: Tensor) -> Tensor:
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f"expected images of shape (N, 3, H, W), got {tuple(images.shape)}")
        x = preprocess_images(images, self.preprocess)
        x = F.max_pool2d(self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x))), kernel_size=3, stride=2)
        x = F.max_pool2d(self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x)), kernel_size=3, stride=2)
        for block in self._mixed_blocks():
            x = block(x)
        return torch.flatten(F.adaptive_avg_pool2d(x, output_size=1), 1)

    def _mixed_blocks(self) -> Iterator[nn.Module]:
        yield from (self.Mixed_5b, self.Mixed_5c, self.Mixed_5d, self.Mixed_6a, self.Mixed_6b, self.Mixed_6c)
        yield from (self.Mixed_6d, self.Mixed_6e, self.Mixed_7a, self.Mixed_7b, self.Mixed_7c)


# --- weights ------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$HARNESS_CACHE``, else ``~/.cache/genai-harness``."""
    return Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")


def weight_candidates(cache_dir: Path | None = None) -> list[Path]:
    """Where the weights are looked for, in order: ``$HARNESS_FID_WEIGHTS``, the cache, torch.hub's cache.

    torch.hub's checkpoint folder is where pytorch-fid and torch-fidelity keep the same file, so
    a machine that ever ran them needs no copy.
    """
    candidates = [Path(env)] if (env := os.environ.get("HARNESS_FID_WEIGHTS")) else []
    candidates += [(cache_dir or default_cache_dir()) / name for name in CACHE_NAMES]
    candidates += [Path(torch.hub.get_dir()) / "checkpoints" / name for name in CACHE_NAMES[1:]]
    return candidates


def missing_weights_message(looked_in: list[Path]) -> str:
    """The one line that tells a user how to provide the weights."""
    return (
        f"FID Inception weights not found (looked in {', '.join(map(str, looked_in))}). "
        f"On a machine with internet access download {FID_WEIGHTS_URL} "
        f"({FID_WEIGHTS_BYTES:,} bytes, sha256 {FID_WEIGHTS_SHA256}) and copy it to "
        f"{default_cache_dir() / FID_WEIGHTS_FILENAME} (or set HARNESS_CACHE to its folder, or HARNESS_FID_WEIGHTS "
        "to the file). Without weights use the 'offline' extractor, whose scores are not comparable to published FID."
    )


def find_weights(path: Path | str | None = None, cache_dir: Path | None = None) -> Path:
    """The weights file: ``path`` when given, else the first existing candidate.

    Raises:
        FIDWeightsError: the file is not there; the message says where to get it and put it.
    """
    looked_in = [Path(path)] if path is not None else weight_candidates(cache_dir)
    for candidate in looked_in:
        if candidate.is_file():
            return candidate
    raise FIDWeightsError(missing_weights_message(looked_in))


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Raise :class:`FIDWeightsError` unless ``path`` hashes to ``expected``."""
    actual = sha256_of(path)
    if actual != expected.lower():
        raise FIDWeightsError(
            f"sha256 of {path} is {actual}, expected {expected.lower()}: the file is corrupt, truncated or "
            f"another network. Download {FID_WEIGHTS_URL} again, or pass --fid-weights-sha256 {actual} "
            "(weights_sha256=...) if you converted these weights yourself and trust them."
        )


def _check_keys(model: nn.Module, state: Mapping[str, Tensor], path: Path) -> None:
    # Files saved before torch 0.4.1 have no batch-norm counters; that is the only tolerated gap.
    expected = {k for k in model.state_dict() if not k.endswith("num_batches_tracked")}
    given = {k for k in state if not k.endswith("num_batches_tracked")}
    missing, unexpected = sorted(expected - given), sorted(given - expected)
    if missing or unexpected:
        raise FIDWeightsError(
            f"{path} is not a state dict of the FID Inception network "
            f"(missing {len(missing)} keys, e.g. {missing[:3]}; unexpected {len(unexpected)}, e.g. {unexpected[:3]})"
        )


def load_fid_inception(
    path: Path | str | None = None,
    *,
    sha256: str = FID_WEIGHTS_SHA256,
    cache_dir: Path | None = None,
    preprocess: Preprocess = "tf1",
) -> FIDInceptionV3:
    """The FID Inception network with the published weights.

    Args:
        path: the weights file; ``None`` looks in the places of :func:`weight_candidates`.
        sha256: the expected hash; the published file's unless you converted weights yourself.
        cache_dir: the cache folder (default ``$HARNESS_CACHE`` or ``~/.cache/genai-harness``).
        preprocess: ``"tf1"`` (torch-fidelity, torchmetrics) or ``"pytorch-fid"``.

    Raises:
        FIDWeightsError: missing file (with download instructions), hash mismatch, or a state
            dict of another network.
    """
    found = find_weights(path, cache_dir)
    verify_sha256(found, sha256)
    try:
        state = torch.load(found, map_location="cpu", weights_only=True)
    except (RuntimeError, OSError, ValueError) as exc:  # torch's unpickler reports bad files this way
        raise FIDWeightsError(f"cannot read {found} as a torch state dict: {exc}") from exc
    if not isinstance(state, Mapping):
        raise FIDWeightsError(f"{found} holds a {type(state).__name__}, not a state dict")
    model = FIDInceptionV3(preprocess)
    _check_keys(model, state, found)
    try:
        model.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # shape mismatches
        raise FIDWeightsError(f"{found} does not fit the FID Inception network: {exc}") from exc
    model.weights_sha256 = sha256.lower()
    return model
