"""Shared fixtures; ``--update-goldens`` rewrites the golden files instead of comparing."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN_TODAY = dt.date(2026, 11, 23)  # fixed, so "after DATE" visibility never drifts
GOLDEN_SEED_SECRET = "golden-sample-cohort"  # fixed, so statistical tests draw the same seeds


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/* from this run")


def pytest_configure(config: pytest.Config) -> None:
    """One cache for the whole session, never the user's: the tiny models are trained once into
    it (by whichever test needs them first: the model tests or the sample cohort's grading),
    and reference results cached by one test are what the next one finds. Set
    ``HARNESS_CACHE`` yourself to reuse a cache across sessions."""
    if "HARNESS_CACHE" not in os.environ:
        os.environ["HARNESS_CACHE"] = _SESSION_CACHE[0] = tempfile.mkdtemp(prefix="harness-test-cache-")


_SESSION_CACHE = [""]  # the cache this session made, removed at its end


def pytest_unconfigure(config: pytest.Config) -> None:
    if _BACKGROUND.thread is not None:
        _BACKGROUND.thread.join()
        shutil.rmtree(_BACKGROUND.out.parent, ignore_errors=True)
    if _SESSION_CACHE[0]:
        shutil.rmtree(_SESSION_CACHE[0], ignore_errors=True)
        os.environ.pop("HARNESS_CACHE", None)


# Markers that follow from where a test lives or what it uses, so they cannot drift:
# `pytest -m "not slow"` is the inner loop, `-m sandbox` the attacks and the code cohort.
_MARKS_BY_FOLDER = {"security": ("sandbox", "slow"), "browser": ("browser", "slow")}
_SLOW_FIXTURES = {"sample_cohort", "built"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        for name in _MARKS_BY_FOLDER.get(folder, ()):
            item.add_marker(name)
        if _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")
    # Modules with slow tests run last, so that the session's expensive resources (below)
    # are prepared in the background while the quick tests run. Whole modules move, so
    # module-scoped fixtures are still set up once.
    slow_modules = {item.module for item in items if item.get_closest_marker("slow")}  # type: ignore[attr-defined]
    items.sort(key=lambda item: item.module in slow_modules)  # type: ignore[attr-defined]


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    needed = set().union(*(getattr(item, "fixturenames", ()) for item in session.items))
    if needed & _SLOW_FIXTURES:
        _BACKGROUND.start(build_cohort="sample_cohort" in needed)


class _SessionResources:
    """The tiny models (trained, about a minute on one core) and the sample cohort graded by
    `harness grade` (most of another), prepared in a background thread as soon as collection
    shows that a selected test needs them, into the session's cache and temporary folder.
    The fixtures wait for them; the quick tests run meanwhile."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.models_built = threading.Event()
        self.out = Path()
        self.failures: list[str] = []
        self.pids: set[int] = set()  # the background's own child processes (not a grader's)

    def start(self, build_cohort: bool) -> None:
        self.out = Path(tempfile.mkdtemp(prefix="harness-sample-cohort-")) / "out"
        self.thread = threading.Thread(target=self._prepare, args=(build_cohort,), daemon=True)
        self.thread.start()

    def _prepare(self, build_cohort: bool) -> None:
        python = sys.executable
        try:
            self._run([python, "-m", "harness.course_models"], "building the tiny models")
        finally:  # a waiter must never hang, whatever happened
            self.models_built.set()
        if build_cohort:
            grade = ["grade", "question_bank", "-s", "submissions/sample-cohort", "-o", str(self.out)]
            grade += ["--format", "json,html,csv", "--today", GOLDEN_TODAY.isoformat()]
            cli = ["-c", "from harness.cli import main; main()"]  # the `harness` command, in this interpreter
            self._run([python, *cli, *grade], "grading the sample cohort")

    def _run(self, argv: list[str], what: str) -> None:
        # relative paths, as a user would type them: locations in the results are relative too
        env = {**os.environ, "HARNESS_SEED_SECRET": GOLDEN_SEED_SECRET}
        with subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            self.pids.add(process.pid)
            output, _ = process.communicate()
        if process.returncode != 0:
            self.failures.append(f"{what} exited {process.returncode}: {output[-3000:]}")

    def wait(self, models_only: bool = False) -> None:
        """Wait for the background work (started now if collection did not start it)."""
        if self.thread is None:
            self.start(build_cohort=not models_only)
        assert self.thread is not None
        if models_only:
            self.models_built.wait()
        else:
            self.thread.join()
        assert not self.failures, "\n".join(self.failures)


_BACKGROUND = _SessionResources()


def session_background_pids() -> set[int]:
    """The processes this session started in the background to prepare shared resources."""
    return set(_BACKGROUND.pids)


def wait_for_session_resources(models_only: bool = False) -> None:
    """The session's tiny models are built and (unless ``models_only``) its sample cohort
    graded; see :class:`_SessionResources`."""
    _BACKGROUND.wait(models_only)


def course_models(*names: str) -> dict[str, Path]:
    """``{name: folder}`` of these course models, from the session's cache (trained in the
    background: once they are done, ``build`` finds them there)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from harness.course_models import build

    wait_for_session_resources(models_only=True)
    return {name: build(name) for name in names}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (``CI`` set, as `.ci/run` does) a skipped test is a failure: a feature whose tests
    never run there is untested. Locally a skip stays a skip, with its reason."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason}"


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def write_bank(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write YAML text to a bank file in tmp_path and return its path."""

    def write(text: str, name: str = "bank.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@dataclass(frozen=True)
class SampleCohortRun:
    """The sample cohort graded once per test session with every bank and every report format.

    Grading it takes most of a minute (its code runs in the real sandbox), so the golden
    results, the demo command, the code-cohort checks and the browser tests all read this one
    run instead of grading it again. Tests only read ``out``.
    """

    out: Path  # results.json, gradebook.csv, index.html and students/*.html
    text: str  # results.json exactly as written

    @property
    def cohort(self) -> dict[str, Any]:
        return json.loads(self.text)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def sample_cohort() -> SampleCohortRun:
    from harness.results import CohortResult, dump_json

    wait_for_session_resources()
    out = _BACKGROUND.out
    text = (out / "results.json").read_text(encoding="utf-8")
    assert text == dump_json(CohortResult.model_validate_json(text)), "results.json is not the log's own JSON"
    return SampleCohortRun(out, text)


def build_tiny_gpt2(folder: Path, sentences: list[str]) -> Path:
    """A 2-layer GPT-2 in ``folder`` with a word-level tokenizer trained on ``sentences``, so
    every word of them is in its vocabulary (random weights, seed 0; never downloaded)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(special_tokens=["<unk>", "<pad>", "<bos>", "<eos>"])
    tokenizer.train_from_iterator(sentences, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="<unk>", pad_token="<pad>", bos_token="<bos>", eos_token="<eos>"
    )
    fast.save_pretrained(folder)
    config = transformers.GPT2Config(
        n_layer=2,
        n_head=2,
        n_embd=32,
        n_positions=64,
        vocab_size=len(fast),
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    torch.manual_seed(0)
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    return folder
