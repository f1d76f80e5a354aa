"""Where a suite's task comes from: ``--task FILE``, the suite's own ``task:`` section, or a task
file of the same name in a ``tasks/`` folder beside the suite (``metric_suites/text_generation.yaml``
-> ``metric_suites/tasks/text_generation.yaml``).

A task file leaves the suite's bytes, and so the content hash of every bank that grades with
it, unchanged; in its own folder it is never mistaken for a suite. A task file holds the
fields of :class:`TaskSpec`; every mistake is reported at ``file:line:col``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from harness.bank.validation import error_message, error_path
from harness.errors import YamlError
from harness.evaluation.task import TaskSpec
from harness.suites.errors import SuiteError, SuiteErrors
from harness.suites.loader import LoadedSuite
from harness.yamlsource import Positions, load_yaml

TASKS_FOLDER = "tasks"


def task_for(suite: LoadedSuite, explicit: Path | None = None) -> tuple[TaskSpec, str]:
    """The task to run ``suite`` with, and where it came from (for the result).

    Raises:
        SuiteErrors: the task file is invalid, or the suite has both a ``task:`` and a file beside it.
    """
    if explicit is not None:
        return load_task_file(explicit), str(explicit)
    beside = beside_suite(suite.path)
    if suite.suite.task is not None:
        if beside.is_file():
            message = f"both a `task:` section and {TASKS_FOLDER}/{beside.name}: keep one"
            raise SuiteErrors([SuiteError(message, str(suite.path))])
        return suite.suite.task, f"{suite.path} (task:)"
    if beside.is_file():
        return load_task_file(beside), str(beside)
    return TaskSpec(), "default: each item's input"


def beside_suite(path: Path) -> Path:
    """``dir/suite.yaml`` -> ``dir/tasks/suite.yaml``."""
    return path.parent / TASKS_FOLDER / path.name


def load_task_file(path: Path) -> TaskSpec:
    """Read and validate a task file.

    Raises:
        SuiteErrors: every problem, at ``file:line:col``.
    """
    if not path.is_file():
        raise SuiteErrors([SuiteError(f"task file {path} not found")])
    try:
        data, positions = load_yaml(path, str(path))
    except YamlError as exc:
        raise SuiteErrors([SuiteError(exc.message, exc.location)]) from None
    if not isinstance(data, dict):
        raise SuiteErrors([SuiteError("a task file is a mapping: prompt, fewshot, generation, samples", str(path))])
    return _validate(data, positions)


def _validate(data: dict[str, Any], positions: Positions) -> TaskSpec:
    try:
        return TaskSpec.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            where = error_path(data, tuple(error["loc"]))
            errors.append(SuiteError(error_message(error, where, TaskSpec.model_fields), positions.at(where)))
        raise SuiteErrors(errors) from None
