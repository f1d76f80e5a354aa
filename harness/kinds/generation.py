"""``generation``: outputs a student (or a model) generated, scored with a metric suite.

The student submits a file in their submission folder: a JSONL file of
``{"id": ..., "output": ...}`` lines for a text suite, or a folder of PNG/JPEG images for an
image suite. The question names the suite (``metric_suites/*.yaml``, relative to the bank);
the suite's metrics score the outputs, its points curves turn the scores into a share of the
question's points, and the feedback names the samples that cost the most. See
docs/metric-suites.md for the format.

A bad outputs file (not UTF-8, not JSON, an empty line, a duplicate or unknown id) makes the
answer ``invalid`` with every mistake located at ``file:line:col``; ids with no output are
scored as empty outputs and listed in the feedback (``missing_outputs: invalid`` refuses them
instead). torch is imported only when the suite's metrics need it (FID, KID, perplexity).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from harness.bank.schema import Question
from harness.checks.feedback import check_evidence, check_feedback
from harness.errors import AnswerError, HarnessError
from harness.evidence import GenerationEvidence, MetricEvidence, SampleScore
from harness.kinds.base import MISSING, GradeContext, KindExample, Outcome, QuestionKind
from harness.results import round_score
from harness.submission_files import path_in_submission
from harness.suites import LoadedSuite, OutputsError, SuiteErrors, SystemOutputs, load_suite, read_system, score_system
from harness.suites.outputs import list_ids
from harness.suites.result import MetricScore, SuiteScore

EXAMPLES = Path(__file__).resolve().parent / "examples" / "generation"
_OUTPUTS_PATH = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*/?$"  # relative, no '..'
MAX_PAPER_ITEMS = 50
# Image metrics run a float32 network whose last digits depend on the CPU's vector unit (FID
# differs by ~3e-8 between AVX2 and AVX-512 kernels); the grade keeps 4 significant digits so
# a cohort's results are byte-identical across machines.
IMAGE_DIGITS = 4
_scoring = threading.Lock()  # one suite at a time: torch's thread settings are process-wide


class GenerationQuestion(Question):
    kind: Literal["generation"] = "generation"
    suite: str = Field(description="the metric suite file, relative to the bank file")
    file: Annotated[str, Field(pattern=_OUTPUTS_PATH)] = Field(
        description="where the outputs are in the submission folder: a .jsonl file, or a folder of images"
    )
    worst_samples: int = Field(default=3, ge=0, le=20, description="samples named in the feedback, per metric")
    missing_outputs: Literal["empty", "invalid"] = Field(
        default="empty", description="ids with no output: scored as empty outputs, or the answer is invalid"
    )
    _suite_path: Path = PrivateAttr(default=Path())

    @field_validator("suite")
    @classmethod
    def _suite_loads(cls, value: str, info: ValidationInfo) -> str:
        suite = _load(_suite_path(value, info))
        if not suite.suite.gives_points:
            raise ValueError(f"suite {suite.id!r} gives no points: give one of its metrics a `points` curve")
        return value

    @field_validator("file")
    @classmethod
    def _file_fits_suite(cls, value: str, info: ValidationInfo) -> str:
        if "suite" not in info.data:
            return value  # the suite itself is invalid; that error is reported
        suite = _load(_suite_path(info.data["suite"], info))
        if suite.task == "text" and not value.endswith(".jsonl"):
            raise ValueError(f"suite {suite.id!r} scores text: the outputs file must end in .jsonl")
        if suite.task == "image" and value.endswith(".jsonl"):
            raise ValueError(f"suite {suite.id!r} scores images: name a folder of images, not a .jsonl file")
        return value

    @model_validator(mode="after")
    def _remember_suite(self, info: ValidationInfo) -> GenerationQuestion:
        self._suite_path = _suite_path(self.suite, info)
        return self

    def loaded_suite(self) -> LoadedSuite:
        """The question's suite (cached while its files are unchanged)."""
        return _load(self._suite_path)

    def content_files(self) -> list[Path]:
        return self.loaded_suite().files


def _suite_path(value: str, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    return Path(os.path.normpath(Path(base or Path.cwd()) / value))


def _load(path: Path) -> LoadedSuite:
    try:
        return load_suite(path)
    except SuiteErrors as exc:
        raise ValueError(f"suite {path} is invalid: " + "; ".join(str(e) for e in exc.errors)) from None


@dataclass(frozen=True)
class SubmittedOutputs:
    """The outputs a student submitted: ``path`` inside their ``folder``, shown as ``relative``."""

    path: Path
    folder: Path | None = None
    relative: str | None = None

    @property
    def display(self) -> str:
        return self.relative or self.path.name


class GenerationKind(QuestionKind[GenerationQuestion]):
    name = "generation"
    evidence_model = GenerationEvidence
    model = GenerationQuestion
    description = "generated outputs (JSONL, or a folder of images) scored with a metric suite"
    example = KindExample(
        question={
            "id": "ex-generation",
            "kind": "generation",
            "prompt": "Translate the four sentences of the suite into French.",
            "points": 2,
            "suite": str(EXAMPLES / "suite.yaml"),
            "file": "outputs/translations.jsonl",
        },
        right=SubmittedOutputs(EXAMPLES / "right.jsonl"),
        wrong=SubmittedOutputs(EXAMPLES / "wrong.jsonl"),
    )

    def answer_for(self, question: GenerationQuestion, answers: Mapping[str, Any], folder: Path | None) -> Any:
        """The outputs file (or image folder) in the student's folder; an answers.yaml entry is refused."""
        if folder is not None:
            path = folder / question.file
            if path.exists() or path.is_symlink():
                return SubmittedOutputs(path, folder, question.file.rstrip("/"))
        return answers.get(question.id, MISSING)

    def missing_feedback(self, question: GenerationQuestion, ctx: GradeContext) -> str:
        """The answer is a file (or folder): name it, never answers.yaml."""
        return f"No answer: no {question.file} in your submission folder."

    def echo(self, raw: Any) -> Any:
        """Submitted outputs are recorded by their name in the student's folder, never a host path."""
        return raw.path.name if isinstance(raw, SubmittedOutputs) else super().echo(raw)

    def parse_answer(self, question: GenerationQuestion, raw: Any, ctx: GradeContext) -> SystemOutputs:
        if not isinstance(raw, SubmittedOutputs):
            raise AnswerError(f"submit your outputs as {question.file} in your submission folder, not in answers.yaml")
        if raw.folder is not None and raw.relative is not None:  # a link on the way could point outside
            path_in_submission(raw.folder, raw.relative)
        suite = question.loaded_suite()
        try:
            system = read_system(suite, raw.path, raw.display)
        except OutputsError as exc:
            raise AnswerError(str(exc)) from None
        if system.missing and question.missing_outputs == "invalid":
            raise AnswerError(system.missing_message())
        return system

    def _grade(self, question: GenerationQuestion, answer: SystemOutputs, ctx: GradeContext) -> Outcome:
        suite = question.loaded_suite()
        with _scoring:
            try:
                score = score_system(suite, answer, worst=question.worst_samples)
            except HarnessError as exc:
                if suite.task == "image" and _is_image_set_error(exc):
                    raise AnswerError(str(exc)) from None  # an unreadable image, mixed sizes: the student's to fix
                raise
        if suite.task == "image":
            score = _stable_image_scores(suite, score)
        return Outcome(score.fraction or 0.0, _feedback(score, answer), _evidence(score, answer))

    def expected(self, question: GenerationQuestion, ctx: GradeContext) -> Any:
        suite = question.loaded_suite()
        what = f"one output per item ({suite.size} items)" if suite.size else "a folder of images"
        return f"{question.file}: {what}, scored with suite {suite.id} v{suite.suite.version}"

    def paper_lines(self, question: GenerationQuestion, ctx: GradeContext) -> list[str]:
        suite = question.loaded_suite()
        metrics = ", ".join(_metric_label(m.label, m.spec.threshold, m.higher_is_better) for m in suite.metrics)
        if suite.dataset is None:
            head = f"Submit a folder `{question.file}` of PNG or JPEG images (at least 2)."
            return [head, "", f"Scored with suite `{suite.id}`: {metrics}."]
        lines = [
            f'Submit `{question.file}`: one line `{{"id": ..., "output": ...}}` for each of the '
            f"{suite.size} items below (UTF-8, no blank lines).",
            "",
            f"Scored with suite `{suite.id}`: {metrics}.",
            "",
        ]
        items = suite.dataset.items
        lines += [f"- `{item.id}`: {' '.join(item.input.split())}" for item in items[:MAX_PAPER_ITEMS]]
        if len(items) > MAX_PAPER_ITEMS:
            lines.append(f"- ... and {len(items) - MAX_PAPER_ITEMS} more in {suite.dataset.path.name}")
        return lines


def _stable_image_scores(suite: LoadedSuite, score: SuiteScore) -> SuiteScore:
    """``score`` with every image-metric number rounded to :data:`IMAGE_DIGITS` significant
    digits, and thresholds and points decided on the rounded scores."""
    metrics = []
    for suite_metric, metric in zip(suite.metrics, score.metrics, strict=True):
        result = metric.result
        value = _significant(result.score)
        rounded = result.model_copy(
            update={
                "score": value,
                "ci_low": None if result.ci_low is None else _significant(result.ci_low),
                "ci_high": None if result.ci_high is None else _significant(result.ci_high),
                "per_sample": [_significant(v) for v in result.per_sample],
            }
        )
        worst = [s.model_copy(update={"score": _significant(s.score)}) for s in metric.worst]
        update = {
            "result": rounded,
            "worst": worst,
            "fraction": suite_metric.fraction(value),
            "passed": suite_metric.passed(value),
        }
        metrics.append(metric.model_copy(update=update))
    fraction = suite.points_fraction({m.id: m.result.score for m in metrics})
    verdicts = [m.passed for m in metrics if m.passed is not None]
    passed = all(verdicts) if verdicts else None
    return score.model_copy(update={"metrics": metrics, "fraction": fraction, "passed": passed})


def _significant(value: float) -> float:
    return float(f"{value:.{IMAGE_DIGITS}g}")


def _is_image_set_error(exc: HarnessError) -> bool:
    from harness.metrics.image.sources import ImageSetError  # torch is already loaded for an image suite

    return isinstance(exc, ImageSetError)


# ------------------------------------------------------------------------------ feedback


def _feedback(score: SuiteScore, answer: SystemOutputs) -> list[str]:
    lines = [_metric_line(m) for m in score.metrics]
    if answer.missing:
        lines.append(f"No output for {len(answer.missing)} id(s), scored as empty: {list_ids(answer.missing)}.")
    for metric in score.metrics:
        if metric.fraction is not None and metric.worst:
            worst = ", ".join(f"{s.id} ({_number(s.score)})" for s in metric.worst)
            lines.append(f"Samples that pulled {metric.id} down most: {worst}.")
    return lines + check_feedback(score.checks, score.check_deductions)


def _metric_line(metric: MetricScore) -> str:
    result = metric.result
    text = f"{metric.id}: {_number(result.score)}"
    if result.ci_low is not None and result.ci_high is not None:
        level = round(100 * (result.confidence or 0))
        text += f" ({level}% CI {_number(result.ci_low)} to {_number(result.ci_high)})"
    if metric.threshold is not None:
        mark = _metric_label("threshold", metric.threshold, result.higher_is_better)
        text += f"; {mark} {'met' if metric.passed else 'not met'}"
    if metric.fraction is not None:
        text += f"; earns {round(100 * metric.fraction)}% of its points"
        text += f" (weight {metric.weight:g})" if metric.weight != 1 else ""
    else:
        text += "; reported only, no points"
    return text + "."


def _metric_label(label: str, threshold: float | None, higher_is_better: bool) -> str:
    if threshold is None:
        return label
    return f"{label} {'≥' if higher_is_better else '≤'} {threshold:g}"


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value) >= 10 else f"{value:.3f}"


def _evidence(score: SuiteScore, answer: SystemOutputs) -> GenerationEvidence:
    """What the reports show: each metric's score, interval, signature and worst samples, and
    each check's findings with the outputs they mark."""
    texts = answer.hypotheses
    outputs = dict(zip(answer.ids, texts, strict=False)) if isinstance(texts, list) else None
    return GenerationEvidence(
        suite=f"{score.suite.id} v{score.suite.version}",
        outputs_sha256=score.outputs.sha256,
        samples=score.outputs.samples,
        missing=list(score.missing),
        metrics=[_metric_evidence(m) for m in score.metrics],
        checks=check_evidence(score.checks, outputs=outputs),
    )


def _metric_evidence(metric: MetricScore) -> MetricEvidence:
    result = metric.result
    return MetricEvidence(
        id=metric.id,
        metric=result.name,
        score=round_score(result.score),
        ci_low=None if result.ci_low is None else round_score(result.ci_low),
        ci_high=None if result.ci_high is None else round_score(result.ci_high),
        confidence=result.confidence,
        higher_is_better=result.higher_is_better,
        threshold=metric.threshold,
        passed=metric.passed,
        weight=metric.weight,
        fraction=None if metric.fraction is None else round_score(metric.fraction),
        signature=str(result.signature),
        worst=[SampleScore(id=s.id, score=round_score(s.score)) for s in metric.worst],
    )
