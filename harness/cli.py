"""The ``harness`` command: a thin layer over :mod:`harness.api`.

Exit codes: 0 success, 1 a verdict that failed (a missed threshold, a check that did not
hold), 2 bad input or setup; 130 and 143 after SIGINT and SIGTERM. Every error is one line
on stderr (``file:line:col: what is wrong`` where it applies), never a traceback: a
:class:`~harness.errors.HarnessError` prints its message and exits with its code, a usage
mistake prints click's message on one line, and a bug prints what failed and how to see
the traceback (``HARNESS_TRACEBACK=1``).
Heavy libraries are never imported here; each command imports what it needs when it runs.
"""

from __future__ import annotations

import atexit
import datetime as dt
import errno
import gc
import json
import os
import re
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from harness import __version__
from harness.errors import CheckFailed, HarnessError

if TYPE_CHECKING:
    from harness.exports.gradescope import HiddenVisibility

F = TypeVar("F", bound=Callable[..., Any])
DEMO_BANKS = Path("question_bank")
DEMO_COHORT = Path("submissions/sample-cohort")
NOTHING_PARTIAL = "no partial output was left"  # outputs are written whole or not at all
RESUME = f"{NOTHING_PARTIAL} (the grades so far are kept in --out); run the same command to resume"
BUG_EXIT = 3  # not a verdict and not the user's input: a bug in harness (reported, not a traceback)
# What a terminal would act on rather than show: C0 and C1 controls (ESC starts sequences that
# retitle the window, clear the screen or write the clipboard) and the bidi controls that
# reorder what follows them on the line. Student ids are folder names that students choose.
_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: unwind (temporary folders are removed on the way) and exit.
    A KeyboardInterrupt, so that code which cleans up after Ctrl-C does so after SIGTERM too."""

    def __init__(self, signum: int, outcome: str = NOTHING_PARTIAL) -> None:
        self.signum = signum
        self.outcome = outcome  # what the interruption left, and what to do next
        super().__init__(signal.Signals(signum).name)


def user_errors(func: F) -> F:
    """Run a command so that whatever happens, the user sees one line and a meaningful code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _signals_raise():
                return func(*args, **kwargs)
        except HarnessError as exc:
            _fail(f"error: {exc}" if "\n" not in str(exc) else str(exc), exc.exit_code)
        except Interrupted as exc:
            _stop(f"interrupted by {exc}: {exc.outcome}", 128 + exc.signum)
        except KeyboardInterrupt:  # outside the main thread, where SIGINT stays Python's
            _stop(f"interrupted by SIGINT: {NOTHING_PARTIAL}", 128 + signal.SIGINT)
        except OSError as exc:  # a file system refusal (permissions, a full disk) is setup, not a bug
            if exc.errno == errno.EPIPE:  # output piped into `head`: click exits quietly
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"error: {where}{exc.strerror or exc}", 2)
        except Exception as exc:
            stopped = _interruption_behind(exc)
            if stopped is not None:  # cleaning up after SIGINT/SIGTERM failed: still a stop, not a bug
                _stop(f"interrupted by {stopped}: {stopped.outcome}", 128 + stopped.signum)
            if os.environ.get("HARNESS_TRACEBACK"):
                raise
            _fail(
                f"internal error ({type(exc).__name__}: {str(exc)[:300]}); this is a bug in harness, "
                "please report it with the command you ran (HARNESS_TRACEBACK=1 shows the traceback)",
                BUG_EXIT,
            )

    return wrapper  # type: ignore[return-value]


def _interruption_behind(exc: BaseException) -> Interrupted | None:
    """The signal whose unwinding ``exc`` was raised during (a ``finally`` block or an
    ``except`` clause that failed while the run was stopping), if any."""
    seen: set[int] = set()
    cause = exc.__context__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, Interrupted):
            return cause
        seen.add(id(cause))
        cause = cause.__context__
    return None


def terminal_safe(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every character that a terminal would act on written out as ``\\uXXXX``
    (``keep_newlines``: except line feeds, for messages of several lines)."""

    def shown(match: re.Match[str]) -> str:
        char = match.group()
        return char if keep_newlines and char == "\n" else f"\\u{ord(char):04x}"

    return _TERMINAL_CONTROLS.sub(shown, text)


def _fail(message: str, code: int) -> None:
    click.echo(terminal_safe(message, keep_newlines=True), err=True)
    sys.exit(code)


def _stop(message: str, code: int) -> None:
    """Exit after an interruption. The ``finally`` blocks on the way here removed the temporary
    folders; grading threads still running a student's code are not waited for (exiting
    normally would join them, and the sandboxes die with this process)."""
    click.echo(message, err=True)
    if threading.active_count() == 1:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@contextmanager
def _collector_paused() -> Iterator[Callable[[], None]]:
    """Import without the cyclic garbage collector; the body calls what this yields once its
    imports are done (leaving the block does it too).

    A one-shot command's imports (harness, pydantic's validators, numpy) make some 45,000
    objects the collector tracks, nearly all of which live until exit: while they are made it
    would run about 120 times (some 8% of a lone grade's CPU) and free almost nothing. Once
    the imports are done they are frozen, so that later collections skip them, and the
    collector runs as usual for the rest of the command; the thousand-odd objects the imports
    dropped in cycles stay with the frozen ones (some 100 kB). Only in a process that has not
    imported the API yet: a second command in the same process (a test's) has nothing to import.
    """
    if "harness.api" in sys.modules or not gc.isenabled():
        yield lambda: None
        return
    paused = True

    def resume() -> None:
        nonlocal paused
        if paused:
            paused = False
            gc.freeze()
            gc.enable()

    gc.disable()
    try:
        yield resume
    finally:
        resume()


@contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM (and SIGINT) into an exception, so ``finally`` blocks clean up on the way
    out; by default SIGTERM ends the process at once and leaves temporary folders behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Group(click.Group):
    """A click group whose usage errors are one line, like every other error of the command."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # At exit the interpreter collects every object it tracks, several times over (about
        # 0.1 s of CPU, half a second on a busy machine, after a grade has imported pydantic's
        # models): freezing them first skips that. Files, folders and sandboxes are closed by
        # then (context managers, atexit); what only a collection would free dies with us.
        atexit.unregister(gc.freeze)
        atexit.register(gc.freeze)
        return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from None


class _OneLineUsageError(click.UsageError):
    def show(self, file: Any = None) -> None:
        command = self.ctx.command_path if self.ctx else "harness"
        click.echo(f"error: {' '.join(self.format_message().split())} (see `{command} --help`)", err=True)


def _one_line(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, (_OneLineUsageError, click.exceptions.NoArgsIsHelpError)):
        return exc
    return _OneLineUsageError(exc.format_message(), exc.ctx)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


today_option = click.option(
    "--today", callback=_date, metavar="YYYY-MM-DD", help="Grade as if on this date (visibility 'after')."
)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="harness")
def main() -> None:
    """genai-harness: grade quizzes, code and generated outputs for a Generative-AI course.

    Exit codes: 0 success, 1 a verdict that failed (a missed threshold, a check that did not
    hold), 2 bad input or setup, 3 a bug in harness (HARNESS_TRACEBACK=1 shows its
    traceback), 130/143 interrupted (SIGINT/SIGTERM).
    """


@main.command()
@click.argument("banks", nargs=-1, required=True, type=click.Path())
@click.option("--submissions", "-s", required=True, type=click.Path(), help="Cohort folder or zip export.")
@click.option(
    "--out", "-o", required=True, type=click.Path(), help="Folder for results and reports (replaced as a whole)."
)
@click.option("--format", "formats", default="json,html,csv", show_default=True, help="Comma-separated reporters.")
@click.option("--sandbox", default="bwrap", show_default=True, help="Backend for code questions.")
@click.option("--unsafe-sandbox", is_flag=True, help="Allow a backend that does not isolate (process).")
@click.option(
    "--similarity", is_flag=True, help="Also list pairs of alike submissions in the cohort report (docs/similarity.md)."
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    help="Where students are graded: local (this process) or dask (a cluster; docs/cluster.md).",
)
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler (tcp://host:8786); default: a local cluster.")
@click.option("--only", default="", metavar="STUDENT[,..]", help="Grade these students again, even if stored.")
@click.option("--question", default="", metavar="ID[,..]", help="Grade these questions again, even if stored.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines (only the summary).")
@today_option
@user_errors
def grade(
    banks: tuple[str, ...],
    submissions: str,
    out: str,
    formats: str,
    sandbox: str,
    unsafe_sandbox: bool,
    similarity: bool,
    executor: str,
    scheduler: str | None,
    only: str,
    question: str,
    quiet: bool,
    today: dt.date | None,
) -> None:
    """Grade a cohort against BANKS (files or folders) and write reports to --out.

    Grades are saved in --out as they are decided: run the same command again after an
    interruption and it resumes; after a resubmission or a bank fix it grades only what changed.
    """
    from harness.plugins import spare_pydantic_its_scan
    from harness.sandbox.head_start import head_start

    spare_pydantic_its_scan()  # before the first model: the head start's sandbox limits
    names = [f.strip() for f in formats.split(",") if f.strip()]
    local = executor == "local" and scheduler is None  # a Dask run's sandboxes live on its workers
    try:
        # the sandbox starts first: its start overlaps the imports and the banks' loading
        with (
            _collector_paused() as imports_done,
            head_start(banks, sandbox, unsafe_sandbox) if local else nullcontext(),
        ):
            from harness import api
            from harness.progress import Progress

            imports_done()
            run = api.grade(
                banks,
                submissions,
                out,
                names,
                today,
                sandbox=sandbox,
                unsafe_sandbox=unsafe_sandbox,
                only=_ids(only),
                questions=_ids(question),
                progress=Progress.for_terminal(quiet),
                similarity=similarity,
                executor=executor,
                scheduler=scheduler,
            )
    except Interrupted as exc:
        raise Interrupted(exc.signum, RESUME) from None
    except KeyboardInterrupt:  # SIGINT outside the main thread
        raise Interrupted(signal.SIGINT, RESUME) from None
    summary = _print_cohort_summary(run)
    if summary.problems:  # a student may be missing, or two ids may be one student: a person must look
        count = len(summary.problems)
        raise CheckFailed(f"{count} cohort problem(s) above; the reports were written and list them")


def _ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@main.command()
@click.argument("banks", nargs=-1, required=True, type=click.Path())
@click.option("--answers", "-a", required=True, type=click.Path(), help="Your answers.yaml.")
@click.option("--student", help="Your student id (default: the answers file's folder name).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@today_option
@user_errors
def check(banks: tuple[str, ...], answers: str, student: str | None, as_json: bool, today: dt.date | None) -> None:
    """Self-check your answers against the public questions of BANKS."""
    from harness.plugins import spare_pydantic_its_scan
    from harness.sandbox.head_start import head_start

    spare_pydantic_its_scan()
    # your own code: the default sandbox, as api.check runs it
    with _collector_paused() as imports_done, head_start(banks, None):
        from harness import api
        from harness.results import dump_json

        imports_done()
        result = api.check(banks, answers, student, today=today)
    if as_json:
        click.echo(dump_json(result), nl=False)
        return
    how = "given with --student" if student else "the answers file's folder name; use --student ID if it is not yours"
    click.echo(f"student: {result.student_id} ({how})")
    for q in result.questions:
        hidden = q.hidden_points
        more = f"  (+{hidden:g} in hidden tests, not checked)" if hidden else ""
        click.echo(f"{q.status.value:>9}  {q.score:g}/{q.max_score:g}  {q.question_id}{more}")
        for line in q.feedback:
            click.echo(
                textwrap.fill(" ".join(line.split()), width=100, initial_indent=" " * 11, subsequent_indent=" " * 13)
            )
    for problem in result.problems:
        click.echo(f"  problem: {problem.location + ': ' if problem.location else ''}{problem.message}")
    click.echo(_check_total(result))


def _check_total(result: Any) -> str:
    total = f"total: {result.score:g}/{result.max_score:g} ({result.percent:.0f}%) on public questions"
    hidden = sum(q.hidden_points or 0 for q in result.questions)
    return f"{total} and public tests; {hidden:g} more point(s) in hidden tests are graded later" if hidden else total


@main.command()
@click.argument("banks", nargs=-1, required=True, type=click.Path())
@click.option("--student", required=True, help="Whose variant to print.")
@click.option("--all", "everything", is_flag=True, help="Also hidden and not-yet-released questions (instructor).")
@today_option
@user_errors
def paper(banks: tuple[str, ...], student: str, everything: bool, today: dt.date | None) -> None:
    """Print a student's quiz (their numbers and option order) as Markdown."""
    from harness import api

    click.echo(api.paper(banks, student, today, everything=everything), nl=False)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--solutions", is_flag=True, help="Also prove reference solutions pass and wrong ones fail.")
@click.option("--sandbox", default=None, help="Backend for --solutions (default: bwrap if it runs here).")
@click.option(
    "--draws", type=click.IntRange(min=1), help="Draws of the tests that depend on a seed, for --solutions (default 5)."
)
@user_errors
def validate(paths: tuple[str, ...], solutions: bool, sandbox: str | None, draws: int | None) -> None:
    """Validate question banks; exit non-zero on any error."""
    from harness import api

    banks = api.load(paths)
    for bank in banks:
        click.echo(f"ok  {bank.path}: bank {bank.id!r} v{bank.version}, {len(bank.questions)} questions")
        for warning in bank.warnings:
            click.echo(f"warning: {warning}")
    examples = api.check_examples(banks)
    wrong = [e for e in examples if not e.ok]
    for example in wrong:
        click.echo(f"BAD {example.message}")
    if examples:
        click.echo(f"{'BAD' if wrong else 'ok '} examples: {len(examples) - len(wrong)} of {len(examples)} as written")
    failures = 0
    if solutions:
        for check in api.validate_solutions(paths, sandbox, draws):
            failures += not check.ok
            mark = "BAD" if not check.ok else "WARN" if check.warning else "ok "
            click.echo(f"{mark} {check.question_id}: {check.solution}: {check.detail}")
    failed = [f"{len(wrong)} example answer(s) scored otherwise than written"] if wrong else []
    failed += [f"{failures} solution check(s) failed"] if failures else []
    if failed:
        raise CheckFailed("; ".join(failed))


@main.group()
def daemon() -> None:
    """A warm harness for repeated commands: self-checks and lone grades start in a fraction
    of the time (docs/architecture.md, "A warm daemon")."""


@daemon.command("start")
@click.option("--idle", default=1800.0, show_default=True, help="Stop after this many seconds without a command.")
@user_errors
def daemon_start(idle: float) -> None:
    """Start a daemon for this environment in the background."""
    from harness import daemon as warm

    running = warm.status()
    if running is not None:
        click.echo(f"a daemon already serves this environment (pid {running['pid']})")
        return
    try:
        path = warm.start(idle)
    except warm.DaemonError as exc:
        raise HarnessError(str(exc)) from None
    click.echo(f"daemon listening on {path}; `harness daemon stop` stops it (HARNESS_DAEMON=off bypasses it)")


@daemon.command("stop")
@click.option("--all", "all_daemons", is_flag=True, help="Every daemon of this user, whatever its environment.")
@user_errors
def daemon_stop(all_daemons: bool) -> None:
    """Stop this environment's daemon (commands under way finish)."""
    from harness import daemon as warm

    pids = warm.stop(all_daemons)
    click.echo(f"stopped {len(pids)} daemon(s)" if pids else "no daemon was running")


@daemon.command("status")
@user_errors
def daemon_status() -> None:
    """Say whether a daemon serves this environment (exit 1 if none)."""
    from harness import daemon as warm

    running = warm.status()
    if running is None:
        raise CheckFailed(
            "no daemon serves this environment (none runs, or its environment variables, files or limits differ)"
        )
    click.echo(f"daemon pid {running['pid']}: {running['served']} command(s) served")


@main.group()
def sandbox() -> None:
    """Sandbox backends for code questions."""


@sandbox.command()
@click.option("--sandbox", "name", default="bwrap", show_default=True, help="The backend to attack.")
@user_errors
def doctor(name: str) -> None:
    """Run real attacks against a backend and report what holds on this machine."""
    from harness.sandbox.doctor import run_checks
    from harness.sandbox.selection import sandbox_named

    backend = sandbox_named(name)
    reason = backend.unavailable_reason()
    if reason:
        raise HarnessError(f"the {name!r} sandbox cannot run here: {reason}")
    checks = run_checks(backend)
    for check in checks:
        click.echo(f"{'held  ' if check.held else 'FAILED'}  {check.name:<40} {check.detail}")
    broken = [c for c in checks if not c.held]
    if broken:
        raise CheckFailed(
            f"{len(broken)} of {len(checks)} checks failed: do not grade other people's code with {name!r}"
        )
    click.echo(f"all {len(checks)} checks held: {name!r} is safe to grade with on this machine")


@main.command()
@click.option("--suite", "suite", required=True, type=click.Path(), help="A metric suite (metric_suites/*.yaml).")
@click.option("--outputs", required=True, type=click.Path(), help="The system's outputs: JSONL, or a folder of images.")
@click.option(
    "--baseline",
    type=click.Path(),
    help="Another system's outputs (or a harness eval --json): paired bootstrap, Holm-corrected.",
)
@click.option("--json", "json_out", type=click.Path(), help="Also write the result as JSON to this file.")
@click.option("--junit", type=click.Path(), help="Write JUnit XML: one test case per threshold, check, comparison.")
@click.option("--markdown", type=click.Path(), help="Write a Markdown summary (a PR comment, a CI step summary).")
@click.option("--html", "html_out", type=click.Path(), help="Write the HTML report (index.html) into this folder.")
@click.option("--seed", type=click.IntRange(min=0), help="Bootstrap seed (default: the suite's).")
@click.option("--bootstrap", type=click.IntRange(min=0), help="Bootstrap resamples (default: the suite's).")
@click.option("--allow-missing", is_flag=True, help="Score ids that have no output as empty outputs.")
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="Significance level of the comparisons with the baseline (Holm over the metrics).",
)
@click.option("--check", is_flag=True, help="Accepted for old scripts: gating is now the default (as harness eval).")
@user_errors
def score(
    suite: str,
    outputs: str,
    baseline: str | None,
    json_out: str | None,
    junit: str | None,
    markdown: str | None,
    html_out: str | None,
    seed: int | None,
    bootstrap: int | None,
    allow_missing: bool,
    alpha: float,
    check: bool,
) -> None:
    """Score a system's outputs with a metric suite and gate them as harness eval does: exit 0 or 1.

    The reports (--json, --junit, --markdown, --html) are harness eval's, checked before scoring
    and written after it; an unwritable one is exit 2 with nothing written."""
    from harness import api
    from harness.evaluation.reports import Reports, check_report_targets, write_score_reports
    from harness.suites.table import score_lines

    del check  # the gate always runs; the flag stays so that existing CI scripts keep working
    targets = {"json": json_out, "junit": junit, "markdown": markdown, "html": html_out}
    reports = Reports(**{name: Path(path) for name, path in targets.items() if path is not None})
    check_report_targets(reports)
    result = api.score(
        suite, outputs, baseline, seed=seed, bootstrap=bootstrap, allow_missing=allow_missing, alpha=alpha
    )
    for line in score_lines(result):
        click.echo(line)
    for name, path in write_score_reports(result, reports).items():
        click.echo(f"{name}: {path}")
    if result.gate is not None and not result.gate.passed:
        raise CheckFailed("gate failed: " + "; ".join(result.gate.reasons))


@main.command()
@click.option("--suite", "for_suite", is_flag=True, help="The schema of a metric suite file instead.")
@click.option("--result", "for_result", is_flag=True, help="The schema of `harness eval --json` instead.")
@user_errors
def schema(for_suite: bool, for_result: bool) -> None:
    """Print the JSON Schema of a bank file (for editor completion)."""
    from harness import api

    if for_result:
        from harness.evaluation.result import result_json_schema

        document = result_json_schema()
    else:
        document = api.suite_json_schema() if for_suite else api.bank_json_schema()
    click.echo(json.dumps(document, indent=2, sort_keys=True))


@main.command()
@user_errors
def plugins() -> None:
    """List installed plugins by group, then the broken ones and why they cannot be used."""
    from harness import api

    rows = api.plugins()
    for info in rows:
        source = f"{info.distribution or 'in-process'} {info.version or ''}".strip()
        state = "  BROKEN" if info.error else ""
        click.echo(f"{info.group:<20} {info.name:<20} {source:<24} {info.target}{state}")
    broken = [info for info in rows if info.error]
    if broken:
        click.echo(f"\n{len(broken)} broken plugin(s), the others load as usual:")
        for info in broken:
            click.echo(f"  {info.describe()}: {info.error}")


# -- harness eval: run a model on a suite and gate it (harness.evaluation does the work) ----------


@main.command("eval")
@click.option("--suite", required=True, type=click.Path(), help="A text metric suite (metric_suites/*.yaml).")
@click.option("--model", required=True, help="ADAPTER:TARGET, e.g. hf:path/to/model, openai:gpt-4o-mini.")
@click.option("--model-option", "model_options", multiple=True, help="An adapter option KEY=VALUE (repeatable).")
@click.option("--task", type=click.Path(), help="A task file (default: the suite's, or tasks/SUITE.yaml).")
@click.option("--baseline", type=click.Path(), help="A previous run's --json (or outputs JSONL): paired significance.")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.05, show_default=True)
@click.option("--json", "json_out", type=click.Path(), help="Write the result as JSON (harness schema --result).")
@click.option("--junit", type=click.Path(), help="Write JUnit XML: one test case per threshold, check, comparison.")
@click.option("--markdown", type=click.Path(), help="Write a Markdown summary (a PR comment, a CI step summary).")
@click.option(
    "--html", "html_out", type=click.Path(), help="Write the HTML model report (index.html) into this folder."
)
@click.option(
    "--outputs",
    type=click.Path(),
    help="Write the outputs as `harness score` reads them: JSONL, or for an image suite a folder of PNGs.",
)
@click.option("--cache", type=click.Path(), help="The generation cache (default: $HARNESS_CACHE/eval-cache.sqlite3).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the generation cache.")
@click.option("--seed", type=click.IntRange(min=0), help="Bootstrap seed (default: the suite's).")
@click.option("--bootstrap", type=click.IntRange(min=0), help="Bootstrap resamples (default: the suite's).")
@user_errors
def eval_command(
    suite: str,
    model: str,
    model_options: tuple[str, ...],
    task: str | None,
    baseline: str | None,
    alpha: float,
    json_out: str | None,
    junit: str | None,
    markdown: str | None,
    html_out: str | None,
    outputs: str | None,
    cache: str | None,
    no_cache: bool,
    seed: int | None,
    bootstrap: int | None,
) -> None:
    """Run a model on a suite, score it, check it, compare it with a baseline, gate: exit 0 or 1."""
    from harness import api
    from harness.evaluation.table import eval_lines

    run = api.evaluate(
        suite,
        model,
        model_options,
        task=task,
        baseline=baseline,
        alpha=alpha,
        reports={"json": json_out, "junit": junit, "markdown": markdown, "html": html_out, "outputs": outputs},
        cache=cache,
        use_cache=not no_cache,
        seed=seed,
        bootstrap=bootstrap,
    )
    for line in eval_lines(run.result):
        click.echo(line)
    for name, path in run.written.items():
        click.echo(f"{name}: {path}")
    if not run.result.passed:
        raise CheckFailed("gate failed: " + "; ".join(run.result.gate.reasons))


# -- harness audit: bias and hallucination checks (harness.checks.audit does the work) ----------


@main.command()
@click.option("--check", "checks", required=True, help="Checks to run, comma-separated (harness plugins lists them).")
@click.option(
    "--outputs", required=True, type=click.Path(), help="JSONL: id, output; optional source, samples, counterfactual."
)
@click.option("--sources", type=click.Path(), help="JSONL of {id, source} for outputs that carry no source.")
@click.option("--json", "json_out", type=click.Path(), help="Also write the result as JSON to this file.")
@click.option("--html", "html_out", type=click.Path(), help="Write the HTML report (index.html) into this folder.")
@click.option("--set", "settings", multiple=True, help="A check's option, CHECK.OPTION=VALUE (repeatable).")
@user_errors
def audit(
    checks: str,
    outputs: str,
    sources: str | None,
    json_out: str | None,
    html_out: str | None,
    settings: tuple[str, ...],
) -> None:
    """Run bias and hallucination checks on outputs; exit 1 when a check's gate is not met."""
    from harness.checks.audit import run_audit, summary_lines, verdict

    result = run_audit(checks, outputs, sources, json_out, html_out, settings)
    for line in summary_lines(result):
        click.echo(line)
    if json_out:
        click.echo(f"json: {json_out}")
    if html_out:
        click.echo(f"html: {html_out}/index.html")
    verdict(result)


@main.command()
@click.argument("results", type=click.Path())
@click.option("--out", "-o", required=True, type=click.Path(), help="Folder for the reports (replaced as a whole).")
@click.option("--format", "formats", default="html,csv", show_default=True)
@user_errors
def report(results: str, out: str, formats: str) -> None:
    """Re-render reports from a results.json."""
    from harness import api

    for name, path in api.render(results, out, formats.split(",")).items():
        click.echo(f"{name}: {path}")


@main.command()
@click.option("--out", "-o", default="reports/demo", show_default=True, type=click.Path())
@user_errors
def demo(out: str) -> None:
    """Grade the sample cohort with the course's banks into --out."""
    from harness import api

    if not DEMO_BANKS.is_dir() or not DEMO_COHORT.is_dir():
        raise HarnessError("run `harness demo` from the repository root (question_bank/ and submissions/)")
    _print_cohort_summary(api.grade([DEMO_BANKS], DEMO_COHORT, out))


def _print_cohort_summary(run: Any) -> Any:
    """Print a line per student, the cohort's problems and the reports; return the summary."""
    summary = run.summary()
    for student in summary.students:
        flag = f"  ({student.problems} problem(s))" if student.problems else ""
        shown = terminal_safe(student.student_id)
        click.echo(f"{shown:<28} {student.score:7.2f}/{student.max_score:g}  {student.percent:5.1f}%{flag}")
    click.echo(f"graded {len(summary.students)} students on {summary.questions} questions")
    for problem in summary.problems:  # what the cohort lost: dropped students, skipped entries, lookalike ids
        where = f" ({problem.location})" if problem.location else ""
        click.echo(terminal_safe(f"cohort problem: {problem.code}: {problem.message}{where}"))
    for name, path in sorted(run.reports.items()):
        if name != "html":
            click.echo(f"{name}: {path}")
    if "html" in run.reports:
        click.echo(f"cohort report: {run.reports['html']}")
    return summary


# -- LMS exports and Gradescope (harness.exports does the work) -------------------------------


@main.command("export")
@click.argument("lms", type=click.Choice(["canvas", "moodle"]))
@click.option("--results", required=True, type=click.Path(), help="A cohort's results.json.")
@click.option("--roster", required=True, type=click.Path(), help="Roster CSV: folder -> LMS ids (docs/exports.md).")
@click.option("--out", "-o", required=True, type=click.Path(), help="The CSV file to write.")
@click.option("--per-question", is_flag=True, help="One grade column per question instead of the total.")
@click.option("--assignment", help="The grade item's name (default: the bank's title).")
@click.option("--assignment-id", help="Canvas: the assignment's id, so the import updates it.")
@user_errors
def export_command(
    lms: str,
    results: str,
    roster: str,
    out: str,
    per_question: bool,
    assignment: str | None,
    assignment_id: str | None,
) -> None:
    """Write a gradebook CSV that LMS (canvas or moodle) imports; exit 1 if the roster and the
    results do not name the same students (the file is written; stderr and a side file list
    the mismatches)."""
    from harness import api

    run = api.export_grades(
        lms, results, roster, out, assignment=assignment, assignment_id=assignment_id, per_question=per_question
    )
    click.echo(f"{lms}: {run.path} ({len(run.match.matched)} students)")
    click.echo(f"roster mismatches: {run.mismatches_path}")
    if not run.match.complete:  # one line on stderr, like every failure; the side file has them all
        count = len(run.match.mismatches())
        raise CheckFailed(
            f"{count} roster mismatch(es), not exported: {run.match.summary()} (the export was written; "
            f"{run.mismatches_path} lists them)"
        )


@main.command()
@click.argument("banks", nargs=-1, required=True, type=click.Path())
@click.option("--root", default="/autograder", show_default=True, type=click.Path(), help="The autograder root.")
@click.option("--student", help="Whose variants to grade (default: the sid in submission_metadata.json).")
@click.option("--sandbox", help="Backend for code questions (default: bwrap where it runs, else process).")
@click.option(
    "--hidden-visibility",
    type=click.Choice(["after_published", "hidden"]),
    default="after_published",
    show_default=True,
    help="Gradescope visibility of questions not released to students.",
)
@today_option
@user_errors
def gradescope(
    banks: tuple[str, ...],
    root: str,
    student: str | None,
    sandbox: str | None,
    hidden_visibility: str,
    today: dt.date | None,
) -> None:
    """Grade the submission in Gradescope's autograder layout and write results/results.json."""
    from harness import api

    hidden = cast("HiddenVisibility", hidden_visibility)  # click.Choice allows only those
    run = api.gradescope(banks, root, student_id=student, sandbox=sandbox, hidden=hidden, today=today)
    click.echo(f"{run.result.student_id}: {run.result.score:g}/{run.result.max_score:g}")
    click.echo(f"results: {run.path}")


@main.command("similarity")
@click.argument("submissions", type=click.Path())
@click.option(
    "--bank", "banks", multiple=True, required=True, type=click.Path(), help="Bank file or folder (repeatable)."
)
@click.option("--starter", multiple=True, type=click.Path(), help="Starter code handed out (excluded; repeatable).")
@click.option("--threshold", type=float, help="Report pairs scoring at least this (default: docs/similarity.md).")
@click.option("--json", "json_out", type=click.Path(), help="Write the pairs as JSON to this file.")
@click.option("--html", "html_out", type=click.Path(), help="Write index.html with the pairs side by side here.")
@user_errors
def similarity_command(
    submissions: str,
    banks: tuple[str, ...],
    starter: tuple[str, ...],
    threshold: float | None,
    json_out: str | None,
    html_out: str | None,
) -> None:
    """List pairs of students whose code or text answers are alike (starter and reference excluded)."""
    from harness import api

    if json_out:
        from harness.reports.output import check_writable_file

        check_writable_file(Path(json_out))
    report = api.similarity(submissions, banks, starter=starter, threshold=threshold)
    for match in report.pairs:
        where = ", ".join(f"{r.a[0]}-{r.a[1]}~{r.b[0]}-{r.b[1]}" for r in match.regions[:4])
        click.echo(f"{match.score:5.2f}  {match.item:<28} {match.a} ~ {match.b}  ({where})")
    for line in report.skipped:
        click.echo(f"skipped: {line}", err=True)
    click.echo(
        f"{len(report.pairs)} pair(s) at or above {report.settings.threshold:g} among {report.documents} documents"
    )
    if json_out:
        from harness.reports.output import write_text_atomically

        write_text_atomically(Path(json_out), report.to_json())
        click.echo(f"json: {json_out}")
    if html_out:
        from harness.similarity.html import write_html

        click.echo(f"html: {write_html(report, Path(html_out))}")
