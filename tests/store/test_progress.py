"""The progress of a grade: a live line on a terminal, one line per stage otherwise."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from harness.cli import main
from harness.progress import Progress
from tests.store.conftest import TODAY


def test_on_a_terminal_the_live_line_shows_done_rate_eta_and_failures() -> None:
    lines, live = io.StringIO(), io.StringIO()
    progress = Progress(lines, live)
    progress.start("grading 10 of 10 student(s)", 10)
    progress._drawn = 0.0  # as if the last redraw were long ago
    progress.advance(3, failed=2)
    drawn = live.getvalue()
    assert drawn.startswith("\rgrading 10 of 10 student(s): 3/10  ")
    assert "/s  ETA " in drawn and drawn.rstrip("\x1b[K").endswith("2 failed")
    progress.finish("10 graded")
    assert live.getvalue().endswith("\r\x1b[K")  # the live line is erased
    assert lines.getvalue().startswith("grading 10 of 10 student(s): 10 graded (")


def test_off_a_terminal_each_stage_is_one_line_and_nothing_is_redrawn() -> None:
    lines = io.StringIO()
    progress = Progress(lines, None)
    progress.start("grading", 100)
    for _ in range(100):
        progress.advance()
    progress.finish("100 graded")
    assert lines.getvalue().count("\n") == 1
    assert "\r" not in lines.getvalue()


def test_grade_prints_one_line_per_stage_and_stderr_stays_empty(quiz: tuple[Path, Path], tmp_path: Path) -> None:
    bank, cohort = quiz
    result = CliRunner().invoke(
        main, ["grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "o"), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    stages = [line.split(":")[0] for line in result.stdout.splitlines() if line.endswith(" s)")]
    assert stages == ["loading banks", "grading 12 of 12 student(s)", "writing reports"]
    assert result.stderr == ""
    quiet = CliRunner().invoke(
        main, ["grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "o"), "-q", "--today", TODAY]
    )
    assert not any(line.endswith(" s)") for line in quiet.stdout.splitlines())
