"""An output folder is the old complete output or the new complete output, never a mix.

Reports are written into a staging folder beside ``--out`` and swapped in whole, so an
interruption (Ctrl-C, SIGTERM, a failing writer) leaves the previous output as it was and no
temporary folder behind, and a finished run leaves nothing of an earlier one.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import __version__, api
from harness.cli import RESUME
from harness.errors import HarnessError
from harness.reports import html
from harness.store import STORE_FOLDER
from tests.test_cli import BANK, GOOD_ANSWERS

TODAY = "2026-01-01"
OLD_COHORT = {"alice": GOOD_ANSWERS, "bob": "q-num: 0.5\n", "carol": "q-tf: true\n"}
NEW_COHORT = {"alice": "q-num: 0.3\n", "dave": GOOD_ANSWERS, "erin": "q-tf: false\n", "frank": "q-num: 1\n"}
SLOW_WRITER = """\
import os, sys, time
from pathlib import Path

import harness.reports.html as html
from harness.cli import main

started = Path(os.environ["WRITING_STARTED"])
delay = float(os.environ["WRITE_DELAY"])
write_text = html._write_text


def slow_write(path, text):
    started.touch()
    time.sleep(delay)
    write_text(path, text)


html._write_text = slow_write
main(sys.argv[1:], prog_name="harness")
"""
PAGE_DELAY = 0.06  # seconds per HTML page in the subprocess: 5 pages, about 0.3 s of writing


def make_cohort(root: Path, students: dict[str, str]) -> Path:
    for student, answers in students.items():
        (root / student).mkdir(parents=True)
        (root / student / "answers.yaml").write_text(answers, encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """The reports in ``folder``; not the result store, which keeps what an interrupted run graded."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and STORE_FOLDER not in p.parts)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """(bank, old cohort, new cohort, out) with ``out`` holding the old cohort's reports."""
    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    old = make_cohort(tmp_path / "old", OLD_COHORT)
    new = make_cohort(tmp_path / "new", NEW_COHORT)
    out = tmp_path / "run" / "out"
    api.grade([bank], old, out, today=_date())
    return bank, old, new, out


def _date() -> dt.date:
    return dt.date.fromisoformat(TODAY)


def leftovers(out: Path) -> list[str]:
    """Entries beside ``out`` other than ``out`` itself: staging or set-aside folders."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_a_writer_interrupted_halfway_leaves_the_old_output(
    setup: tuple[Path, Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, _, new, out = setup
    before = snapshot(out)
    written: list[Path] = []
    write_text = html._write_text

    def interrupted_after_two_pages(path: Path, text: str) -> None:
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(path)
        write_text(path, text)

    monkeypatch.setattr(html, "_write_text", interrupted_after_two_pages)
    with pytest.raises(KeyboardInterrupt):
        api.grade([bank], new, out, today=_date())

    assert len(written) == 2  # the interruption did come halfway through the pages
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_new_run_leaves_nothing_of_the_old_one(setup: tuple[Path, Path, Path, Path]) -> None:
    bank, _, new, out = setup
    assert (out / "students" / "carol.html").exists()

    api.grade([bank], new, out, ["json", "html"], today=_date())

    assert sorted(p.stem for p in (out / "students").iterdir()) == sorted(NEW_COHORT)
    assert sorted(p.stem for p in (out / "results").iterdir()) == sorted(NEW_COHORT)
    assert not (out / "gradebook.csv").exists()  # the old run's CSV would not match the new results
    assert leftovers(out) == []


def test_re_rendering_beside_the_results_keeps_the_other_reports(setup: tuple[Path, Path, Path, Path]) -> None:
    _, _, _, out = setup
    results = (out / "results.json").read_bytes()
    (out / "students" / "bob.html").unlink()  # damaged by hand: the re-render repairs it

    api.render(out / "results.json", out, ["html"])

    assert (out / "results.json").read_bytes() == results
    assert sorted(p.stem for p in (out / "students").iterdir()) == sorted(OLD_COHORT)
    assert (out / "gradebook.csv").exists() and (out / "results" / "carol.json").exists()
    assert leftovers(out) == []


def test_a_folder_harness_did_not_write_is_refused_before_grading(tmp_path: Path) -> None:
    from harness.reports.output import staged_output

    out = tmp_path / "Documents"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work\n", encoding="utf-8")

    with (
        pytest.raises(HarnessError, match=r"holds files harness did not write \(thesis\.tex\)"),
        staged_output(out, ["json"]),
    ):
        raise AssertionError("the block must not run")

    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]
    assert leftovers(out) == []


def test_the_output_records_that_harness_wrote_it(setup: tuple[Path, Path, Path, Path]) -> None:
    from harness.reports.output import MARKER

    _, _, _, out = setup
    assert (out / MARKER).read_text(encoding="utf-8") == (
        '{"harness": "' + __version__ + '", "reports": ["csv", "html", "json"]}\n'
    )
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())  # not mkdtemp's private 0700


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- a real `harness grade`, killed during its write phase ----------------------------------------

POINTS = random.Random(20261203)  # fixed seed: the "random" points are the same on every run
KILLS = [
    pytest.param(sig, round(POINTS.uniform(0, 6 * PAGE_DELAY), 3), id=f"{sig.name}-{i}")
    for sig in (signal.SIGINT, signal.SIGTERM)
    for i in range(3)
]


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "after"), KILLS)
def test_killing_grade_while_it_writes_leaves_old_or_new_never_a_mix(
    setup: tuple[Path, Path, Path, Path], tmp_path: Path, sig: signal.Signals, after: float
) -> None:
    bank, _, new, out = setup
    old_output = snapshot(out)
    args = [str(bank), "-s", str(new), "--today", TODAY]
    expected = tmp_path / "expected" / "out"
    finished = _slow_grade([*args, "-o", str(expected)], tmp_path / "flag-expected")
    finished.communicate(timeout=60)
    assert finished.returncode == 0
    new_output = snapshot(expected)
    assert new_output != old_output

    flag = tmp_path / "flag"
    process = _slow_grade([*args, "-o", str(out)], flag)
    deadline = time.monotonic() + 30
    while not flag.exists():  # the write phase has begun
        assert process.poll() is None and time.monotonic() < deadline, "grade never reached its write phase"
        time.sleep(0.005)
    time.sleep(after)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)

    assert "Traceback" not in stdout + stderr
    left = snapshot(out)
    if left != new_output:  # the signal came before the swap: the old output, and one line
        assert left == old_output, "the output is neither the old one nor the new one"
        assert process.returncode == 128 + sig, stderr[-2000:]
        assert stderr.strip().splitlines() == [f"interrupted by {sig.name}: {RESUME}"]
    # else the swap was done: the new output, complete, whether the signal then stopped the
    # process on its way out (its exit status is the signal's) or came after it ended (0)
    assert leftovers(out) == []


def _slow_grade(args: list[str], flag: Path) -> subprocess.Popen[str]:
    env = os.environ | {"WRITING_STARTED": str(flag), "WRITE_DELAY": str(PAGE_DELAY)}
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, "grade", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_manifest_reads_again_only_files_whose_stat_changed(tmp_path: Path) -> None:
    """A file with the size, modification time and inode recorded with its hash keeps that
    hash unread (the recorded one is deliberately false here, to show it was not read); one
    rewritten in place, even to as many bytes, is hashed again."""
    from harness.reports.output import manifest_record, output_manifest

    (tmp_path / "a.json").write_text("first\n", encoding="utf-8")
    (tmp_path / "b.json").write_text("other\n", encoding="utf-8")
    record = manifest_record(tmp_path)
    known = {name: ["f" * 64 if name == "a.json" else entry[0], *entry[1:]] for name, entry in record.items()}
    assert output_manifest(tmp_path, known)["a.json"] == "f" * 64
    time.sleep(0.01)  # a later modification time, whatever the file system's granularity
    (tmp_path / "a.json").write_text("edit!\n", encoding="utf-8")
    assert (
        output_manifest(tmp_path, known)
        == output_manifest(tmp_path)
        != {name: entry[0] for name, entry in record.items()}
    )


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run_a_live_ones_is_kept(tmp_path: Path) -> None:
    # A run killed by SIGKILL cannot remove its staging folder; the kernel does drop its lock.
    from harness.reports import output

    out = tmp_path / "out"
    killed = tmp_path / ".out.new-killed"
    (killed / "students").mkdir(parents=True)
    live = tmp_path / ".out.new-live"
    live.mkdir()
    held = output._hold(live)  # a run still writing there
    other = tmp_path / ".other.new-x"  # another output's
    other.mkdir()
    try:
        with output.staged_output(out, ["json"]) as staging:
            (staging / "results.json").write_text("{}", encoding="utf-8")
            assert not killed.exists()
            assert live.is_dir() and other.is_dir()
    finally:
        os.close(held)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.new-x", ".out.new-live", "out"]


def test_a_staging_folder_taken_before_its_lock_is_replaced_by_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between mkdtemp and the lock, a run cleaning up may take the new folder for abandoned.
    from harness.reports import output

    real_hold, taken = output._hold, []

    def hold(folder: Path) -> int:
        if not taken:
            taken.append(folder)
            raise BlockingIOError(11, "taken")
        return real_hold(folder)

    monkeypatch.setattr(output, "_hold", hold)
    with output.staged_output(tmp_path / "out", ["json"]) as staging:
        assert staging != taken[0]


def test_a_run_killed_between_the_swaps_renames_leaves_the_old_output_which_the_next_run_puts_back(
    tmp_path: Path,
) -> None:
    # SIGKILL between out -> aside and staging -> out: no out, the old output (and the store
    # the next run must resume from) aside, the new one still staged.
    from harness.reports import output

    out = tmp_path / "out"
    with output.staged_output(out, ["json"]) as staging:
        (staging / STORE_FOLDER).mkdir()
        (staging / STORE_FOLDER / "grades").write_text("kept", encoding="utf-8")
    out.rename(tmp_path / ".out.old-killed")
    (tmp_path / ".out.new-killed").mkdir()

    with output.staged_output(out, ["json"]) as staging:
        assert (out / STORE_FOLDER / "grades").read_text(encoding="utf-8") == "kept"  # before the run uses it
        (staging / "results.json").write_text("{}", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / STORE_FOLDER / "grades").read_text(encoding="utf-8") == "kept"


def test_what_a_killed_swap_left_beside_the_new_output_is_removed_unless_a_live_run_holds_it(tmp_path: Path) -> None:
    from harness.reports import output

    out = tmp_path / "out"
    with output.staged_output(out, ["json"]):
        pass
    (tmp_path / ".out.old-killed" / "students").mkdir(parents=True)  # killed while removing it
    live = tmp_path / ".out.old-live"
    live.mkdir()
    held = output._hold(live)  # a run in the middle of its swap
    try:
        output.restore_interrupted_swap(out)
    finally:
        os.close(held)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.old-live", "out"]
