"""``harness eval`` on an image suite: draw N images, write them as PNGs, score them with FID/KID.

A model that draws images (:attr:`ModelAdapter.makes_images`: the ``hf`` adapter on an ImageGPT
folder) answers each request with a PNG ``data:`` URI, so generation goes through the same
runner and SQLite cache as text: image ``i`` is the request ``("", generation parameters,
sample i)``, keyed by adapter, model identity, parameters (seed included) and index. The images
are written as ``00000.png ...`` into ``--outputs`` (a folder the harness owns; a temporary one
when not asked for) and scored by the very code ``harness score --outputs FOLDER`` runs
(:func:`~harness.suites.scoring.read_system`, then the shared gate).

How many: the task's ``images``, else the suite's procedural count, else
:data:`DEFAULT_IMAGES`. An unconditional image model reads no prompt, so an image task may not
set ``prompt``, ``fewshot`` or ``samples``. ``--baseline`` is a folder of images or a previous
image run's ``--json`` (its images are decoded from the samples); FID and KID are set-level
metrics, so the comparison is "not compared" and the gate rests on the thresholds.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from harness.evaluation.baseline import BaselineError, read_baseline
from harness.evaluation.cache import GenerationCache
from harness.evaluation.gate import GatedScore, score_and_gate
from harness.evaluation.result import BaselineRef, EvalResult, SampleRecord
from harness.evaluation.runner import GenerationStats, generate_outputs
from harness.evaluation.task import DEFAULT_PROMPT, TaskError, TaskSpec
from harness.models.base import AdapterError, ModelAdapter, Request
from harness.models.hf_image import decode_png
from harness.progress import Progress
from harness.reports.output import staged_output
from harness.suites.loader import LoadedSuite
from harness.suites.scoring import ScoreSettings, SystemOutputs, read_system

DEFAULT_IMAGES = 64
IMAGE_MARKER = "eval-images"  # the staged-output marker of an --outputs image folder


def image_requests(suite: LoadedSuite, spec: TaskSpec) -> list[Request]:
    """One request per image to draw (see the module docstring).

    Raises:
        TaskError: the task sets a prompt, few-shot examples or several samples.
    """
    if spec.prompt != DEFAULT_PROMPT or spec.fewshot is not None or spec.samples != 1:
        raise TaskError(f"suite {suite.id!r} scores images: its task sets `images` and `generation` only")
    return [Request("", spec.generation, index) for index in range(image_count(suite, spec))]


def image_count(suite: LoadedSuite, spec: TaskSpec) -> int:
    if spec.images is not None:
        return spec.images
    images = suite.suite.data.images
    procedural = images.procedural if images is not None else None
    return procedural.count if procedural is not None else DEFAULT_IMAGES


def check_makes_images(adapter: ModelAdapter, suite: LoadedSuite) -> None:
    """Refuse, before any call, a model that cannot answer this suite (images vs text).

    Raises:
        AdapterError: exit code 2, one line.
    """
    wants_images = suite.dataset is None
    if wants_images and not adapter.makes_images:
        raise AdapterError(
            f"{adapter.name}:{adapter.target}: this model writes text; suite {suite.id!r} scores images "
            "(the hf adapter draws them with a local ImageGPT)"
        )
    if adapter.makes_images and not wants_images:
        raise AdapterError(f"{adapter.name}:{adapter.target}: this model draws images; suite {suite.id!r} scores text")


def draw_images(
    adapter: ModelAdapter, requests: list[Request], cache: GenerationCache, progress: Progress
) -> tuple[list[str], GenerationStats]:
    """The PNG data URIs of ``requests`` (cached or drawn now).

    Raises:
        AdapterError: an output is not a PNG data URI (an adapter that claims images and writes text).
    """
    outputs, stats = generate_outputs(adapter, requests, cache, progress)
    for index, output in enumerate(outputs):
        try:
            decode_png(output)
        except ValueError as exc:
            raise AdapterError(f"{adapter.name}:{adapter.target}: image {index}: {exc}") from None
    return outputs, stats


def image_name(index: int) -> str:
    return f"{index:05d}.png"


def write_images(outputs: list[str], folder: Path) -> None:
    """``outputs`` as ``folder/00000.png ...`` (``folder`` exists and is empty)."""
    for index, output in enumerate(outputs):
        (folder / image_name(index)).write_bytes(decode_png(output))


def score_images(
    suite: LoadedSuite,
    outputs: list[str],
    target: Path | None,
    baseline: Path | None,
    settings: tuple[ScoreSettings, float],
    progress: Progress,
) -> tuple[GatedScore, list[SampleRecord]]:
    """Write the images (into ``target``, swapped in whole, or a temporary folder), score and gate
    them as ``harness score`` does; returns the gated score and one record per image."""
    score, alpha = settings
    with tempfile.TemporaryDirectory(prefix="harness-eval-images-") as scratch:
        if target is not None:
            with staged_output(target, [IMAGE_MARKER]) as staging:
                write_images(outputs, staging)
            folder = target
        else:
            folder = Path(scratch) / "generated"
            folder.mkdir()
            write_images(outputs, folder)
        system = read_system(suite, folder, str(target or "generated"))
        compared = image_baseline(suite, baseline, Path(scratch)) if baseline is not None else None
        progress.start("score", len(suite.metrics))
        gated = score_and_gate(suite, system, compared, score, alpha)
        progress.finish(f"{len(gated.score.metrics)} metric(s) over {len(outputs)} image(s)")
    records = [SampleRecord(id=image_name(i), prompt="", output=o, references=[]) for i, o in enumerate(outputs)]
    return gated, records


def image_baseline(suite: LoadedSuite, path: Path, scratch: Path) -> tuple[SystemOutputs, BaselineRef]:
    """A folder of images, or a previous image run's ``--json`` decoded into ``scratch``.

    Raises:
        BaselineError: neither, or a run whose outputs are not images.
    """
    if not path.is_file():
        return read_baseline(suite, path)
    data = path.read_bytes()
    try:
        run = EvalResult.model_validate_json(data)
    except ValueError:
        message = "an image suite's baseline is a folder of images or a harness eval --json"
        raise BaselineError(f"{path}: {message}") from None
    folder = scratch / "baseline"
    folder.mkdir()
    try:
        write_images([s.output for s in run.samples], folder)
    except ValueError as exc:
        raise BaselineError(f"{path}: not an image run: {exc}") from None
    system = read_system(suite, folder, str(path))
    digest = hashlib.sha256(data).hexdigest()
    return system, BaselineRef(name=str(path), sha256=digest, model=run.model)
