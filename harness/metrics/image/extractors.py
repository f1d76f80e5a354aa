"""Which network turns images into features: the published FID Inception, or the offline one.

An extractor is an ``nn.Module`` mapping ``uint8`` images ``(N, 3, H, W)`` to features
``(N, num_features)``, with a ``signature`` string and a ``comparable_to_published`` flag;
torchmetrics' FID and KID take it as their ``feature=`` module.

Options and signatures need no torch; :func:`build_extractor` imports the extractor's module
(and so torch) when an extractor is actually built.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from harness.errors import HarnessError
from harness.metrics.image._signatures import (
    FID_WEIGHTS_SHA256,
    OFFLINE_DEFAULT_SIZE,
    Preprocess,
    inception_signature,
    offline_signature,
)

if TYPE_CHECKING:
    from torch import Tensor, nn

ExtractorName = Literal["inception", "offline"]
EXTRACTORS: tuple[ExtractorName, ...] = ("inception", "offline")


@runtime_checkable
class FeatureExtractor(Protocol):
    """What FID and KID need of a feature network."""

    num_features: int

    @property
    def signature(self) -> str: ...

    @property
    def comparable_to_published(self) -> bool: ...

    def __call__(self, images: Tensor) -> Tensor: ...


@dataclass(frozen=True)
class ExtractorOptions:
    """How to build the extractor.

    Attributes:
        name: ``"inception"`` (published FID weights, needed for comparable numbers) or
            ``"offline"`` (no weights; for tests and demos).
        weights: the Inception weights file; ``None`` looks in ``$HARNESS_FID_WEIGHTS``, the
            cache (``$HARNESS_CACHE``) and torch.hub's checkpoint folder.
        weights_sha256: the expected hash of ``weights`` (the published file's by default).
        preprocess: Inception's resize and scaling, ``"tf1"`` (torch-fidelity) or ``"pytorch-fid"``.
        seed: the offline extractor's random projection.
    """

    name: ExtractorName = "inception"
    weights: Path | None = None
    weights_sha256: str = FID_WEIGHTS_SHA256
    preprocess: Preprocess = "tf1"
    seed: int = 0


def build_extractor(options: ExtractorOptions) -> nn.Module:
    """The extractor ``options`` describe, in eval mode.

    Raises:
        FIDWeightsError: Inception weights missing or wrong (the message says how to get them).
        HarnessError: an unknown extractor name.
    """
    if options.name == "offline":
        from harness.metrics.image.offline import OfflineFeatureExtractor

        return OfflineFeatureExtractor(seed=options.seed)
    if options.name == "inception":
        return _cached_inception(options.weights, options.weights_sha256.lower(), options.preprocess)
    raise HarnessError(f"unknown feature extractor {options.name!r} (known: {', '.join(EXTRACTORS)})")


def extractor_signature(options: ExtractorOptions) -> str:
    """The signature the extractor built from ``options`` will have, without building it."""
    if options.name == "offline":
        return offline_signature(options.seed, OFFLINE_DEFAULT_SIZE)
    return inception_signature(options.weights_sha256.lower(), options.preprocess)


@lru_cache(maxsize=2)
def _cached_inception(weights: Path | None, sha256: str, preprocess: Preprocess) -> nn.Module:
    # Hashing and loading 95 MB takes about a second; a suite scoring several systems does it once.
    from harness.metrics.image.inception import load_fid_inception

    return load_fid_inception(weights, sha256=sha256, preprocess=preprocess)
