"""Where a task comes from: --task, the suite's `task:`, a task file beside the suite, the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.evaluation.task_file import task_for
from harness.suites import SuiteErrors, load_suite
from tests.conftest import REPO
from tests.evaluation.conftest import WriteSuite


def test_a_task_file_beside_the_suite_is_found(write_suite: WriteSuite) -> None:
    suite = write_suite(task="")
    assert task_for(load_suite(suite))[0].prompt == "{{ input }}"  # the default
    beside = suite.parent / "tasks" / "suite.yaml"
    beside.parent.mkdir()
    beside.write_text("prompt: 'Say: {{ input }}'\nsamples: 2\n", encoding="utf-8")
    spec, origin = task_for(load_suite(suite))
    assert (spec.prompt, spec.samples, origin) == ("Say: {{ input }}", 2, str(beside))


def test_an_explicit_task_file_wins(write_suite: WriteSuite, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("prompt: 'Other {{ input }}'\n", encoding="utf-8")
    assert task_for(load_suite(write_suite()), other)[0].prompt == "Other {{ input }}"


def test_two_tasks_for_one_suite_is_an_error(write_suite: WriteSuite) -> None:
    suite = write_suite()  # has a task: section
    (suite.parent / "tasks").mkdir()
    (suite.parent / "tasks" / "suite.yaml").write_text("samples: 2\n", encoding="utf-8")
    with pytest.raises(SuiteErrors, match=r"both a `task:` section and tasks/suite\.yaml"):
        task_for(load_suite(suite))


def test_a_mistake_in_a_task_file_is_located(write_suite: WriteSuite) -> None:
    suite = write_suite(task="")
    beside = suite.parent / "tasks" / "suite.yaml"
    beside.parent.mkdir()
    beside.write_text("prompt: '{{ input }}'\ngeneration:\n  temprature: 0.5\n", encoding="utf-8")
    with pytest.raises(SuiteErrors) as caught:
        task_for(load_suite(suite))
    assert str(caught.value) == f"{beside}:3:15: unknown field 'generation.temprature'"


@pytest.mark.parametrize("name", ["text_generation", "summarization"])
def test_the_course_suites_have_tasks_and_keep_their_bytes(name: str) -> None:
    suite = load_suite(REPO / "metric_suites" / f"{name}.yaml")
    spec, origin = task_for(suite)
    assert spec.prompt and origin.endswith(f"tasks/{name}.yaml") and suite.suite.task is None
