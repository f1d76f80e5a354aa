"""Every ``harness`` subcommand, over a table of bad inputs: the exact exit code, one line, no traceback.

Exit codes: 0 success, 1 a verdict that failed (a missed threshold, a check that did not
hold), 2 bad input or setup. The commands are listed from the click group, so a new command
is covered by the generic cases at once, and :func:`test_every_command_has_its_own_bad_inputs`
fails until it gets cases of its own.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from harness import api
from harness.cli import NOTHING_PARTIAL, Interrupted, main
from tests.conftest import REPO
from tests.test_cli import BANK, GOOD_ANSWERS

SUITES = REPO / "metric_suites"
TRANSLATION = SUITES / "translation_en_fr.yaml"
SYSTEM_A = SUITES / "systems" / "translation_system_a.jsonl"
SYSTEM_B = SUITES / "systems" / "translation_system_b.jsonl"
LOCATED = re.compile(r"^\S+:\d+:\d+: \S")  # file:line:col: what is wrong
UNWRITABLE = "/sys/harness-test-cannot-write-here"  # not even root may create this
PERPLEXITY_SUITE = """\
id: ppl
title: Perplexity without its model
version: "1"
data:
  jsonl: data.jsonl
metrics:
  - metric: perplexity
"""


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every runnable command under ``group``, as the words that invoke it."""
    paths: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


COMMANDS = command_paths(main)


@dataclass(frozen=True)
class Case:
    command: tuple[str, ...]
    name: str
    args: list[str]  # {placeholders} are filled from the `inputs` fixture
    code: int
    cwd: str | None = None  # a placeholder naming the folder to run in
    marks: list[pytest.MarkDecorator] = field(default_factory=list)


def grade(name: str, *args: str, code: int = 2) -> Case:
    return Case(("grade",), name, list(args), code)


GRADE = ["{bank}", "-s", "{cohort}", "-o", "{out}"]
CHECK = ["{bank}", "-a", "{answers}"]
SCORE = ["--suite", str(TRANSLATION), "--outputs", str(SYSTEM_A), "--bootstrap", "0"]
REPORT = ["{results}", "-o", "{out}"]
AUDIT = ["--check", "grounded", "--outputs", "{audit_outputs}"]
EXPORT = ["canvas", "--results", "{results}", "--roster", "{roster}", "-o", "{out}/canvas.csv"]
FAKE_ECHO = "python:tests.evaluation.fake_models:echo"
FAKE_WRONG = "python:tests.evaluation.fake_models:wrong"
NO_CACHE = ["--no-cache", "--bootstrap", "0"]
EVAL = ["--suite", str(TRANSLATION), "--model", FAKE_ECHO, *NO_CACHE]
EVAL_OPENAI = ["--suite", str(TRANSLATION), "--model", "openai:m", "--model-option", "base_url=http://127.0.0.1:9/v1"]
AUDIT_SOURCE = "Generative Adversarial Networks (GANs) were introduced in 2014 by Ian Goodfellow."

CASES = [
    # grade
    grade("missing bank", "{missing}", "-s", "{cohort}", "-o", "{out}"),
    grade("bank is not YAML", "{binary}", "-s", "{cohort}", "-o", "{out}"),
    grade("bank folder without banks", "{empty_dir}", "-s", "{cohort}", "-o", "{out}"),
    grade("missing cohort", "{bank}", "-s", "{missing}", "-o", "{out}"),
    grade("cohort is neither a folder nor a zip", "{bank}", "-s", "{text_file}", "-o", "{out}"),
    grade("out is a file", "{bank}", "-s", "{cohort}", "-o", "{text_file}"),
    grade("out cannot be created", "{bank}", "-s", "{cohort}", "-o", UNWRITABLE),
    grade("out under a file", "{bank}", "-s", "{cohort}", "-o", "{text_file}/out"),
    grade("out holds files harness did not write", "{bank}", "-s", "{cohort}", "-o", "{foreign}"),
    grade("unknown format", *GRADE, "--format", "json,nosuch"),
    grade("unknown sandbox", *GRADE, "--sandbox", "nosuch"),
    grade("bad date", *GRADE, "--today", "2026-13-01"),
    grade("no --out", "{bank}", "-s", "{cohort}"),
    grade("no bank", "-s", "{cohort}", "-o", "{out}"),
    # check
    Case(("check",), "missing answers", ["{bank}", "-a", "{missing}"], 2),
    Case(("check",), "answers is a folder", ["{bank}", "-a", "{empty_dir}"], 2),
    Case(("check",), "missing bank", ["{missing}", "-a", "{answers}"], 2),
    Case(("check",), "bank is a JSON file", ["{score_json}", "-a", "{answers}"], 2),
    Case(("check",), "bad date", [*CHECK, "--today", "tomorrow"], 2),
    Case(("check",), "no --answers", ["{bank}"], 2),
    # paper
    Case(("paper",), "missing bank", ["{missing}", "--student", "alice"], 2),
    Case(("paper",), "bank is not YAML", ["{binary}", "--student", "alice"], 2),
    Case(("paper",), "no --student", ["{bank}"], 2),
    # validate
    Case(("validate",), "a good bank", ["{bank}"], 0),
    Case(("validate",), "missing bank", ["{missing}"], 2),
    Case(("validate",), "bank is not YAML", ["{binary}"], 2),
    Case(("validate",), "bank is a JSON file", ["{score_json}"], 2),
    Case(("validate",), "bank is broken YAML", ["{broken_yaml}"], 2),
    Case(("validate",), "folder without banks", ["{empty_dir}"], 2),
    Case(("validate",), "unknown sandbox", ["{bank}", "--solutions", "--sandbox", "nosuch"], 2),
    Case(("validate",), "no bank", [], 2),
    # daemon (tests/test_daemon.py starts real ones)
    Case(("daemon", "start"), "idle is not a number", ["--idle", "soon"], 2),
    Case(("daemon", "stop"), "an argument it does not take", ["everything"], 2),
    Case(("daemon", "status"), "no daemon serves this environment", [], 1),
    # sandbox doctor
    Case(("sandbox", "doctor"), "unknown backend", ["--sandbox", "nosuch"], 2),
    Case(
        ("sandbox", "doctor"),
        "a backend whose isolation fails",
        ["--sandbox", "process"],
        1,
        marks=[pytest.mark.slow],
    ),
    # score
    Case(("score",), "missing suite", ["--suite", "{missing}", "--outputs", str(SYSTEM_A)], 2),
    Case(("score",), "suite is not YAML", ["--suite", "{binary}", "--outputs", str(SYSTEM_A)], 2),
    Case(("score",), "suite is a bank", ["--suite", "{bank}", "--outputs", str(SYSTEM_A)], 2),
    Case(("score",), "missing outputs", ["--suite", str(TRANSLATION), "--outputs", "{missing}"], 2),
    Case(("score",), "outputs are not JSONL", ["--suite", str(TRANSLATION), "--outputs", "{binary}"], 2),
    Case(("score",), "--json is a folder", [*SCORE, "--json", "{empty_dir}"], 2),
    Case(("score",), "--json under a file", [*SCORE, "--json", "{text_file}/score.json"], 2),
    Case(("score",), "--json cannot be written", [*SCORE, "--json", UNWRITABLE + "/score.json"], 2),
    Case(("score",), "--json in a folder still to create", [*SCORE, "--json", "{missing}/deeper/score.json"], 0),
    Case(("score",), "negative seed", [*SCORE, "--seed", "-1"], 2),
    Case(("score",), "missing optional model", ["--suite", "{perplexity_suite}", "--outputs", str(SYSTEM_A)], 2),
    Case(("score",), "threshold missed with --check", [*SCORE[:4], "--outputs", str(SYSTEM_B), "--check"], 1),
    Case(("score",), "no --suite", ["--outputs", str(SYSTEM_A)], 2),
    # eval
    Case(("eval",), "missing suite", ["--suite", "{missing}", "--model", FAKE_ECHO], 2, cwd=str(REPO)),
    Case(("eval",), "suite is a bank", ["--suite", "{bank}", "--model", FAKE_ECHO], 2, cwd=str(REPO)),
    Case(("eval",), "missing model folder", ["--suite", str(TRANSLATION), "--model", "hf:{missing}"], 2),
    Case(("eval",), "model spec without an adapter", ["--suite", str(TRANSLATION), "--model", "nonsense"], 2),
    Case(("eval",), "unknown adapter", ["--suite", str(TRANSLATION), "--model", "gguf:x"], 2),
    Case(("eval",), "unreachable endpoint", [*EVAL_OPENAI, "--model-option", "retries=0"], 2),
    Case(("eval",), "--json is a folder", [*EVAL, "--json", "{empty_dir}"], 2, cwd=str(REPO)),
    Case(("eval",), "--html is a file", [*EVAL, "--html", "{text_file}"], 2, cwd=str(REPO)),
    Case(("eval",), "missing baseline", [*EVAL, "--baseline", "{missing}"], 2, cwd=str(REPO)),
    Case(("eval",), "baseline is a bank", [*EVAL, "--baseline", "{bank}"], 2, cwd=str(REPO)),
    Case(("eval",), "alpha out of range", [*EVAL, "--alpha", "1.5"], 2, cwd=str(REPO)),
    Case(("eval",), "threshold missed", ["--suite", str(TRANSLATION), "--model", FAKE_WRONG, *NO_CACHE], 1, str(REPO)),
    Case(("eval",), "no --model", ["--suite", str(TRANSLATION)], 2),
    # schema, plugins
    Case(("schema",), "an argument it does not take", ["bank.yaml"], 2),
    Case(("plugins",), "an argument it does not take", ["kinds"], 2),
    # report
    Case(("report",), "missing results", ["{missing}", "-o", "{out}"], 2),
    Case(("report",), "results is a folder", ["{empty_dir}", "-o", "{out}"], 2),
    Case(("report",), "garbage JSON", ["{garbage_json}", "-o", "{out}"], 2),
    Case(("report",), "not JSON at all", ["{binary}", "-o", "{out}"], 2),
    Case(("report",), "a harness score JSON", ["{score_json}", "-o", "{out}"], 2),
    Case(("report",), "one student's record", ["{student_json}", "-o", "{out}"], 2),
    Case(("report",), "a future schema version", ["{future_json}", "-o", "{out}"], 2),
    Case(("report",), "a JSON list", ["{list_json}", "-o", "{out}"], 2),
    Case(("report",), "out is a file", ["{results}", "-o", "{text_file}"], 2),
    Case(("report",), "out cannot be created", ["{results}", "-o", UNWRITABLE], 2),
    Case(("report",), "out holds files harness did not write", ["{results}", "-o", "{foreign}"], 2),
    Case(("report",), "unknown format", [*REPORT, "--format", "pdf"], 2),
    Case(("report",), "no --out", ["{results}"], 2),
    # audit
    Case(("audit",), "missing outputs", ["--check", "grounded", "--outputs", "{missing}"], 2),
    Case(("audit",), "outputs are not JSONL", ["--check", "grounded", "--outputs", "{binary}"], 2),
    Case(("audit",), "unknown check", ["--check", "nosuch", "--outputs", "{audit_outputs}"], 2),
    Case(("audit",), "--json is a folder", [*AUDIT, "--json", "{empty_dir}"], 2),
    Case(("audit",), "--json cannot be written", [*AUDIT, "--json", UNWRITABLE + "/audit.json"], 2),
    Case(("audit",), "--html is a file", [*AUDIT, "--html", "{text_file}"], 2),
    Case(("audit",), "--html cannot be written", [*AUDIT, "--html", UNWRITABLE], 2),
    Case(("audit",), "a gate not met", ["--check", "grounded", "--outputs", "{audit_unfaithful}"], 1),
    Case(("audit",), "no --check", ["--outputs", "{audit_outputs}"], 2),
    # demo
    Case(("demo",), "outside the repository", ["--out", "{out}"], 2, cwd="{empty_dir}"),
    # export
    Case(
        ("export",), "missing results", ["canvas", "--results", "{missing}", "--roster", "{roster}", "-o", "{out}"], 2
    ),
    Case(("export",), "results of harness score", ["canvas", *EXPORT[1:2], "{score_json}", *EXPORT[3:]], 2),
    Case(("export",), "missing roster", [*EXPORT[:4], "{missing}", *EXPORT[5:]], 2),
    Case(("export",), "roster with an unknown column", [*EXPORT[:4], "{bad_roster}", *EXPORT[5:]], 2),
    Case(("export",), "unknown LMS", ["blackboard", *EXPORT[1:]], 2),
    Case(("export",), "out is a folder", [*EXPORT[:6], "{empty_dir}"], 2),
    Case(("export",), "a roster mismatch", [*EXPORT[:4], "{other_roster}", *EXPORT[5:]], 1),
    Case(("export",), "roster and results agree", EXPORT, 0),
    # gradescope
    Case(("gradescope",), "no submission folder", ["{bank}", "--root", "{empty_dir}"], 2),
    Case(("gradescope",), "missing bank", ["{missing}", "--root", "{empty_dir}"], 2),
    Case(("gradescope",), "unknown visibility", ["{bank}", "--hidden-visibility", "never"], 2),
    Case(("gradescope",), "bad date", ["{bank}", "--today", "someday"], 2),
    # similarity
    Case(
        ("similarity",), "missing cohort", ["{empty_dir}/no-cohort", "--bank", "{bank}"], 2
    ),  # {missing} is made by a score case
    Case(("similarity",), "cohort without students", ["{empty_dir}", "--bank", "{bank}"], 2),
    Case(("similarity",), "missing bank", ["{cohort}", "--bank", "{missing}"], 2),
    Case(("similarity",), "threshold above 1", ["{cohort}", "--bank", "{bank}", "--threshold", "2"], 2),
    Case(("similarity",), "--json is a folder", ["{cohort}", "--bank", "{bank}", "--json", "{empty_dir}"], 2),
    Case(("similarity",), "no --bank", ["{cohort}"], 2),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Good and bad files for every placeholder of the table (made once; no case changes them)."""
    root = tmp_path_factory.mktemp("inputs")
    bank = root / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    (root / "cohort" / "alice").mkdir(parents=True)
    (root / "cohort" / "alice" / "answers.yaml").write_text(GOOD_ANSWERS, encoding="utf-8")
    graded = root / "graded"
    api.grade([bank], root / "cohort", graded, ["json"])
    (root / "empty").mkdir()
    (root / "foreign").mkdir()
    (root / "foreign" / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    files = {
        "text_file": ("notes.txt", "just some notes\n"),
        "binary": ("blob.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"),
        "broken_yaml": ("broken.yaml", "id: x\nquestions: [unclosed\n"),
        "garbage_json": ("garbage.json", '{"schema_version": 1, "students": [}'),
        "future_json": ("future.json", json.dumps({"schema_version": 99, "students": []})),
        "list_json": ("list.json", "[1, 2, 3]\n"),
        "roster": ("roster.csv", "folder,email\nalice,alice@uni.edu\n"),
        "bad_roster": ("bad_roster.csv", "folder,emial\nalice,alice@uni.edu\n"),
        "other_roster": ("other_roster.csv", "folder,email\nbob,bob@uni.edu\n"),
        "audit_outputs": ("faithful.jsonl", json.dumps({"id": "a", "output": AUDIT_SOURCE, "source": AUDIT_SOURCE})),
        "audit_unfaithful": (
            "unfaithful.jsonl",
            json.dumps({"id": "b", "output": "GANs were introduced in 2016.", "source": AUDIT_SOURCE}),
        ),
    }
    paths = {"bank": bank, "cohort": root / "cohort", "answers": root / "cohort" / "alice" / "answers.yaml"}
    for key, (name, content) in files.items():
        path = root / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        paths[key] = path
    score = root / "score.json"
    assert (
        invoke(["score", "--suite", str(TRANSLATION), "--outputs", str(SYSTEM_A), "--json", str(score)]).exit_code == 0
    )
    (root / "data.jsonl").write_bytes((SUITES / "data" / "translation_en_fr.jsonl").read_bytes())
    (root / "ppl.yaml").write_text(PERPLEXITY_SUITE, encoding="utf-8")
    paths |= {
        "results": graded / "results.json",
        "student_json": graded / "results" / "alice.json",
        "score_json": score,
        "perplexity_suite": root / "ppl.yaml",
        "empty_dir": root / "empty",
        "foreign": root / "foreign",
        "missing": root / "nosuch",
    }
    return {key: str(path) for key, path in paths.items()}


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def assert_one_clean_line(result: Result, code: int) -> None:
    """Exactly ``code``; on failure one ``error:`` line on stderr (or, for a file with several
    problems, one located ``file:line:col:`` line per problem); never a traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output  # a bug caught by the last-resort handler
    if code:
        lines = result.stderr.strip().splitlines()
        assert lines, "no message"
        if len(lines) > 1:
            assert all(LOCATED.match(line) for line in lines), result.stderr
        else:
            assert lines[0].startswith("error: ") or LOCATED.match(lines[0]), lines[0]


def test_every_command_is_in_the_table() -> None:
    assert {"grade", "check", "paper", "validate", "score", "eval", "report", "demo"} <= {c[0] for c in COMMANDS}
    assert ("sandbox", "doctor") in COMMANDS


def test_every_command_has_its_own_bad_inputs() -> None:
    covered = {case.command for case in CASES if case.code}
    missing = [" ".join(c) for c in COMMANDS if c not in covered]
    assert missing == [], f"add bad-input cases for: {', '.join(missing)}"


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{' '.join(c.command)}: {c.name}", marks=c.marks) for c in CASES])
def test_bad_input(case: Case, inputs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values = inputs | {"out": str(tmp_path / "out")}
    if case.cwd:
        monkeypatch.chdir(case.cwd.format(**values))
    before = sorted(Path(inputs["foreign"]).iterdir())

    result = invoke([*case.command, *(arg.format(**values) for arg in case.args)])

    assert_one_clean_line(result, case.code)
    assert sorted(Path(inputs["foreign"]).iterdir()) == before  # a refused folder is left alone


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_one_usage_line(command: tuple[str, ...]) -> None:
    result = invoke([*command, "--no-such-option"])

    assert_one_clean_line(result, 2)
    assert "--no-such-option" in result.stderr
    assert f"{command[-1]} --help" in result.stderr


def test_an_unknown_command_is_one_usage_line() -> None:
    assert_one_clean_line(invoke(["gradee"]), 2)


def test_a_bug_is_one_line_with_a_way_to_see_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[object]:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api, "plugins", broken)
    result = invoke(["plugins"])

    assert result.exit_code == 3  # neither a verdict nor the user's input
    assert result.stderr.strip().splitlines() == [
        "internal error (ZeroDivisionError: a bug); this is a bug in harness, please report it with the "
        "command you ran (HARNESS_TRACEBACK=1 shows the traceback)"
    ]


def test_a_cleanup_that_fails_after_sigterm_is_still_a_stop_not_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    def stopped_then_cleanup_fails() -> list[object]:
        try:
            raise Interrupted(signal.SIGTERM)  # as the handler does when SIGTERM lands
        finally:
            raise RuntimeError("a connection closed while the run was stopping")

    monkeypatch.setattr(api, "plugins", stopped_then_cleanup_fails)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # exit through sys.exit, not os._exit
    result = invoke(["plugins"])

    assert result.exit_code == 128 + signal.SIGTERM
    assert result.stderr.strip().splitlines() == [f"interrupted by SIGTERM: {NOTHING_PARTIAL}"]
