"""Part of a cohort's reading, grading and JSON report in a forked second process: the same results."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness import api, second_process
from harness.reports import html
from harness.reports.output import MARKER, output_manifest
from harness.second_process import across_two, text_across_two, two_cpus
from tests.store.conftest import TODAY, make_cohort
from tests.test_cli import BANK

needs_two = pytest.mark.skipif(not two_cpus(), reason="no second CPU to fork onto")


@pytest.fixture
def fork_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork from two items, whatever threads earlier tests left behind (this work takes no lock)."""
    monkeypatch.setattr(second_process, "FORK_FROM", 2)
    monkeypatch.setattr(second_process.threading, "active_count", lambda: 1)


def _tagged(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def _waiting_for_the_copy(here: int, marker: Path) -> Callable[[int], tuple[int, int]]:
    """Work that the copy marks as it does it, and that this process starts only once the
    copy has done one item (the copy then surely has a part, however busy the machine)."""

    def work(item: int) -> tuple[int, int]:
        if os.getpid() != here:
            marker.touch()
        else:
            for _ in range(3000):
                if marker.exists():
                    break
                time.sleep(0.01)
        return _tagged(item)

    return work


@needs_two
@pytest.mark.usefixtures("fork_small")
def test_this_process_does_the_front_the_copy_the_back_in_order(tmp_path: Path) -> None:
    here = os.getpid()
    done = list(across_two(range(10), _waiting_for_the_copy(here, tmp_path / "marker")))
    assert [value for value, _ in done] == [i * i for i in range(10)]
    pids = [pid for _, pid in done]
    assert pids[-1] != here  # the copy did the last item at least
    assert pids == sorted(pids, key=lambda pid: pid != here)  # one front, one back


@needs_two
@pytest.mark.usefixtures("fork_small")
@pytest.mark.parametrize(("front", "back"), [(10, 0), (5, 7), (0, 10)])
def test_an_item_both_claim_is_given_once_and_one_neither_claims_is_done_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, front: int, back: int
) -> None:
    """Claims that meet at the same instant, forced: both processes do everything (10, 0),
    neither does items 5 and 6 (5, 7), or the copy does everything it can (0, 10)."""
    monkeypatch.setattr(second_process._Ends, "claim_front", lambda self, index: index < front)
    monkeypatch.setattr(second_process._Ends, "claim_back", lambda self, index: index >= back)
    done = list(across_two(range(10), _tagged))
    assert [value for value, _ in done] == [i * i for i in range(10)]
    text = "".join(text_across_two(range(10), lambda i: f"<{i}é>", tmp_path / "part"))
    assert text == "".join(f"<{i}é>" for i in range(10))


@pytest.mark.usefixtures("fork_small")
def test_without_fork_or_below_the_threshold_everything_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    here = os.getpid()
    assert {pid for _, pid in across_two(range(10), _tagged, fork=False)} == {here}
    monkeypatch.setattr(second_process, "FORK_FROM", 11)
    assert {pid for _, pid in across_two(range(10), _tagged)} == {here}


@needs_two
@pytest.mark.usefixtures("fork_small")
def test_nothing_is_forked_when_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HARNESS_SECOND_PROCESS", "0")
    assert {pid for _, pid in across_two(range(10), _tagged)} == {os.getpid()}
    seen: list[int] = []
    assert "".join(text_across_two(range(10), lambda i: str(seen.append(os.getpid())), tmp_path / "p"))
    assert set(seen) == {os.getpid()}


@needs_two
def test_nothing_is_forked_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second_process, "FORK_FROM", 2)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert {pid for _, pid in across_two(range(10), _tagged)} == {os.getpid()}
    finally:
        stop.set()
        other.join()


@needs_two
@pytest.mark.usefixtures("fork_small")
def test_a_copy_that_fails_leaves_its_share_to_this_process() -> None:
    here = os.getpid()

    def only_here(item: int) -> tuple[int, int]:
        if os.getpid() != here:
            raise RuntimeError("the copy breaks")
        return _tagged(item)

    done = list(across_two(range(10), only_here))
    assert done == [(i * i, here) for i in range(10)]


@needs_two
@pytest.mark.usefixtures("fork_small")
def test_stopping_early_ends_the_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[second_process._Copy[object]] = []
    start = second_process._Copy.start

    def recorded(job: Callable[[], object]) -> second_process._Copy[object]:
        copy = start(job)
        started.append(copy)
        return copy

    here = os.getpid()

    def stuck_in_the_copy(item: int) -> tuple[int, int]:
        if os.getpid() != here:
            time.sleep(600)  # the copy is still at its first item (9) when this process stops
        return _tagged(item)

    monkeypatch.setattr(second_process._Copy, "start", recorded)
    first = across_two(range(10), stuck_in_the_copy)
    assert next(first)[0] == 0
    assert started[0].pid > 0
    first.close()
    assert started[0].pid == 0  # killed and reaped (a waitpid here could meet another test's child)


@needs_two
def test_a_cohort_graded_across_two_processes_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading (a broken answers file among the copy's students) and grading, with and without
    the second process."""
    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    cohort = make_cohort(tmp_path / "cohort", 12)
    (cohort / "s011" / "answers.yaml").write_text("q-num: [unclosed\n", encoding="utf-8")
    outputs = {}
    monkeypatch.setattr(second_process.threading, "active_count", lambda: 1)
    for name, threshold in (("alone", 10_000), ("forked", 2)):
        monkeypatch.setattr(second_process, "FORK_FROM", threshold)
        out = tmp_path / name
        api.grade([bank], cohort, out, formats=["json"], today=dt.date.fromisoformat(TODAY))
        outputs[name] = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.json")}
    assert outputs["alone"] == outputs["forked"]
    broken = outputs["forked"][Path("results/s011.json")].decode()
    assert '"code": "answers-unreadable"' in broken and "cohort/s011/answers.yaml:2:1" in broken


@needs_two
@pytest.mark.usefixtures("fork_small")
def test_text_of_the_tail_comes_back_through_a_file_that_is_then_removed(tmp_path: Path) -> None:
    here = os.getpid()
    work = _waiting_for_the_copy(here, tmp_path / "marker")

    def render(item: int) -> str:
        (tmp_path / f"{item}.pid").write_text(str(work(item)[1]), encoding="utf-8")  # a side file
        return f"<{item}é>"

    part = tmp_path / "out.part"
    assert "".join(text_across_two(range(10), render, part)) == "".join(f"<{i}é>" for i in range(10))
    pids = [int((tmp_path / f"{i}.pid").read_text(encoding="utf-8")) for i in range(10)]
    assert pids[-1] != here and pids == sorted(pids, key=lambda pid: pid != here)
    assert not part.exists()


@needs_two
@pytest.mark.usefixtures("fork_small")
def test_text_a_failed_copy_would_have_written_is_rendered_here(tmp_path: Path) -> None:
    here = os.getpid()

    def render(item: int) -> str:
        if os.getpid() != here and item == 7:
            os._exit(3)  # the copy dies half-way through its file
        return f"<{item}>"

    part = tmp_path / "out.part"
    assert "".join(text_across_two(range(10), render, part)) == "".join(f"<{i}>" for i in range(10))
    assert not part.exists()


@needs_two
@pytest.mark.usefixtures("fork_small")
@pytest.mark.parametrize(("front", "back"), [(6, 6), (12, 0)])
def test_html_pages_written_across_two_processes_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, front: int, back: int
) -> None:
    """The copy writes the back half of the student pages (6, 6), or both processes write
    every page (12, 0): the report's files are those of one process writing them all."""
    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    cohort = make_cohort(tmp_path / "cohort", 12)
    today = dt.date.fromisoformat(TODAY)
    monkeypatch.setenv("HARNESS_SECOND_PROCESS", "0")
    api.grade([bank], cohort, tmp_path / "alone", formats=["html"], today=today)
    monkeypatch.delenv("HARNESS_SECOND_PROCESS")
    write_text = html._write_text

    def recorded(path: Path, text: str) -> None:
        write_text(path, text)
        (tmp_path / f"writer-{os.getpid()}").touch()  # each process that writes a page says so

    monkeypatch.setattr(html, "_write_text", recorded)
    monkeypatch.setattr(second_process._Ends, "claim_front", lambda self, index: index < front)
    monkeypatch.setattr(second_process._Ends, "claim_back", lambda self, index: index >= back)
    api.grade([bank], cohort, tmp_path / "forked", formats=["html"], today=today)
    pages = {
        out: {p.relative_to(tmp_path / out): p.read_bytes() for p in (tmp_path / out).rglob("*.html")}
        for out in ("alone", "forked")
    }
    assert len(pages["alone"]) == 13 and pages["alone"] == pages["forked"]
    assert len(list(tmp_path.glob("writer-*"))) == 2  # this process and the copy both wrote pages


@pytest.mark.parametrize(("front", "back"), [(10, 10), (5, 5), (0, 0)], ids=["here", "split", "copy"])
def test_an_output_manifest_shared_with_the_copy_hashes_each_file_under_its_own_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, front: int, back: int
) -> None:
    """The reports' manifest (``output_manifest``) hashes files in both processes: every
    hash must still be that of the file it is listed under, whoever hashed it."""
    monkeypatch.setattr(second_process._Ends, "claim_front", lambda self, index: index < front)
    monkeypatch.setattr(second_process._Ends, "claim_back", lambda self, index: index >= back)
    files = {"results.json": "{}\n", **{f"results/s{i}.json": f"student {i}\n" for i in range(9)}}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / MARKER).write_text("harness\n", encoding="utf-8")

    manifest = output_manifest(tmp_path)

    assert manifest == {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()}
