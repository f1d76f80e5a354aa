"""Pydantic models of a metric suite file (see docs/metric-suites.md).

A suite names its data set (a JSONL file of items with references, or a set of real images),
the metrics that score a system's outputs against it (with their options), a threshold per
metric, and a points curve that turns a metric's score into a share of the points. The models
check everything that can be checked from the file alone; the loader
(:mod:`harness.suites.loader`) checks what needs the metric plugins (known names, options, the
direction of the curves) and reports every problem at ``file:line:col``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.evaluation.task import TaskSpec
from harness.images.procedural import DEFAULT_STYLE, ArtStyle

SUITE_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
DATA_PATH_PATTERN = r"^[^/\\][^\\]*$"  # relative to the suite file, forward slashes


class SuiteModel(BaseModel):
    """Strict base: unknown fields are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------ points curves


class PassCurve(SuiteModel):
    """All the points when the score meets ``at`` (default: the metric's threshold), else none."""

    curve: Literal["pass"]
    at: float | None = None

    def fraction(self, score: float, higher_is_better: bool, threshold: float | None) -> float:
        at = self.at if self.at is not None else threshold
        if at is None:  # the loader rejects this; kept total for direct use
            raise ValueError("a pass curve needs `at` or a threshold")
        return 1.0 if meets(score, at, higher_is_better) else 0.0


class LinearCurve(SuiteModel):
    """No points at ``zero_at``, all at ``full_at``, a straight line between, clamped outside."""

    curve: Literal["linear"]
    zero_at: float
    full_at: float

    @model_validator(mode="after")
    def _distinct(self) -> LinearCurve:
        if self.zero_at == self.full_at:
            raise ValueError("zero_at and full_at must differ")
        return self

    def fraction(self, score: float, higher_is_better: bool, threshold: float | None) -> float:
        share = (score - self.zero_at) / (self.full_at - self.zero_at)
        return float(min(1.0, max(0.0, share)))


class PiecewiseCurve(SuiteModel):
    """``steps``: ``[score, fraction]`` corners joined by straight lines, flat beyond the ends."""

    curve: Literal["piecewise"]
    steps: list[tuple[float, Annotated[float, Field(ge=0, le=1)]]] = Field(min_length=2)

    @field_validator("steps")
    @classmethod
    def _monotone_scores(cls, steps: list[tuple[float, float]]) -> list[tuple[float, float]]:
        scores = [s for s, _ in steps]
        rising = all(a < b for a, b in pairwise(scores))
        falling = all(a > b for a, b in pairwise(scores))
        if not (rising or falling):
            raise ValueError("the scores of the steps must all increase or all decrease")
        return steps

    def ordered(self) -> list[tuple[float, float]]:
        """The steps by increasing score."""
        return sorted(self.steps)

    def fraction(self, score: float, higher_is_better: bool, threshold: float | None) -> float:
        steps = self.ordered()
        return float(np.interp(score, [s for s, _ in steps], [f for _, f in steps]))


Curve = Annotated[PassCurve | LinearCurve | PiecewiseCurve, Field(discriminator="curve")]


def meets(score: float, threshold: float, higher_is_better: bool) -> bool:
    """Whether ``score`` is at least as good as ``threshold``."""
    return score >= threshold if higher_is_better else score <= threshold


# ------------------------------------------------------------------------------ metrics


class MetricSpec(SuiteModel):
    """One metric of a suite: which plugin, its options, its threshold and its points."""

    metric: str = Field(min_length=1, description="a registered metric (`harness plugins` lists them)")
    id: Annotated[str, Field(pattern=SUITE_ID_PATTERN, max_length=60)] | None = Field(
        default=None, description="a label, unique in the suite (default: the metric's name)"
    )
    options: dict[str, Any] = Field(default_factory=dict, description="the metric's options")
    threshold: float | None = Field(
        default=None, description="pass mark: at least this (at most, for lower-is-better metrics)"
    )
    points: Curve | None = Field(default=None, description="how the score becomes a share of the points")
    weight: float = Field(default=1.0, gt=0, description="this metric's share of the suite's points, relative")

    @property
    def label(self) -> str:
        return self.id or self.metric


class CheckSpec(SuiteModel):
    """A check run on a text suite's outputs (``harness.checks``): its options and its gate."""

    check: str = Field(min_length=1, description="a registered check (`harness plugins` lists them)")
    options: dict[str, Any] = Field(default_factory=dict, description="the check's options")
    gate: float | None = Field(default=None, description="the check's gate (default: the check's own)")
    penalty: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="share of one output's points taken off for each output the check flags "
        "(default: none, the check is reported, not graded)",
    )


# ------------------------------------------------------------------------------ data


class ProceduralStyle(SuiteModel):
    """The knobs of :class:`harness.images.procedural.ArtStyle`."""

    hue: float = Field(default=DEFAULT_STYLE.hue, ge=0, lt=1)
    hue_spread: float = Field(default=DEFAULT_STYLE.hue_spread, ge=0, le=1)
    shapes: float = Field(default=DEFAULT_STYLE.shapes, gt=0, le=100)
    temperature: float = Field(default=DEFAULT_STYLE.temperature, gt=0, le=10)
    waves: float = Field(default=DEFAULT_STYLE.waves, ge=0, le=1)
    noise: float = Field(default=DEFAULT_STYLE.noise, ge=0, le=1)

    def art_style(self) -> ArtStyle:
        return ArtStyle(**self.model_dump())


class ProceduralImages(SuiteModel):
    """Real images the harness draws itself: seeded procedural art (no files to ship)."""

    count: int = Field(ge=2, le=20_000)
    size: int = Field(default=32, ge=8, le=512)
    seed: int = Field(default=0, ge=0)
    style: ProceduralStyle = Field(default_factory=ProceduralStyle)


class ImagesData(SuiteModel):
    """The real images: a folder of PNG/JPEG files, or procedural art."""

    folder: Annotated[str, Field(pattern=DATA_PATH_PATTERN)] | None = None
    procedural: ProceduralImages | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ImagesData:
        if (self.folder is None) == (self.procedural is None):
            raise ValueError("give exactly one of `folder` and `procedural`")
        return self


class DataSpec(SuiteModel):
    """The data set: ``jsonl`` (text items with references) or ``images`` (a real image set)."""

    jsonl: Annotated[str, Field(pattern=DATA_PATH_PATTERN)] | None = Field(
        default=None, description="JSONL file of {id, input, reference(s), source?}, relative to the suite"
    )
    images: ImagesData | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DataSpec:
        if (self.jsonl is None) == (self.images is None):
            raise ValueError("give exactly one of `jsonl` (text items) and `images` (real images)")
        return self

    @property
    def task(self) -> Literal["text", "image"]:
        return "text" if self.jsonl is not None else "image"


# ------------------------------------------------------------------------------ the suite


class Suite(SuiteModel):
    """A metric suite file."""

    id: Annotated[str, Field(pattern=SUITE_ID_PATTERN, max_length=80)]
    title: str = Field(min_length=1)
    version: str
    description: str | None = None
    data: DataSpec
    metrics: list[MetricSpec] = Field(min_length=1)
    checks: list[CheckSpec] = Field(default_factory=list, description="bias and hallucination checks (text suites)")
    seed: int = Field(default=0, ge=0, description="seeds the bootstrap (and seeded metrics)")
    bootstrap: int = Field(default=1000, ge=0, le=100_000, description="resamples for the confidence intervals")
    confidence: float = Field(default=0.95, gt=0, lt=1)
    task: TaskSpec | None = Field(default=None, description="how `harness eval` prompts a model (text suites)")

    @field_validator("version", mode="before")
    @classmethod
    def _version_string(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    @property
    def gives_points(self) -> bool:
        return any(spec.points is not None for spec in self.metrics)
