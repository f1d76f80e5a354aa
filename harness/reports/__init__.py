"""Reporters: every report is rendered from a :class:`~harness.results.CohortResult` alone."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from harness.results import CohortResult


class Reporter(ABC):
    """An output format, registered in the ``harness.reporters`` entry-point group."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    def write(self, cohort: CohortResult, out_dir: Path) -> Path:
        """Write this report for ``cohort`` under ``out_dir``; return its main file.

        Files are written in place: :func:`harness.api.grade` and :func:`harness.api.render`
        call this on a fresh staging folder and swap it in whole
        (:func:`harness.reports.output.staged_output`), so a reporter needs no care of its
        own against interruptions or files of an earlier run.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        return self._write(cohort, out_dir)

    @abstractmethod
    def _write(self, cohort: CohortResult, out_dir: Path) -> Path: ...
