"""FID: the Fréchet distance between Gaussians fitted to the features of two image sets.

Computed by torchmetrics' ``FrechetInceptionDistance`` with the harness's extractor as its
``feature=`` module (torchmetrics' own Inception needs torch-fidelity, which cannot be
installed here). With the published Inception weights and ``preprocess="tf1"`` the numbers are
torch-fidelity's, and so torchmetrics' default ones; with the offline extractor the signature
says they are not comparable to published FID.

The bootstrap interval resamples the generated images (the real statistics held fixed) and
recomputes the Fréchet distance of each resample from re-weighted feature moments.

torch is imported inside the functions that compute, so loading the plugin and validating its
options does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numpy.typing import NDArray

from harness.metrics.bootstrap import Resampler
from harness.metrics.image.metric import (
    ImageInputs,
    ImageMetric,
    ImageMetricOptions,
    StreamedFeatures,
    tensor_state,
    torch_threads,
)

if TYPE_CHECKING:
    from torch import Tensor, nn
    from torchmetrics import Metric as TorchMetric

_CHUNK_CELLS = 1 << 22  # float64 cells of the largest temporary of a resample chunk (32 MB)


def psd_sqrt(matrix: Tensor) -> Tensor:
    """Symmetric square root of a symmetric positive semi-definite matrix (or a batch of them)."""
    import torch

    values, vectors = torch.linalg.eigh((matrix + matrix.mT) / 2)
    root: Tensor = (vectors * values.clamp_min(0).sqrt().unsqueeze(-2)) @ vectors.mT
    return root


@dataclass(frozen=True)
class FrechetResampler:
    """FID of bootstrap resamples of the generated features against fixed real moments.

    With ``A = S_r^(1/2)``, ``Tr((S_r S_g)^(1/2))`` is the sum of the square roots of the
    eigenvalues of ``A S_g A``, the covariance of the whitened features ``G A``; whitening once
    up front leaves one weighted Gram matrix and one batched ``eigvalsh`` per resample.
    """

    generated: Tensor  # (n, d) float64
    whitened: Tensor  # (n, d): generated @ A
    real_mean: Tensor  # (d,)
    real_cov_trace: float

    @classmethod
    def build(cls, generated: Tensor, real_mean: Tensor, real_cov: Tensor) -> FrechetResampler:
        return cls(generated, generated @ psd_sqrt(real_cov), real_mean, float(real_cov.trace()))

    def __call__(self, counts: NDArray[np.int64]) -> NDArray[np.float64]:
        import torch

        n, d = self.generated.shape
        chunk = max(1, _CHUNK_CELLS // (d * max(n, d)))
        weights = torch.from_numpy(counts).to(torch.float64)
        scores = [self._distances(weights[start : start + chunk]) for start in range(0, len(weights), chunk)]
        fids: NDArray[np.float64] = torch.cat(scores).numpy()
        return fids

    def _distances(self, weights: Tensor) -> Tensor:
        import torch

        n = self.generated.shape[0]
        mean = weights @ self.generated / n  # (b, d)
        trace = (weights @ self.generated.square().sum(dim=1) - n * mean.square().sum(dim=1)) / (n - 1)
        white_mean = weights @ self.whitened / n
        second = (self.whitened.T.unsqueeze(0) * weights.unsqueeze(1)) @ self.whitened  # (b, d, d)
        inner = (second - n * white_mean.unsqueeze(2) * white_mean.unsqueeze(1)) / (n - 1)
        with torch_threads(1):
            eigenvalues = torch.linalg.eigvalsh((inner + inner.mT) / 2)
        trace_sqrt = eigenvalues.clamp_min(0).sqrt().sum(dim=-1)
        distances: Tensor = (mean - self.real_mean).square().sum(dim=-1) + self.real_cov_trace + trace - 2 * trace_sqrt
        return distances


def real_moments(metric: TorchMetric) -> tuple[Tensor, Tensor]:
    """Mean and unbiased covariance of the real features torchmetrics' FID has accumulated."""
    import torch

    n = tensor_state(metric, "real_features_num_samples").double().cpu()
    mean = tensor_state(metric, "real_features_sum").double().cpu() / n
    cov = (tensor_state(metric, "real_features_cov_sum").double().cpu() - n * torch.outer(mean, mean)) / (n - 1)
    return mean, cov


class FIDMetric(ImageMetric[ImageMetricOptions]):
    """Fréchet Inception Distance (lower is better; 0 for identical feature statistics).

    Example::

        registry("metrics").get("fid").with_options(extractor="offline").score("generated/", "real/")
    """

    name: ClassVar[str] = "fid"
    description: ClassVar[str] = "Fréchet Inception Distance between generated and real image sets"
    options_model: ClassVar[type[ImageMetricOptions]] = ImageMetricOptions

    def _torchmetric(self, extractor: nn.Module, inputs: ImageInputs) -> TorchMetric:
        from torchmetrics.image.fid import FrechetInceptionDistance

        return FrechetInceptionDistance(feature=extractor, normalize=False)

    def _score(self, metric: TorchMetric, seed: int) -> tuple[float, dict[str, float]]:
        return float(metric.compute()), {}

    def _resampler(self, metric: TorchMetric, features: StreamedFeatures) -> Resampler:
        mean, cov = real_moments(metric)
        return FrechetResampler.build(features.generated, mean, cov)
