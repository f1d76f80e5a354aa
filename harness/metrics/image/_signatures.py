"""The torch-free part of the feature extractors: their option values and signature labels.

:mod:`~harness.metrics.image.inception` and :mod:`~harness.metrics.image.offline` import torch
at the top; the options models and signatures need only these names, so loading and validating
an FID or KID metric (a suite loader does it for every bank) never imports torch. Both modules
re-export what is theirs from here.
"""

from __future__ import annotations

from typing import Literal

Preprocess = Literal["tf1", "pytorch-fid"]

# sha256 of the published file (95,628,359 bytes); its first 8 hex digits are the "6726825d"
# in the file name, torch.hub's naming convention for a checked download.
FID_WEIGHTS_SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"

OFFLINE_VERSION = "offline-v1"
NOT_COMPARABLE = "not comparable to published FID"
OFFLINE_DEFAULT_SIZE = 64  # the offline extractor resizes images to this square size


def inception_signature(weights_sha256: str | None, preprocess: Preprocess) -> str:
    """How a score computed with these weights and preprocessing is labelled."""
    weights = f"sha256:{weights_sha256[:12]}" if weights_sha256 else "random-init"
    label = "" if weights_sha256 == FID_WEIGHTS_SHA256 else "; not comparable to published FID"
    return f"inception-v3-fid({weights},preprocess={preprocess}{label})"


def offline_signature(seed: int, size: int) -> str:
    """The label of scores computed with the offline extractor."""
    return f"{OFFLINE_VERSION}(seed={seed},size={size}; {NOT_COMPARABLE})"
