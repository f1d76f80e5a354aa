"""The contract every registered reporter keeps, built-in or third-party: from a small graded
cohort it writes its files into the folder it is given and nowhere else, returns its main file,
and renders from the result log alone (the same log read back from JSON gives the same bytes)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from harness import api
from harness.plugins import registry
from harness.reports import Reporter
from harness.results import CohortResult

GROUP = "reporters"
NAMES = registry(GROUP).names()

BANK = """\
    id: tiny
    title: A tiny bank
    version: "1"
    defaults: {points: 2, visibility: public}
    questions:
      - id: q-choice
        kind: choice
        select: one
        prompt: Which one models p(x)?
        options: [{id: a, text: generative, correct: true}, {id: b, text: discriminative}]
      - {id: q-number, kind: numeric, prompt: "What is 1/4?", answer: "0.25", tolerance: {abs: 0.01}}
    """
ANSWERS = {
    "s1-right": "q-choice: a\nq-number: 0.25\n",
    "s2-wrong": "q-choice: b\nq-number: 3\n",
    "s3-partial": "q-choice: a\n",
}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> CohortResult:
    """Three students graded on a two-question bank: right, wrong, and an answer missing."""
    root = tmp_path_factory.mktemp("tiny-cohort")
    (root / "tiny.yaml").write_text(textwrap.dedent(BANK), encoding="utf-8")
    for student, answers in ANSWERS.items():
        (root / "cohort" / student).mkdir(parents=True)
        (root / "cohort" / student / "answers.yaml").write_text(answers, encoding="utf-8")
    return api.grade([root / "tiny.yaml"], root / "cohort", root / "out", formats=[]).cohort


@pytest.fixture(params=NAMES)
def reporter(request: pytest.FixtureRequest) -> Reporter:
    plugin: Reporter = registry(GROUP).get(request.param)
    return plugin


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_builtins_are_registered() -> None:
    assert {"csv", "html", "json"} <= set(NAMES)


def test_declares_its_name_and_what_it_writes(reporter: Reporter) -> None:
    assert reporter.name in NAMES and registry(GROUP).get(reporter.name) is reporter
    assert reporter.description


def test_writes_into_its_folder_and_nowhere_else(reporter: Reporter, cohort: CohortResult, tmp_path: Path) -> None:
    (tmp_path / "beside.txt").write_text("left alone", encoding="utf-8")
    before_cwd = sorted(os.listdir())
    main_file = reporter.write(cohort, tmp_path / "out" / "report")
    assert main_file.is_file() and main_file.stat().st_size > 0
    assert main_file.resolve().is_relative_to((tmp_path / "out" / "report").resolve())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beside.txt", "out"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["report"]
    assert sorted(os.listdir()) == before_cwd


def test_renders_from_the_log_alone(reporter: Reporter, cohort: CohortResult, tmp_path: Path) -> None:
    reporter.write(cohort, tmp_path / "live")
    reporter.write(CohortResult.model_validate_json(cohort.model_dump_json()), tmp_path / "read-back")
    assert files_under(tmp_path / "live") == files_under(tmp_path / "read-back")


def test_writes_a_cohort_with_no_students(reporter: Reporter, cohort: CohortResult, tmp_path: Path) -> None:
    empty = cohort.model_copy(update={"students": []})
    assert reporter.write(empty, tmp_path / "empty").is_file()
