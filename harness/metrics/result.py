"""What a metric writes to the result log: its signature, one system's score, two systems compared.

Every record is a frozen pydantic model with a ``schema_version``, serialised deterministically
(``to_json``): the same inputs, options and seed give byte-identical JSON.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

OptionValue = str | int | float | bool | None


class Signature(BaseModel):
    """Everything needed to reproduce a score, printed like sacrebleu's signatures.

    ``str(signature)`` gives e.g.
    ``bleu|nrefs:1|bs:1000|seed:0|tok:13a|case:mixed|eff:no|smooth:exp|version:2.6.0|harness:0.1.0``:
    the metric, the number of references (``var`` when samples differ), the bootstrap
    resamples and seed when a confidence interval was computed (or when the score itself is
    seeded), the tokenizer, the options, the version of the library whose numbers are the
    reference (``library`` says which) and the harness version.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str
    nrefs: int | str
    bootstrap: int = 0
    seed: int = 0
    seeded: bool = False  # the score itself depends on the seed (e.g. sampled references)
    tokenizer: str | None = None
    options: dict[str, OptionValue] = Field(default_factory=dict)
    library: str
    version: str
    harness: str

    def format(self) -> str:
        """The one-line signature (see the class docstring)."""
        parts = [self.metric, f"nrefs:{self.nrefs}"]
        if self.bootstrap:
            parts.append(f"bs:{self.bootstrap}")
        if self.bootstrap or self.seeded:
            parts.append(f"seed:{self.seed}")
        if self.tokenizer is not None:
            parts.append(f"tok:{self.tokenizer}")
        parts += [f"{key}:{_format_value(value)}" for key, value in self.options.items()]
        parts += [f"version:{self.version}", f"harness:{self.harness}"]
        return "|".join(parts)

    def __str__(self) -> str:
        return self.format()


class MetricResult(BaseModel):
    """One system scored by one metric: the corpus score, its interval and the per-sample scores.

    ``extra`` holds sub-scores that come with the metric (ROUGE's rouge1/rouge2/rougeL/rougeLsum,
    precision and recall, BLEU's brevity penalty, WER's hit/substitution counts, ...).
    ``ci_low``/``ci_high`` are ``None`` when no bootstrap was asked for.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION
    name: str
    score: float
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float | None = None
    higher_is_better: bool = True
    extra: dict[str, float] = Field(default_factory=dict)
    per_sample: list[float] = Field(default_factory=list)
    signature: Signature

    @property
    def n_samples(self) -> int:
        return len(self.per_sample)

    def to_json(self) -> str:
        """Deterministic JSON (declaration order, two-space indent, trailing newline)."""
        return self.model_dump_json(indent=2) + "\n"


class PairedResult(BaseModel):
    """System A against system B on the same samples: paired bootstrap resampling.

    ``difference`` is ``score_a - score_b``; ``ci_low``/``ci_high`` bound it; ``p_value`` is the
    probability, under the null hypothesis that both systems are equally good, of a
    difference at least as large as the one observed (see :func:`harness.metrics.bootstrap.paired_p_value`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION
    name: str
    score_a: float
    score_b: float
    difference: float
    ci_low: float
    ci_high: float
    confidence: float
    p_value: float
    higher_is_better: bool = True
    signature: Signature

    def a_is_better(self, alpha: float = 0.05) -> bool:
        """System A is significantly better than B at level ``alpha``."""
        better = self.difference > 0 if self.higher_is_better else self.difference < 0
        return better and self.p_value < alpha

    def to_json(self) -> str:
        """Deterministic JSON (declaration order, two-space indent, trailing newline)."""
        return self.model_dump_json(indent=2) + "\n"


def _format_value(value: OptionValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else str(value)
