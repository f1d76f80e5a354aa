"""``harness eval`` as one function: generate, write the outputs, score, check, compare, gate, report.

Setup problems (a bad suite, a model that cannot be loaded or reached, an unwritable output)
raise :class:`~harness.errors.HarnessError` with exit code 2 before anything is written; a run
that completes returns its :class:`EvalResult` and the caller turns ``gate.passed`` into the
exit code (0 or 1).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.errors import HarnessError
from harness.evaluation.baseline import read_baseline
from harness.evaluation.cache import GenerationCache
from harness.evaluation.gate import score_and_gate
from harness.evaluation.image_task import check_makes_images, draw_images, image_requests, score_images
from harness.evaluation.reports import Reports
from harness.evaluation.result import EvalResult, ModelRef, SampleRecord, TaskRef
from harness.evaluation.runner import GenerationStats, generate_outputs
from harness.evaluation.task import RenderedTask, TaskItem, TaskSpec, render_task
from harness.evaluation.task_file import task_for
from harness.models.base import ModelAdapter
from harness.models.spec import ModelSpec, load_adapter
from harness.progress import Progress
from harness.suites.loader import LoadedSuite, load_suite
from harness.suites.scoring import ScoreSettings, SystemOutputs

CACHE_FILE = "eval-cache.sqlite3"


@dataclass(frozen=True)
class EvalSettings:
    suite: Path
    model: ModelSpec
    task: Path | None = None  # default: the suite's `task:`, else tasks/<suite>.yaml beside it
    baseline: Path | None = None
    alpha: float = 0.05
    reports: Reports = field(default_factory=Reports)
    cache: Path | None = None  # default: $HARNESS_CACHE/eval-cache.sqlite3
    use_cache: bool = True
    score: ScoreSettings = field(default_factory=ScoreSettings)


@dataclass(frozen=True)
class EvalRun:
    result: EvalResult
    stats: GenerationStats
    written: dict[str, Path]


def run_eval(settings: EvalSettings, progress: Progress | None = None) -> EvalRun:
    """Evaluate ``settings.model`` on ``settings.suite`` (see the module docstring).

    Raises:
        HarnessError: bad input or setup (exit code 2), before any report is written.
    """
    from harness.evaluation.reports import check_report_targets, write_eval_reports

    progress = progress or Progress.for_terminal()
    if not 0.0 < settings.alpha < 1.0:
        raise HarnessError(f"--alpha must lie between 0 and 1, got {settings.alpha}")
    suite = load_suite(settings.suite)
    check_report_targets(settings.reports, images=suite.dataset is None)
    spec, origin = task_for(suite, settings.task)
    if suite.dataset is None:
        return _run_image_eval(settings, suite, spec, origin, progress)
    rendered = render_task(spec, task_items(suite))
    adapter = load_adapter(settings.model)
    try:
        check_makes_images(adapter, suite)
    except HarnessError:
        adapter.close()
        raise
    cache = GenerationCache(cache_path(settings) if settings.use_cache else None)
    try:
        outputs, stats = generate_outputs(adapter, rendered.requests, cache, progress)
    finally:
        cache.close()
        adapter.close()
    per_item = rendered.outputs_by_item(outputs)
    jsonl = outputs_jsonl(rendered, per_item)
    system = SystemOutputs(
        str(settings.reports.outputs or "generated"),
        hashlib.sha256(jsonl.encode()).hexdigest(),
        rendered.ids,
        [samples[0] for samples in per_item],
        [],
    )
    result = _score_and_gate(settings, suite, rendered, per_item, adapter, system, progress)
    result = result.model_copy(update={"task": result.task.model_copy(update={"source": origin})})
    written = write_eval_reports(result, jsonl, settings.reports)
    return EvalRun(result, stats, written)


def _run_image_eval(
    settings: EvalSettings, suite: LoadedSuite, spec: TaskSpec, origin: str, progress: Progress
) -> EvalRun:
    """An image suite (:mod:`harness.evaluation.image_task`): draw, write, score, gate, report."""
    from harness.evaluation.reports import write_eval_reports

    requests = image_requests(suite, spec)
    adapter = load_adapter(settings.model)
    cache: GenerationCache | None = None
    try:
        check_makes_images(adapter, suite)
        cache = GenerationCache(cache_path(settings) if settings.use_cache else None)
        outputs, stats = draw_images(adapter, requests, cache, progress)
    finally:
        if cache is not None:
            cache.close()
        adapter.close()
    target = settings.reports.outputs
    gated, samples = score_images(suite, outputs, target, settings.baseline, (settings.score, settings.alpha), progress)
    result = EvalResult(
        model=ModelRef(**adapter.describe()),
        task=task_ref(spec).model_copy(update={"source": origin}),
        score=gated.score,
        samples=samples,
        alpha=settings.alpha,
        baseline=gated.baseline,
        comparisons=gated.comparisons,
        gate=gated.gate,
    )
    written = write_eval_reports(result, "", replace(settings.reports, outputs=None))
    if target is not None:
        written["outputs"] = target
    return EvalRun(result, stats, written)


def _score_and_gate(
    settings: EvalSettings,
    suite: LoadedSuite,
    rendered: RenderedTask,
    per_item: list[list[str]],
    adapter: ModelAdapter,
    system: SystemOutputs,
    progress: Progress,
) -> EvalResult:
    baseline = None
    if settings.baseline is not None:
        baseline = read_baseline(suite, settings.baseline)
    progress.start("score", len(suite.metrics))
    gated = score_and_gate(suite, system, baseline, settings.score, settings.alpha)
    compared = f", compared with {settings.baseline}" if settings.baseline is not None else ""
    progress.finish(f"{len(gated.score.metrics)} metric(s), {len(gated.score.checks)} check(s){compared}")
    return EvalResult(
        model=ModelRef(**adapter.describe()),
        task=task_ref(rendered.spec),
        score=gated.score,
        samples=sample_records(suite, rendered, per_item),
        alpha=settings.alpha,
        baseline=gated.baseline,
        comparisons=gated.comparisons,
        gate=gated.gate,
    )


def task_items(suite: LoadedSuite) -> list[TaskItem]:
    """The data set's items as a task sees them (audio paths resolved against the suite's folder)."""
    dataset = suite.dataset
    assert dataset is not None  # run_eval sends image suites to _run_image_eval
    return [
        TaskItem(
            i.id,
            i.input,
            i.all_references,
            i.source,
            i.audio,
            suite.path.parent / i.audio if i.audio is not None else None,
            dataset.where(index),
        )
        for index, i in enumerate(dataset.items)
    ]


def task_ref(spec: TaskSpec) -> TaskRef:
    fewshot = spec.fewshot.model_dump() if spec.fewshot else None
    return TaskRef(
        prompt_sha256=spec.prompt_sha256(), generation=spec.generation, samples=spec.samples, fewshot=fewshot
    )


def sample_records(suite: LoadedSuite, rendered: RenderedTask, per_item: list[list[str]]) -> list[SampleRecord]:
    assert suite.dataset is not None
    return [
        SampleRecord(
            id=item.id,
            prompt=prompt,
            output=samples[0],
            samples=samples if len(samples) > 1 else [],
            references=item.all_references,
            source=item.source,
        )
        for item, prompt, samples in zip(suite.dataset.items, rendered.prompts, per_item, strict=True)
    ]


def outputs_jsonl(rendered: RenderedTask, per_item: list[list[str]]) -> str:
    """The outputs as ``harness score`` reads them (``samples`` too, when there are several)."""
    lines = []
    for item_id, samples in zip(rendered.ids, per_item, strict=True):
        entry: dict[str, object] = {"id": item_id, "output": samples[0]}
        if len(samples) > 1:
            entry["samples"] = samples
        lines.append(json.dumps(entry, ensure_ascii=False) + "\n")
    return "".join(lines)


def cache_path(settings: EvalSettings) -> Path:
    if settings.cache is not None:
        return settings.cache
    root = os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness"
    return Path(root) / CACHE_FILE
