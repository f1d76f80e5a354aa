"""The result channel is read as the exact sequence of events the stub sends; anything else is
a protocol problem, recorded on the student, never an exception in the grader."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.kinds.code_engine.channel import AFTER_THE_END, NOT_A_RESULT, OUT_OF_TURN, parse_channel
from harness.sandbox.base import RunResult

CALLS: list[dict[str, Any]] = [{"id": "a"}, {"id": "b"}]
SAMPLER: list[dict[str, Any]] = [{"id": "s", "seeds": [11, 22, 33]}]


def result(*lines: object, **fields: Any) -> RunResult:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    base: dict[str, Any] = {"backend": "t", "exit_code": 0, "signal": None, "timed_out": False, "wall_seconds": 0.1}
    return RunResult(**{**base, **fields}, stdout="", stderr="", channel=text.encode())


def ok(test: str, value: object = 1) -> dict[str, object]:
    return {"event": "result", "id": test, "ok": True, "value": value}


READY, DONE = {"event": "ready"}, {"event": "done"}


def test_the_expected_sequence_is_accepted() -> None:
    report = parse_channel(result(READY, ok("a"), ok("b", 2), DONE), CALLS)
    assert report.problem is None and {k: e["value"] for k, e in report.events.items()} == {"a": 1, "b": 2}


def test_an_import_error_ends_the_stream() -> None:
    error = {"type": "SyntaxError", "message": "bad", "traceback": ["line 1: x"]}
    report = parse_channel(result({"event": "import_error", "error": error}), CALLS)
    assert report.import_error == error and report.problem is None and not report.events


@pytest.mark.parametrize(
    ("lines", "problem", "kept"),
    [
        (["passed", READY, ok("a"), ok("b"), DONE], NOT_A_RESULT, []),  # a raw line first
        ([READY, ok("b"), ok("a"), DONE], OUT_OF_TURN, []),  # out of order
        ([READY, ok("a"), ok("a"), ok("b"), DONE], OUT_OF_TURN, ["a"]),  # repeated: the first stood
        ([READY, ok("a"), ok("zzz"), ok("b"), DONE], OUT_OF_TURN, ["a"]),  # for no call
        ([READY, ok("a"), ok("b"), DONE, ok("a", 5)], AFTER_THE_END, ["a", "b"]),  # after the end
        ([READY, ok("a"), ok("b"), ok("b"), DONE], OUT_OF_TURN, ["a", "b"]),
        ([READY, ok("a"), DONE], OUT_OF_TURN, ["a"]),  # `done` before the last result
        ([READY, READY, ok("a"), ok("b"), DONE], OUT_OF_TURN, []),
        ([ok("a"), ok("b"), DONE], OUT_OF_TURN, []),  # no `ready`
        ([READY, "", ok("a"), ok("b"), DONE], NOT_A_RESULT, []),  # a blank line
        ([READY, "[" * 100_000 + "]" * 100_000], NOT_A_RESULT, []),  # RecursionError in json
        ([READY, {"event": "result", "id": ["a"], "ok": True, "value": 1}], OUT_OF_TURN, []),  # unhashable id
        ([READY, '{"event": "result", "id": "a", "ok": true, "value": NaN}'], NOT_A_RESULT, []),
        ([READY, '{"event": "result", "id": "a", "ok": true, "value": ' + "9" * 5000 + "}"], NOT_A_RESULT, []),
        ([READY, {"event": "result", "id": "a", "ok": 1, "value": 1}], NOT_A_RESULT, []),  # ok is not a bool
        ([READY, {"event": "result", "id": "a", "ok": True}], NOT_A_RESULT, []),  # no value
        ([READY, {"event": "result", "id": "a", "ok": False, "error": "boom"}], NOT_A_RESULT, []),
        (
            [READY, {"event": "result", "id": "a", "ok": False, "error": {"type": "E", "traceback": {}}}],
            NOT_A_RESULT,
            [],
        ),
        ([READY, {"event": "result", "id": "a", "ok": False, "error": {"type": ["E"]}}], NOT_A_RESULT, []),
        ([READY, ok("a"), "[1, 2]"], NOT_A_RESULT, ["a"]),  # JSON, but not an event
    ],
)
def test_anything_else_is_a_protocol_problem(lines: list[object], problem: str, kept: list[str]) -> None:
    report = parse_channel(result(*lines), CALLS)
    assert report.problem == problem
    assert list(report.events) == kept


def test_a_worker_error_is_a_problem_that_names_the_worker() -> None:
    report = parse_channel(result(READY, {"event": "worker_error", "message": "OSError: disk"}), CALLS)
    assert report.problem == "the sandbox worker failed (OSError: disk)"


def test_a_stream_that_stops_early_says_why() -> None:
    assert parse_channel(result(READY, ok("a"), signal=11, exit_code=None), CALLS).problem == (
        "crashed (segmentation fault)"
    )
    assert "timed out" in (parse_channel(result(READY, timed_out=True), CALLS).problem or "")
    # every result but no `done`: the stub never finished
    assert parse_channel(result(READY, ok("a"), ok("b")), CALLS).problem == "it exited before all tests ran"


def test_a_write_cut_short_by_the_cap_is_not_read() -> None:
    cut = result(READY, ok("a"), channel_overflow=True)
    cut.channel += b'{"event": "result", "id": "b", "ok": tr'
    report = parse_channel(cut, CALLS)
    assert report.problem == "it sent more output than allowed" and list(report.events) == ["a"]


def samples(seeds: list[int], draws: object) -> dict[str, object]:
    return ok("s", {"__samples__": {"seeds": seeds, "draws": draws}})


def test_draws_must_match_the_seeds_sent() -> None:
    good = parse_channel(result(READY, samples([11, 22, 33], [0, 1, 0]), DONE), SAMPLER)
    assert good.problem is None and list(good.events) == ["s"]
    for bad, phrase in [
        (samples([11, 22, 33], [0, 1]), "expected 3 draws, got 2"),
        (samples([11, 22], [0, 1]), "expected 3 draws, got 2"),
        (samples([0, 1, 2], [0, 1, 0]), "not made with the seeds the grader sent"),
        (samples([11, 22, 33], {"n": 3}), "expected 3 draws, got no"),
        (ok("s", [0, 1, 0]), "expected the draws of a statistical test"),
        (ok("s", {"__samples__": [0, 1, 0]}), "expected the draws of a statistical test"),
    ]:
        report = parse_channel(result(READY, bad, DONE), SAMPLER)
        assert not report.events and phrase in (report.problem or ""), (bad, report.problem)


def test_error_fields_are_bounded() -> None:
    error = {"type": "E" * 1000, "message": "m" * 10_000, "traceback": [f"line {i}" for i in range(50)]}
    report = parse_channel(result(READY, {"event": "result", "id": "a", "ok": False, "error": error}), CALLS)
    kept = report.events["a"]["error"]
    assert len(kept["type"]) == 80 and len(kept["message"]) == 500 and kept["traceback"][-1] == "line 49"
    assert len(kept["traceback"]) == 5
