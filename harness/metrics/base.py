"""The metric plugin contract.

A metric is a class registered in the ``harness.metrics`` entry-point group. The public
:meth:`Metric.score` is the template (after sacrebleu's ``metrics/base.py``): it validates the
inputs, calls the subclass's small ``_compute``, draws seeded bootstrap resamples for a
confidence interval, builds the reproducibility :class:`Signature` and returns a
:class:`MetricResult`. :meth:`Metric.paired_bootstrap` compares two systems on the same
resamples. Three shapes of metric are ready to fill in:

- :class:`CorpusMetric` (BLEU, chrF, TER, WER, perplexity): ``_sufficient_stats`` gives one row
  of additive statistics per sample and ``_from_stats`` turns their sum into the score. The
  corpus score is computed from the summed statistics, exactly as the reference library does,
  and each bootstrap resample re-computes the *corpus* statistic from re-weighted sums, never
  an average of sentence scores.
- :class:`SampleMetric` (ROUGE, exact match, token F1, embedding similarity): ``_sample_scores``
  gives one score per sample and the corpus score is their mean.
- :class:`TextMetric` itself for anything else (distinct-n): fill in ``_compute``.

Options are a pydantic model per metric (``options_model``); the registry builds a metric with
its defaults and :meth:`Metric.with_options` gives a configured copy. Metrics that need torch or
transformers import them inside their methods, never at module import.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, ValidationError

import harness
from harness.errors import HarnessError
from harness.metrics.bootstrap import (
    Resampler,
    bootstrap_scores,
    check_settings,
    paired_bootstrap_scores,
    paired_p_value,
    percentile_interval,
)
from harness.metrics.inputs import TextInputs, text_inputs
from harness.metrics.result import MetricResult, OptionValue, PairedResult, Signature

__all__ = [
    "DEFAULT_BOOTSTRAP",
    "Computation",
    "Computed",
    "CorpusMetric",
    "Metric",
    "MetricExample",
    "MetricOptions",
    "MetricResult",
    "MetricUnavailableError",
    "PairedResult",
    "SampleMetric",
    "SampleScores",
    "Signature",
    "TextInputs",
    "TextMetric",
]

DEFAULT_BOOTSTRAP = 1000
HARNESS_LIBRARY = "genai-harness"

FloatArray = NDArray[np.float64]


class MetricUnavailableError(HarnessError):
    """The metric needs something that is not installed or not given (an extra, a local model)."""


class MetricOptions(BaseModel):
    """Base of every metric's options: frozen, and unknown names are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PreparedInputs(Protocol):
    """What :meth:`Metric.score` needs to know of a metric's validated inputs."""

    @property
    def size(self) -> int: ...

    @property
    def nrefs(self) -> int | str: ...


OptionsT = TypeVar("OptionsT", bound=MetricOptions)
InputsT = TypeVar("InputsT", bound=PreparedInputs)


@dataclass(frozen=True)
class Computation:
    """What ``_compute`` returns: the corpus score, per-sample scores and how to resample.

    ``resample`` maps a ``(b, n)`` matrix of multiplicities (how often each sample is drawn in
    each of ``b`` bootstrap resamples) to the ``b`` corpus scores of those resamples; ``None``
    for a metric whose bootstrap would be meaningless (its result then has no interval).
    """

    score: float
    per_sample: Sequence[float] | FloatArray
    resample: Resampler | None
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Computed:
    """A metric's work on one system, before resampling: what :meth:`Metric.compute` returns."""

    size: int  # samples: the ``n`` of the resamples
    nrefs: int | str  # for the signature
    computation: Computation


@dataclass(frozen=True)
class MetricExample:
    """Small inputs on which a metric runs with the given options (the common contract test uses them)."""

    hypotheses: Sequence[Any]
    references: Sequence[Any] | None
    options: dict[str, Any] = field(default_factory=dict)


TEXT_EXAMPLE = MetricExample(
    hypotheses=[
        "the cat sat on the mat",
        "a generator maps noise to images",
        "attention lets every token look at every other token",
        "the discriminator says real or fake",
        "diffusion models remove noise step by step",
        "tokens are pieces of words",
    ],
    references=[
        "the cat is sitting on the mat",
        "a generator turns random noise into images",
        ["attention lets each token attend to all other tokens", "every token can look at every other token"],
        "the discriminator decides whether an image is real or fake",
        "diffusion models denoise step by step",
        "tokens are the pieces a model reads",
    ],
)


class Metric(ABC, Generic[OptionsT, InputsT]):
    """Base class of every metric (see the module docstring)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    options_model: ClassVar[type[MetricOptions]] = MetricOptions
    library: ClassVar[str] = HARNESS_LIBRARY  # the distribution whose numbers are the reference
    higher_is_better: ClassVar[bool] = True
    paired_inputs: ClassVar[bool] = True  # hypotheses[i] goes with references[i]
    seeded: ClassVar[bool] = False  # the score itself (not only its interval) depends on the seed
    example: ClassVar[MetricExample] = TEXT_EXAMPLE

    def __init__(self, **options: Any) -> None:
        """Build the metric with ``options`` (its ``options_model`` fields; defaults for the rest).

        Raises:
            HarnessError: an unknown option or a bad value; the message lists the known options.
        """
        try:
            self.options: OptionsT = cast(OptionsT, self.options_model.model_validate(options))
        except ValidationError as exc:
            raise HarnessError(_options_message(self.name, self.options_model, exc)) from None

    def with_options(self, **changes: Any) -> Self:
        """A copy of this metric with some options changed."""
        return type(self)(**{**self.options.model_dump(), **changes})

    # -- the template -----------------------------------------------------------------------

    def score(
        self,
        hypotheses: Any,
        references: Any,
        *,
        sources: Any = None,
        seed: int = 0,
        bootstrap: int = DEFAULT_BOOTSTRAP,
        confidence: float = 0.95,
    ) -> MetricResult:
        """Score ``hypotheses`` against ``references`` (``references[i]``: a string or a list of them).

        ``bootstrap`` seeded resamples (0: none) give a percentile confidence interval at level
        ``confidence`` (none for a metric without a meaningful bootstrap, such as distinct-n).
        Same inputs, options and seed give byte-identical ``to_json()``.

        Raises:
            HarnessError: invalid inputs or settings (the message says which sample and why).
            MetricUnavailableError: the metric needs an extra package or a local model.
        """
        check_settings(seed, bootstrap, confidence)
        computed = self.compute(hypotheses, references, sources=sources, seed=seed)
        resample = computed.computation.resample
        scores = bootstrap_scores(resample, computed.size, bootstrap, seed) if bootstrap and resample else None
        return self.finish(computed, scores, seed=seed, bootstrap=bootstrap, confidence=confidence)

    def paired_bootstrap(
        self,
        system_a: Any,
        system_b: Any,
        references: Any,
        *,
        sources: Any = None,
        seed: int = 0,
        bootstrap: int = DEFAULT_BOOTSTRAP,
        confidence: float = 0.95,
    ) -> PairedResult:
        """Compare system A with system B on the same references by paired bootstrap resampling.

        Both systems are scored on the same ``bootstrap`` resamples of the samples; the
        p-value is computed as sacrebleu's paired bootstrap test does
        (:func:`harness.metrics.bootstrap.paired_p_value`).

        Raises:
            HarnessError: invalid inputs, the two systems differ in length, or ``bootstrap`` < 1.
        """
        check_settings(seed, bootstrap, confidence)
        if bootstrap < 1:
            raise HarnessError(f"{self.name}: a paired bootstrap needs at least one resample")
        inputs_a = self._prepare(system_a, references, sources)
        inputs_b = self._prepare(system_b, references, sources)
        self._same_size(inputs_a.size, inputs_b.size)
        computed_a, computed_b = self._computed(inputs_a, seed), self._computed(inputs_b, seed)
        resample_a, resample_b = self.paired_resamplers(computed_a, computed_b)
        scores_a, scores_b = paired_bootstrap_scores(resample_a, resample_b, computed_a.size, bootstrap, seed)
        return self.compare(computed_a, computed_b, scores_a, scores_b, seed=seed, confidence=confidence)

    # -- the template's steps, for callers that share work between metrics and systems --------

    def compute(self, hypotheses: Any, references: Any, *, sources: Any = None, seed: int = 0) -> Computed:
        """Validate the inputs and compute the score, per-sample scores and resampler, no bootstrap.

        :meth:`score` is ``compute`` + :func:`~harness.metrics.bootstrap.bootstrap_scores` +
        :meth:`finish`; a suite calls the three itself so that each system is computed once and
        every metric is resampled in one pass over the same resamples.

        Raises:
            HarnessError: invalid inputs, or a score that is not finite.
        """
        return self._computed(self._prepare(hypotheses, references, sources), seed)

    def _computed(self, inputs: InputsT, seed: int) -> Computed:
        computation = self._compute(inputs, seed)
        _finite(self.name, computation.score)
        return Computed(size=inputs.size, nrefs=inputs.nrefs, computation=computation)

    def _same_size(self, size_a: int, size_b: int) -> None:
        if size_a != size_b:
            raise HarnessError(f"{self.name}: system A has {size_a} outputs but system B has {size_b}")

    def finish(
        self, computed: Computed, scores: FloatArray | None, *, seed: int, bootstrap: int, confidence: float
    ) -> MetricResult:
        """The result of ``computed``, with the interval of its resampled ``scores`` (None: no interval)."""
        computation = computed.computation
        ci_low = ci_high = None
        if computation.resample is None:
            bootstrap = 0
        if bootstrap and scores is not None:
            ci_low, ci_high = percentile_interval(scores, confidence)
        return MetricResult(
            name=self.name,
            score=float(computation.score),
            ci_low=ci_low,
            ci_high=ci_high,
            confidence=confidence if bootstrap else None,
            higher_is_better=self.higher_is_better,
            extra=computation.extra,
            per_sample=_as_floats(self.name, computation.per_sample),
            signature=self.signature(computed.nrefs, seed=seed, bootstrap=bootstrap),
        )

    def paired_resamplers(self, computed_a: Computed, computed_b: Computed) -> tuple[Resampler, Resampler]:
        """The two systems' resamplers, for a paired test.

        Raises:
            HarnessError: the systems differ in length, or the metric has no meaningful bootstrap.
        """
        self._same_size(computed_a.size, computed_b.size)
        resample_a, resample_b = computed_a.computation.resample, computed_b.computation.resample
        if resample_a is None or resample_b is None:
            raise HarnessError(f"{self.name} has no meaningful bootstrap, so no paired comparison")
        return resample_a, resample_b

    def compare(
        self,
        computed_a: Computed,
        computed_b: Computed,
        scores_a: FloatArray,
        scores_b: FloatArray,
        *,
        seed: int,
        confidence: float,
    ) -> PairedResult:
        """System A against system B from their scores on the *same* resamples (see :meth:`paired_bootstrap`)."""
        score_a, score_b = float(computed_a.computation.score), float(computed_b.computation.score)
        difference = score_a - score_b
        ci_low, ci_high = percentile_interval(scores_a - scores_b, confidence)
        return PairedResult(
            name=self.name,
            score_a=computed_a.computation.score,
            score_b=computed_b.computation.score,
            difference=difference,
            ci_low=ci_low,
            ci_high=ci_high,
            confidence=confidence,
            p_value=paired_p_value(scores_a, scores_b, difference),
            higher_is_better=self.higher_is_better,
            signature=self.signature(computed_a.nrefs, seed=seed, bootstrap=len(scores_a)),
        )

    def signature(self, nrefs: int | str, *, seed: int = 0, bootstrap: int = 0) -> Signature:
        """The reproducibility signature of a score computed with these options."""
        return Signature(
            metric=self.name,
            nrefs=nrefs,
            bootstrap=bootstrap,
            seed=seed,
            seeded=self.is_seeded,
            tokenizer=self.tokenizer,
            options=self._signature_options(),
            library=self.library,
            version=library_version(self.library),
            harness=harness.__version__,
        )

    # -- what subclasses fill in -------------------------------------------------------------

    @property
    def tokenizer(self) -> str | None:
        """The tokenizer's name for the signature (``None``: the metric does not tokenize)."""
        return None

    @property
    def is_seeded(self) -> bool:
        """Whether the score itself, not only its interval, depends on the seed."""
        return self.seeded

    def _signature_options(self) -> dict[str, OptionValue]:
        """Options as they appear in the signature; by default every option by its field name."""
        return {key: _option_value(value) for key, value in self.options.model_dump().items()}

    @abstractmethod
    def _prepare(self, hypotheses: Any, references: Any, sources: Any) -> InputsT:
        """Validate the inputs and put them in the form ``_compute`` takes.

        Raises:
            HarnessError: with a message that names the bad sample.
        """

    @abstractmethod
    def _compute(self, inputs: InputsT, seed: int) -> Computation:
        """Score validated inputs (``seed`` for metrics whose score samples something)."""


class TextMetric(Metric[OptionsT, TextInputs]):
    """A metric over strings: ``hypotheses[i]`` is scored against ``references[i]``."""

    needs_references: ClassVar[bool] = True
    max_references: ClassVar[int | None] = None  # None: any number per sample

    def _prepare(self, hypotheses: Any, references: Any, sources: Any) -> TextInputs:
        return text_inputs(
            self.name,
            hypotheses,
            references,
            sources,
            needs_references=self.needs_references,
            max_references=self.max_references,
        )


class CorpusMetric(TextMetric[OptionsT]):
    """A metric whose corpus score is a function of per-sample statistics summed over the corpus."""

    def _compute(self, inputs: TextInputs, seed: int) -> Computation:
        stats = np.ascontiguousarray(self._sufficient_stats(inputs), dtype=np.float64)
        totals = stats.sum(axis=0)  # rows added in order, as the reference libraries do
        return Computation(
            score=self._from_stats(totals),
            per_sample=self._sample_scores(stats),
            resample=_StatsResampler(stats, self._from_stats),
            extra=self._extra_from_stats(totals),
        )

    @abstractmethod
    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        """One row of additive statistics per sample, shape ``(n, k)``."""

    @abstractmethod
    def _from_stats(self, totals: FloatArray) -> float:
        """The score from statistics summed over a (resampled) corpus, shape ``(k,)``."""

    def _extra_from_stats(self, totals: FloatArray) -> dict[str, float]:
        """Sub-scores of the corpus (precisions, counts, ...); none by default."""
        return {}

    def _sample_scores(self, stats: FloatArray) -> FloatArray | Sequence[float]:
        """Per-sample scores; by default the corpus formula applied to each row."""
        return per_distinct_row(stats, self._from_stats)


def per_distinct_row(stats: FloatArray, score: Callable[[FloatArray], float]) -> list[float]:
    """``[score(row) for row in stats]``, with ``score`` called once per distinct row (a corpus
    repeats rows: equal pairs, or pairs with the same counts)."""
    scores: dict[bytes, float] = {}
    out = []
    for row in stats:
        key = row.tobytes()
        if key not in scores:
            scores[key] = score(row)
        out.append(scores[key])
    return out


@dataclass(frozen=True)
class SampleScores:
    """What a :class:`SampleMetric` computes: the score of each sample, and sub-scores."""

    scores: FloatArray
    extra: dict[str, FloatArray] = field(default_factory=dict)


class SampleMetric(TextMetric[OptionsT]):
    """A metric whose corpus score is the mean of per-sample scores (sub-scores too)."""

    def _compute(self, inputs: TextInputs, seed: int) -> Computation:
        sample = self._sample_scores(inputs, seed)
        return Computation(
            score=float(np.mean(sample.scores)),
            per_sample=sample.scores,
            resample=_MeanResampler(np.asarray(sample.scores, dtype=np.float64)),
            extra={key: float(np.mean(values)) for key, values in sample.extra.items()},
        )

    @abstractmethod
    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        """The score of each sample (and optional sub-scores, averaged into ``extra``)."""


@dataclass(frozen=True)
class _StatsResampler:
    """Corpus score of each resample from re-weighted sums of the sufficient statistics."""

    stats: FloatArray
    from_stats: Callable[[FloatArray], float]

    def __call__(self, counts: NDArray[np.int64]) -> FloatArray:
        totals = counts @ self.stats
        return np.array([self.from_stats(row) for row in totals], dtype=np.float64)


@dataclass(frozen=True)
class _MeanResampler:
    """Mean score of each resample."""

    scores: FloatArray

    def __call__(self, counts: NDArray[np.int64]) -> FloatArray:
        result: FloatArray = (counts @ self.scores) / counts.shape[1]
        return result


@cache
def library_version(distribution: str) -> str:
    """The installed version of ``distribution`` ("unknown" if it is not installed)."""
    if distribution == HARNESS_LIBRARY:
        return harness.__version__
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _finite(metric: str, value: float) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise HarnessError(f"{metric}: the score is {value}; the inputs give no finite value")
    return value


def _as_floats(metric: str, values: Sequence[float] | FloatArray) -> list[float]:
    array = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise HarnessError(f"{metric}: sample {int(bad[0])} has no finite score ({array[bad[0]]})")
    floats: list[float] = array.tolist()
    return floats


def _option_value(value: Any) -> OptionValue:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _options_message(metric: str, model: type[MetricOptions], exc: ValidationError) -> str:
    problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'options'}: {err['msg']}" for err in exc.errors())
    known = ", ".join(model.model_fields) or "none"
    return f"{metric}: bad options ({problems}); known options: {known}"
