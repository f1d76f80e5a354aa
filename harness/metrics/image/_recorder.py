"""The torch half of :mod:`~harness.metrics.image.metric`, imported only when images are scored."""

from __future__ import annotations

from torch import Tensor, nn

from harness.metrics.image.extractors import FeatureExtractor


class FeatureRecorder(nn.Module):
    """Wraps an extractor for torchmetrics' ``feature=`` and remembers the last batch's features.

    torchmetrics calls the wrapper inside ``update``; the harness reads ``last`` for the
    per-image scores and the bootstrap, so the images go through the network once.
    """

    def __init__(self, extractor: nn.Module) -> None:
        super().__init__()
        if not isinstance(extractor, FeatureExtractor):
            raise TypeError(f"{type(extractor).__name__} lacks num_features, signature or comparable_to_published")
        self.extractor = extractor
        self.num_features = int(extractor.num_features)
        self.last: Tensor | None = None

    def forward(self, images: Tensor) -> Tensor:
        # float64 from here on: torchmetrics then computes FID and KID in double and returns a double.
        features: Tensor = self.extractor(images).double()
        self.last = features.detach()
        return features

    def take(self) -> Tensor:
        if self.last is None:
            raise RuntimeError("the extractor has not run")
        features, self.last = self.last, None
        return features
