"""What FID and KID share: image inputs, options, and streaming two image sets through torchmetrics.

:class:`ImageMetric` fills in the :class:`~harness.metrics.base.Metric` template for image
sets: ``hypotheses`` are the generated images and ``references`` the real ones, each a folder
of PNG/JPEG files, an array, or a list of arrays. ``_compute`` builds the feature extractor,
streams the real and then the generated images batch by batch into a torchmetrics metric and
returns its score, a per-image score for each generated image (its squared feature distance to
the mean real feature; ``per_sample[i]`` belongs to the i-th generated image in sorted path
order, see :meth:`~harness.metrics.image.sources.ImageSource.ids`) and a resampler for the
bootstrap interval. A subclass says which torchmetrics class to use (``_torchmetric``), how to
read its score (``_score``) and how to score a bootstrap resample (``_resampler``).
torch is imported only when images are scored and torchmetrics only inside ``_torchmetric``
(they take seconds), so building a metric and validating its options stays light.

Memory stays flat in the number of images: one decoded batch is alive at a time and FID keeps
only feature sums. What grows is small and per image: one float of per-image score and the
generated image's feature vector (float64: 1 KB offline, 16 KB Inception), kept for the
bootstrap. (KID also keeps the real features, as torchmetrics does.)
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np
from pydantic import Field

from harness.errors import HarnessError
from harness.metrics.base import Computation, Metric, MetricExample, MetricOptions
from harness.metrics.bootstrap import Resampler
from harness.metrics.image._signatures import FID_WEIGHTS_SHA256, Preprocess
from harness.metrics.image.extractors import ExtractorName, ExtractorOptions, build_extractor, extractor_signature
from harness.metrics.image.sources import ImageSource, open_images
from harness.metrics.result import OptionValue

if TYPE_CHECKING:
    from torch import Tensor, nn
    from torchmetrics import Metric as TorchMetric

    from harness.metrics.image._recorder import FeatureRecorder


class ImageMetricOptions(MetricOptions):
    """Options of every image metric.

    Attributes:
        extractor: ``"inception"`` (the published FID network; needs its weights file) or
            ``"offline"`` (no weights; scores labelled not comparable to published FID).
        weights: the Inception weights file; ``None`` looks in ``$HARNESS_FID_WEIGHTS``, the
            cache (``$HARNESS_CACHE``, default ``~/.cache/genai-harness``) and torch.hub's cache.
        weights_sha256: the weights' expected sha256 (``--fid-weights-sha256``); the published file's by default.
        preprocess: Inception's resize and scaling: ``"tf1"`` (torch-fidelity, torchmetrics) or ``"pytorch-fid"``.
        extractor_seed: the offline extractor's random projection (not the bootstrap seed).
        batch_size: images decoded and embedded at a time.
        image_size: resize every image to this square size first; ``None`` keeps native sizes
            (all images of a folder must then have one size).
        device: where the extractor runs (``"cpu"``, ``"cuda"``).
    """

    extractor: ExtractorName = "inception"
    weights: Path | None = None
    weights_sha256: str = Field(default=FID_WEIGHTS_SHA256, pattern="^[0-9a-fA-F]{64}$")
    preprocess: Preprocess = "tf1"
    extractor_seed: int = Field(default=0, ge=0)
    batch_size: int = Field(default=50, ge=1)
    image_size: int | None = Field(default=None, ge=1)
    device: str = "cpu"

    def extractor_options(self) -> ExtractorOptions:
        return ExtractorOptions(self.extractor, self.weights, self.weights_sha256, self.preprocess, self.extractor_seed)


OptionsT = TypeVar("OptionsT", bound=ImageMetricOptions)


@dataclass(frozen=True)
class ImageInputs:
    """The two image sets of one score: generated images are the samples, real ones the reference."""

    real: ImageSource
    generated: ImageSource

    @property
    def size(self) -> int:
        return len(self.generated)

    @property
    def nrefs(self) -> int:
        """The number of real images (the reference is a set, not one image per sample)."""
        return len(self.real)


@dataclass(frozen=True)
class StreamedFeatures:
    """What streaming leaves behind besides the torchmetrics state."""

    real_mean: Tensor  # (d,) float64
    generated: Tensor  # (n, d) float64, one row per generated image, on the CPU


def _example_images(stream: int) -> list[np.ndarray]:
    from harness.images.procedural import iter_art

    return list(iter_art(6, size=16, seed=0, stream=stream))


def __getattr__(name: str) -> Any:
    # FeatureRecorder is an nn.Module, so it lives with torch in _recorder; still importable from here.
    if name == "FeatureRecorder":
        from harness.metrics.image._recorder import FeatureRecorder

        return FeatureRecorder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tensor_state(metric: TorchMetric, name: str) -> Tensor:
    """A tensor state of a torchmetrics metric (typed: ``nn.Module.__getattr__`` is not)."""
    import torch

    value = getattr(metric, name)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{type(metric).__name__}.{name} is a {type(value).__name__}, not a tensor")
    return value


def list_state(metric: TorchMetric, name: str) -> list[Tensor]:
    """A list-of-tensors state of a torchmetrics metric (KID's features)."""
    value = getattr(metric, name)
    if not isinstance(value, list):
        raise TypeError(f"{type(metric).__name__}.{name} is a {type(value).__name__}, not a list")
    return value


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run with ``threads`` intra-op threads, then restore (``None``: leave torch's setting).

    Small tensors and batched eigen-decompositions lose badly to OpenMP barriers on a busy
    machine (10x to 80x measured on two shared cores), so the offline extractor and the
    bootstrap's eigenvalues ask for one thread; Inception's convolutions keep them all.
    """
    import torch

    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class ImageMetric(Metric[OptionsT, ImageInputs]):
    """Base class of the image metrics (see the module docstring)."""

    library: ClassVar[str] = "torchmetrics"
    higher_is_better: ClassVar[bool] = False
    paired_inputs: ClassVar[bool] = False
    example: ClassVar[MetricExample] = MetricExample(
        hypotheses=_example_images(stream=1), references=_example_images(stream=0), options={"extractor": "offline"}
    )
    min_images: ClassVar[int] = 2

    def _prepare(self, hypotheses: Any, references: Any, sources: Any) -> ImageInputs:
        if sources is not None:
            raise HarnessError(f"{self.name} takes no sources, only generated and real images")
        if references is None:
            raise HarnessError(f"{self.name} needs real images to compare the generated ones with")
        inputs = ImageInputs(
            real=open_images(references, self.options.image_size),
            generated=open_images(hypotheses, self.options.image_size),
        )
        for label, images in (("real", inputs.real), ("generated", inputs.generated)):
            if len(images) < self.min_images:
                found = f"{images.describe()} has {len(images)}"
                raise HarnessError(f"{self.name} needs at least {self.min_images} {label} images; {found}")
        return inputs

    def _compute(self, inputs: ImageInputs, seed: int) -> Computation:
        import torch

        from harness.metrics.image._recorder import FeatureRecorder

        recorder = FeatureRecorder(build_extractor(self.options.extractor_options()))
        metric = self._torchmetric(recorder, inputs).to(self.options.device)
        with torch.no_grad(), torch_threads(getattr(recorder.extractor, "threads", None)):
            real_sum = torch.zeros(recorder.num_features, dtype=torch.float64)
            for batch_features in self._stream(metric, recorder, inputs.real, real=True):
                real_sum += batch_features.sum(dim=0)
            generated = torch.cat(list(self._stream(metric, recorder, inputs.generated, real=False)))
            score, extra = self._score(metric, seed)
        features = StreamedFeatures(real_sum / len(inputs.real), generated)
        return Computation(
            score=score,
            per_sample=(generated - features.real_mean).square().sum(dim=1).numpy(),
            resample=self._resampler(metric, features),
            extra={"n_real": float(len(inputs.real)), "n_generated": float(len(inputs.generated)), **extra},
        )

    def _stream(
        self, metric: TorchMetric, recorder: FeatureRecorder, images: ImageSource, *, real: bool
    ) -> Iterator[Tensor]:
        """Feed ``images`` into ``metric`` batch by batch; yield each batch's features (float64, CPU)."""
        import torch

        for batch in images.batches(self.options.batch_size):
            metric.update(batch.to(self.options.device), real=real)
            yield recorder.take().to("cpu", torch.float64)

    def _signature_options(self) -> dict[str, OptionValue]:
        # The weights path and device are where the score was computed, not what it is.
        options: dict[str, OptionValue] = {"extractor": extractor_signature(self.options.extractor_options())}
        options["image_size"] = self.options.image_size or "native"
        return {**options, **self._metric_options()}

    def _metric_options(self) -> dict[str, OptionValue]:
        """Options of the metric itself (KID's kernel and subsets) for the signature."""
        return {}

    @abstractmethod
    def _torchmetric(self, extractor: nn.Module, inputs: ImageInputs) -> TorchMetric:
        """A fresh torchmetrics metric that takes ``extractor`` as its ``feature=`` module."""

    @abstractmethod
    def _score(self, metric: TorchMetric, seed: int) -> tuple[float, dict[str, float]]:
        """The metric's score and sub-scores from the streamed state."""

    @abstractmethod
    def _resampler(self, metric: TorchMetric, features: StreamedFeatures) -> Resampler:
        """Scores of bootstrap resamples of the generated images (the real set held fixed)."""
