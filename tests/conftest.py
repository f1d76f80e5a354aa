"""Shared fixtures; ``--update-goldens`` rewrites the golden files instead of comparing."""

from __future__ import annotations

import datetime as dt
import json
import os
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
        import tempfile

        os.environ["HARNESS_CACHE"] = _SESSION_CACHE[0] = tempfile.mkdtemp(prefix="harness-test-cache-")


_SESSION_CACHE = [""]  # the cache this session made, removed at its end


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_CACHE[0]:
        import shutil

        shutil.rmtree(_SESSION_CACHE[0], ignore_errors=True)
        os.environ.pop("HARNESS_CACHE", None)


# Markers that follow from where a test lives or what it uses, so they cannot drift:
# `pytest -m "not slow"` is the inner loop, `-m sandbox` the attacks and the code cohort.
_MARKS_BY_FOLDER = {"security": ("sandbox", "slow"), "browser": ("browser", "slow")}
_SLOW_FIXTURES = {"sample_cohort"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        for name in _MARKS_BY_FOLDER.get(folder, ()):
            item.add_marker(name)
        if _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")


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
def sample_cohort(tmp_path_factory: pytest.TempPathFactory) -> SampleCohortRun:
    from harness import api
    from harness.results import dump_json

    out = tmp_path_factory.mktemp("sample-cohort")
    # relative paths, as a user would type them: locations in the results are relative too
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        run = api.grade(
            ["question_bank"],
            "submissions/sample-cohort",
            out,
            ["json", "html", "csv"],
            GOLDEN_TODAY,
            seed_secret=GOLDEN_SEED_SECRET,
        )
    text = (out / "results.json").read_text(encoding="utf-8")
    assert text == dump_json(run.cohort), "results.json differs from the result it was written from"
    return SampleCohortRun(out, text)
