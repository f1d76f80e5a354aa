"""KID: the unbiased squared MMD with a cubic polynomial kernel between feature sets.

Computed by torchmetrics' ``KernelInceptionDistance`` with the harness's extractor as its
``feature=`` module. The score is the mean over ``subsets`` random subsets of
``subset_size`` images per set (clamped to the smaller set), drawn from the metric's seed, so
the same inputs and seed give the same KID; ``extra`` has the standard deviation over subsets.

The bootstrap interval resamples the generated images (the real set held fixed) and scores
each resample with the unbiased MMD over the whole sets, the quantity every subset estimates.

torch is imported inside the functions that compute, so loading the plugin and validating its
options does not import it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from harness.metrics.bootstrap import Resampler
from harness.metrics.image.metric import ImageInputs, ImageMetric, ImageMetricOptions, StreamedFeatures, list_state
from harness.metrics.result import OptionValue

if TYPE_CHECKING:
    from torch import Tensor, nn
    from torchmetrics import Metric as TorchMetric

_BLOCK = 1024  # kernel rows computed at a time, so memory stays O(block x n)


class KIDOptions(ImageMetricOptions):
    """Image-metric options, plus KID's subsets and kernel ``(x.y / d + coef) ** degree``."""

    subsets: int = Field(default=100, ge=1)
    subset_size: int = Field(default=1000, ge=2)
    degree: int = Field(default=3, ge=1)
    coef: float = Field(default=1.0, gt=0)


@dataclass(frozen=True)
class KernelResampler:
    """Unbiased MMD^2 of bootstrap resamples of the generated features against the fixed real ones.

    With multiplicities ``c`` the generated-generated term is ``(c'Kc - sum_j c_j K_jj) / (n(n-1))``
    (pairs of distinct draws), the cross term ``(1'K_xy c) / (mn)``; the real-real term is fixed.
    """

    generated: Tensor  # (n, d) float64
    real_real: float  # the fixed real-real term
    cross_sums: Tensor  # (n,) sum over real images of k(x_i, y_j)
    degree: int
    coef: float

    def kernel(self, a: Tensor, b: Tensor) -> Tensor:
        return (a @ b.T / a.shape[1] + self.coef) ** self.degree

    def __call__(self, counts: NDArray[np.int64]) -> NDArray[np.float64]:
        import torch

        weights = torch.from_numpy(counts).to(torch.float64)
        n = self.generated.shape[0]
        quadratic = torch.zeros(len(weights), dtype=torch.float64)
        diagonal = torch.zeros(n, dtype=torch.float64)
        for start in range(0, n, _BLOCK):
            block = self.kernel(self.generated[start : start + _BLOCK], self.generated)  # (block, n)
            quadratic += ((weights[:, start : start + _BLOCK] @ block) * weights).sum(dim=1)
            diagonal[start : start + _BLOCK] = block.diagonal(offset=start)
        generated_term = (quadratic - weights @ diagonal) / (n * (n - 1))
        cross_term = weights @ self.cross_sums / n
        return (self.real_real + generated_term - 2 * cross_term).numpy()


def kernel_resampler(real: Tensor, generated: Tensor, degree: int, coef: float) -> KernelResampler:
    """Precompute the fixed real-real term and the cross sums, block by block."""
    import torch

    unset = KernelResampler(generated, 0.0, torch.zeros(0), degree, coef)
    m = real.shape[0]
    real_sum = real_diagonal = 0.0
    cross = torch.zeros(generated.shape[0], dtype=torch.float64)
    for start in range(0, m, _BLOCK):
        rows = real[start : start + _BLOCK]
        block = unset.kernel(rows, real)
        real_sum += float(block.sum())
        real_diagonal += float(block.diagonal(offset=start).sum())
        cross += unset.kernel(rows, generated).sum(dim=0)
    return KernelResampler(generated, (real_sum - real_diagonal) / (m * (m - 1)), cross / m, degree, coef)


class KIDMetric(ImageMetric[KIDOptions]):
    """Kernel Inception Distance (lower is better; unbiased, so it can be slightly negative)."""

    name: ClassVar[str] = "kid"
    description: ClassVar[str] = "Kernel Inception Distance between generated and real image sets"
    options_model: ClassVar[type[KIDOptions]] = KIDOptions
    seeded: ClassVar[bool] = True  # the subsets are drawn from the seed

    def _torchmetric(self, extractor: nn.Module, inputs: ImageInputs) -> TorchMetric:
        from torchmetrics.image.kid import KernelInceptionDistance

        with warnings.catch_warnings():
            # It warns that it keeps every feature vector; we know (see the module docstring).
            warnings.filterwarnings("ignore", message=".*will save all extracted features", category=UserWarning)
            return KernelInceptionDistance(
                feature=extractor,
                subsets=self.options.subsets,
                subset_size=min(self.options.subset_size, len(inputs.real), len(inputs.generated)),
                degree=self.options.degree,
                coef=self.options.coef,
                normalize=False,
            )

    def _score(self, metric: TorchMetric, seed: int) -> tuple[float, dict[str, float]]:
        import torch

        # torchmetrics draws the subsets from torch's global generator: seed it, and restore it after.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            mean, std = metric.compute()
        return float(mean), {"kid_std": float(std), "subset_size": float(getattr(metric, "subset_size"))}  # noqa: B009

    def _resampler(self, metric: TorchMetric, features: StreamedFeatures) -> Resampler:
        import torch

        real = torch.cat(list_state(metric, "real_features")).to("cpu", torch.float64)
        return kernel_resampler(real, features.generated, self.options.degree, self.options.coef)

    def _metric_options(self) -> dict[str, OptionValue]:
        return {
            "subsets": self.options.subsets,
            "subset_size": self.options.subset_size,
            "degree": self.options.degree,
            "coef": self.options.coef,
        }
