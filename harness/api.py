"""The Python API. Everything the ``harness`` command does is one call here.

>>> from harness import api
>>> run = api.grade(["question_bank"], "submissions/sample-cohort", "reports/demo")
>>> run.cohort.students[0].score
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError
from harness.grading.lifecycle import open_run
from harness.grading.runner import GradeTasks, GradingPlan, Mode, ProgressSink, SilentProgress, grade_student
from harness.kinds import LoadedBank, load_banks
from harness.kinds.lifecycle import RunOptions
from harness.plugins import GROUPS, PluginInfo, registry
from harness.results import CohortResult, CohortSummary, StudentResult, read_cohort
from harness.submissions import read_answers_file, scan_cohort

# A command imports what it runs: the store and the reports' output only where a cohort is
# graded or rendered, so a student's self-check imports neither (tests/test_startup.py).
if TYPE_CHECKING:
    from harness.evaluation.pipeline import EvalRun
    from harness.executors import Executor
    from harness.exports.gradescope import GradescopeRun, HiddenVisibility
    from harness.exports.run import ExportRun
    from harness.grading.examples import ExampleResult
    from harness.kinds.code_engine.solution_check import SolutionReport
    from harness.reports import Reporter
    from harness.similarity.cohort import SimilarityReport
    from harness.store import Regrade, ResultStore
    from harness.store.cohort import StoreGrading
    from harness.suites import SuiteScore

PathLike = str | Path
DEFAULT_FORMATS = ("json", "html", "csv")


class GradeRun:
    """A graded cohort: its result, its summary and the main file of each report written.

    ``cohort`` may be given as a function that builds it, and ``summary`` as one that makes
    the summary without it: a re-grade whose reports were all up to date reads no student's
    result back unless ``cohort`` is asked for.
    """

    def __init__(
        self,
        cohort: CohortResult | Callable[[], CohortResult],
        reports: dict[str, Path],
        summary: Callable[[], CohortSummary] | None = None,
    ) -> None:
        self._cohort = cohort
        self._summary = summary
        self.reports = reports  # format -> its main file

    @property
    def cohort(self) -> CohortResult:
        if not isinstance(self._cohort, CohortResult):
            self._cohort = self._cohort()
        return self._cohort

    def summary(self) -> CohortSummary:
        """What ``harness grade`` prints: a line per student, without building their results."""
        if self._summary is None or isinstance(self._cohort, CohortResult):
            return CohortSummary.of(self.cohort)
        return self._summary()


def bank_files(paths: Sequence[PathLike]) -> list[Path]:
    """Expand folders into their bank files (``*.yaml``; files starting with ``_`` are parts
    meant to be included, not banks of their own).

    Raises:
        HarnessError: a path does not exist, or a folder holds no bank.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("_"))
            if not found:
                raise HarnessError(f"{path}: no question bank (*.yaml) in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise HarnessError(f"{path}: no such file or folder")
    return files


def load(paths: Sequence[PathLike]) -> list[LoadedBank]:
    """Load and validate banks (files or folders) with the installed kinds. Raises BankErrors
    listing every problem."""
    return load_banks(bank_files(paths))


def _out_outside_cohort(submissions: Path, out: Path) -> None:
    """Refuse an ``out`` that is the cohort folder or inside it, before anything is written:
    every later run would grade the reports folder as a student (a zero in the gradebook).

    Raises:
        HarnessError: ``out`` is ``submissions`` or a folder under it.
    """
    cohort, target = Path(os.path.realpath(submissions)), Path(os.path.realpath(out))
    if cohort.is_dir() and (target == cohort or cohort in target.parents):
        raise HarnessError(
            f"--out {out} is inside the cohort folder {submissions}: it would be graded as a student; "
            "write the reports outside it"
        )


def grade(
    banks: Sequence[PathLike],
    submissions: PathLike,
    out: PathLike,
    formats: Sequence[str] = DEFAULT_FORMATS,
    today: dt.date | None = None,
    sandbox: str = "bwrap",
    unsafe_sandbox: bool = False,
    seed_secret: str | None = None,
    *,
    only: Sequence[str] = (),
    questions: Sequence[str] = (),
    progress: ProgressSink | None = None,
    similarity: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> GradeRun:
    """Grade a cohort (a folder of student folders, or a zip export) and write reports.

    Every graded (student, question) is saved as it is decided in the result store inside
    ``out`` (see :mod:`harness.store`), keyed by what decides it; a grade the store already
    holds is reused, so grading again after an interruption, a resubmission or an edited
    question grades only what is new. ``only`` (student ids) and ``questions`` (question ids)
    are graded again even when stored. The results and reports cover the whole cohort.

    ``similarity`` also compares every student's code files and text answers with everyone
    else's (:func:`similarity`, default settings) and keeps the pairs above the threshold in
    the result, for the cohort report; off by default, as it reads every file again.
    ``executor`` says where students are graded: ``local`` (this process) or ``dask`` (the
    workers of the Dask cluster at ``scheduler``; without one, a cluster of local processes;
    see :mod:`harness.executors`). Either way this process keys, reuses and saves the grades
    in the store as each student comes back; the results are the same, byte for byte.

    ``seed_secret`` seeds the statistical tests of code questions (default:
    ``$HARNESS_SEED_SECRET``, else the store's own, made once at random and kept); it is
    recorded in the cohort result, and grading again with it (and ``today``) reproduces the
    run byte for byte.

    ``out`` is replaced as a whole once every report is written (see
    :func:`harness.reports.output.staged_output`): an interrupted run leaves the reports as
    they were, and its grades so far in the store.

    Returns:
        The cohort result and the main file of each report written under ``out``.
    Raises:
        BankErrors: a bank is invalid (nothing is graded).
        SubmissionError: the cohort cannot be read at all.
        UnknownPluginError: an unknown report format, sandbox or executor.
        HarnessError: code questions, and a sandbox that cannot isolate them (see
            :func:`harness.sandbox.selection.sandbox_for_cohort`); an ``out`` inside the
            cohort's folder, or that is a file,
            holds files harness did not write, or cannot be written (all before grading); a
            store of another format; ``only`` or ``questions`` naming an id the run lacks.
    """
    from harness.reports.output import staged_output
    from harness.store import Regrade, open_store, store_path

    _out_outside_cohort(Path(submissions), Path(out))
    progress = progress if progress is not None else SilentProgress()
    progress.start("loading banks")
    loaded = load(banks)
    reporters = [registry("reporters").get(name) for name in formats]  # fail before grading
    registry("sandboxes").get(sandbox)  # an unknown name fails even when no question needs one
    where = _executor(executor, scheduler)
    progress.finish(f"{len(loaded)} bank(s), {sum(len(b.questions) for b in loaded)} question(s)")
    plan = GradingPlan(loaded, "grade", today or dt.date.today())
    options = RunOptions("grade", sandbox=sandbox, unsafe_sandbox=unsafe_sandbox, seed_secret=seed_secret)
    regrade = Regrade(frozenset(only), frozenset(questions))
    with staged_output(Path(out), list(formats)) as staging:  # an unusable --out fails before grading
        store = open_store(store_path(Path(os.path.realpath(out))))
        try:
            graded = _grade_into_store(plan, options, Path(submissions), store, regrade, progress, where, scheduler)
            progress.start("writing reports")
            kept = None if similarity else _reports_up_to_date(graded, store, formats, Path(out), staging)
            if kept is not None:
                progress.finish(", ".join(kept) + " (up to date)")
                return GradeRun(graded.cohort, kept, graded.summary)
            cohort = graded.cohort()
            if similarity:
                cohort = _with_similarity(cohort, Path(submissions), loaded)
            reports = _write_reports(cohort, reporters, staging, Path(out))
            _remember_reports(graded, store, formats, Path(out), staging, None if similarity else reports)
            progress.finish(", ".join(reports))
        finally:
            store.close()
    return GradeRun(cohort, reports)


def _executor(name: str, scheduler: str | None) -> Executor | None:
    """The executor asked for; ``None`` for this process's own path (which imports no executor)."""
    if name == "local" and scheduler is None:
        return None
    found: Executor = registry("executors").get(name)
    found.check_scheduler(scheduler)  # before --out is touched
    return found


def _grade_into_store(
    plan: GradingPlan,
    options: RunOptions,
    submissions: Path,
    store: ResultStore,
    regrade: Regrade,
    progress: ProgressSink,
    where: Executor | None = None,
    scheduler: str | None = None,
) -> StoreGrading:
    """Grade the cohort through ``store`` (see :mod:`harness.store.cohort`), in this process or
    with ``where`` (this process still computes the keys and alone writes the store); it then
    holds only this cohort's grades."""
    import tempfile  # only grading a zip export needs a work folder

    from harness.store.cohort import grade_through_store, open_here
    from harness.store.sqlite import SEED_SECRET_ENV

    # the secret is fixed here, so that the run's record (kept in the store) follows from the options
    secret = options.seed_secret or os.environ.get(SEED_SECRET_ENV) or store.seed_secret()
    options = replace(options, seed_secret=secret)  # a resume draws the same seeds
    with tempfile.TemporaryDirectory(prefix="harness-") as workdir:
        scan = scan_cohort(submissions, Path(workdir))
        opener = open_here if where is None else partial(_open_elsewhere, where=where, scheduler=scheduler)
        return grade_through_store(plan, options, scan, store, regrade, progress, opener)


REPORTS_NOTE = "reports"  # the store's note of the reports last rendered into its output folder


def _reports_up_to_date(
    graded: StoreGrading, store: ResultStore, formats: Sequence[str], out: Path, staging: Path
) -> dict[str, Path] | None:
    """When ``out`` holds, unchanged, the reports of ``formats`` rendered from the same
    results: carry them into ``staging`` as they are (rendering is deterministic, so they are
    what rendering again would write) and return each one's main file; else None."""
    from harness.reports.output import carry_previous, output_manifest

    note = store.note(REPORTS_NOTE)
    if graded.digest is None or note is None:
        return None
    kept = json.loads(note)
    if kept.get("results") != _reports_key(graded, formats):
        return None
    if output_manifest(Path(os.path.realpath(out)), _known_files(kept)) != kept.get("files"):
        return None
    carry_previous(out, staging)
    mains = dict(kept["reports"])
    return {name: out / mains[name] for name in formats}


def _remember_reports(
    graded: StoreGrading,
    store: ResultStore,
    formats: Sequence[str],
    out: Path,
    staging: Path,
    reports: dict[str, Path] | None,
) -> None:
    """Note in the store which results the reports in ``staging`` were rendered from, their
    main files and their bytes (``reports`` None: rendered from more than the results, so
    never reused)."""
    from harness.reports.output import manifest_record

    if graded.digest is None or reports is None:
        store.set_note(REPORTS_NOTE, "{}")
        return
    record = manifest_record(staging, _known_files(json.loads(store.note(REPORTS_NOTE) or "{}")))
    note = {
        "results": _reports_key(graded, formats),
        "reports": [[name, path.relative_to(out).as_posix()] for name, path in reports.items()],
        "files": {name: entry[0] for name, entry in record.items()},
        "stats": {name: entry[1:] for name, entry in record.items()},  # the files keep them through the swap
    }
    store.set_note(REPORTS_NOTE, json.dumps(note, sort_keys=True))


def _known_files(note: dict[str, Any]) -> dict[str, list[Any]]:
    """The reports' files as a note recorded them: ``[SHA-256, size, mtime_ns, inode]``."""
    files, stats = note.get("files"), note.get("stats")
    if not isinstance(files, dict) or not isinstance(stats, dict):
        return {}
    return {name: [files[name], *stats[name]] for name in files if isinstance(stats.get(name), list)}


def _reports_key(graded: StoreGrading, formats: Sequence[str]) -> str | None:
    return None if graded.digest is None else f"{graded.digest}:{','.join(sorted(formats))}"


@contextmanager
def _open_elsewhere(
    plan: GradingPlan, options: RunOptions, *, where: Executor, scheduler: str | None
) -> Iterator[tuple[GradingPlan, GradeTasks | None]]:
    """The run open where ``where`` grades: the plan carries that run's record, and the
    executor grades the tasks."""
    from harness.executors import GradingJob

    with where.open(GradingJob.of(plan.banks, plan.mode, plan.today, options), scheduler) as run:
        yield run.plan_here(plan), run.grade


def _with_similarity(cohort: CohortResult, submissions: Path, banks: Sequence[LoadedBank]) -> CohortResult:
    """``cohort`` with the pairs of alike submissions (see :mod:`harness.similarity.record`)."""
    from harness.similarity.cohort import find_similar
    from harness.similarity.record import cohort_similarity

    return cohort.model_copy(update={"similarity": cohort_similarity(find_similar(submissions, banks))})


def _write_reports(cohort: CohortResult, reporters: list[Reporter], staging: Path, out: Path) -> dict[str, Path]:
    """Render every report into ``staging``; return each one's main file as it will be in ``out``."""
    return {r.name: out / r.write(cohort, staging).relative_to(staging) for r in reporters}


def check(
    banks: Sequence[PathLike],
    answers: PathLike,
    student_id: str | None = None,
    today: dt.date | None = None,
) -> StudentResult:
    """A student's self-check: grade only the questions public today, reveal their answers.

    ``student_id`` picks the student's variants of parameterised questions; by default it is
    :func:`default_student_id` (the folder holding the answers file), as in a cohort. Hidden
    questions are not graded at all, so nothing about their answers reaches the result. A
    kind grades what is public only (a code question runs its public tests and is scored out
    of their points, and its ``hidden_points`` says how many points its hidden tests hold;
    see :func:`harness.kinds.code.public_share`).

    Raises:
        HarnessError: the answers file is missing; a bank is invalid.
    """
    path = Path(answers)
    if not path.is_file():
        raise HarnessError(f"{path}: no such answers file")
    plan = GradingPlan(load(banks), "check", today or dt.date.today())
    submission = read_answers_file(path, student_id or default_student_id(path))
    with open_run(plan, RunOptions("check")) as running:  # your own code: the default sandbox is fine
        return grade_student(running, submission)


def default_student_id(answers: PathLike) -> str:
    """The student id a self-check uses without ``--student``: the answers file's folder name."""
    return Path(answers).resolve().parent.name


def paper(banks: Sequence[PathLike], student_id: str, today: dt.date | None = None, everything: bool = False) -> str:
    """A student's own quiz paper as Markdown: their numbers, their option order.

    Only questions public on ``today`` are included, as in :func:`check`; ``everything``
    (for the instructor) includes hidden and not-yet-released questions too, each marked.
    """
    from harness.grading.paper import render_paper

    mode: Mode = "grade" if everything else "check"
    return render_paper(GradingPlan(load(banks), mode, today or dt.date.today()), student_id)


def render(results: PathLike, out: PathLike, formats: Sequence[str] = ("html", "csv")) -> dict[str, Path]:
    """Re-render reports from a ``results.json`` written by :func:`grade`.

    ``out`` is replaced as a whole, as by :func:`grade`; when ``results`` lies in ``out``,
    the reports not re-rendered stay (they come from the same results).

    Raises:
        HarnessError: ``results`` is missing, not JSON or not a cohort's results; an
            unknown format; an ``out`` that cannot be written.
    """
    from harness.reports.output import staged_output

    cohort = read_results(results)
    reporters = [registry("reporters").get(name) for name in formats]
    out_dir = Path(out)
    inside = Path(os.path.realpath(Path(results).parent)) == Path(os.path.realpath(out_dir))
    with staged_output(out_dir, list(formats), carry_over=inside) as staging:
        return _write_reports(cohort, reporters, staging, out_dir)


def read_results(path: PathLike) -> CohortResult:
    """A cohort's ``results.json``.

    Raises:
        HarnessError: the file is missing, not JSON, of another schema version, or not a
            cohort's results (a ``harness score --json`` file, a student's own record).
    """
    from pydantic import ValidationError

    try:
        return read_cohort(Path(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise HarnessError(
            f"{path}: not the results.json of a cohort ({exc.error_count()} problem(s), first at {where}: "
            f"{first['msg']})"
        ) from None


def bank_json_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, with one branch per installed question kind."""
    from harness.bank.json_schema import bank_schema
    from harness.kinds import kind_registry

    kinds = kind_registry()
    return bank_schema([kinds.get(name).model for name in kinds.names()])


def suite_json_schema() -> dict[str, Any]:
    """The JSON Schema of a metric suite file (``metric_suites/*.yaml``)."""
    from harness.suites.model import Suite

    schema = Suite.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "genai-harness metric suite"
    return schema


def check_examples(loaded: Sequence[LoadedBank]) -> list[ExampleResult]:
    """Grade every question's example answers with its kind; see :mod:`harness.grading.examples`.

    Returns one result per example; those that are not ``ok`` say where and why (``message``).
    """
    from harness.grading.examples import check_examples as grade_examples

    return grade_examples(loaded)


@dataclass(frozen=True)
class SolutionCheck:
    question_id: str
    solution: str  # "reference" or the wrong solution's file name
    ok: bool
    detail: str
    warning: bool = False  # ok, but only a lucky draw (or a narrow p-value) catches it
    report: SolutionReport | None = None  # every test's catches, draw by draw


def validate_solutions(
    banks: Sequence[PathLike], sandbox: str | None = None, draws: int | None = None
) -> list[SolutionCheck]:
    """Prove every reference solution passes all its tests and every known-wrong one fails one,
    under ``draws`` draws of the tests that depend on a seed (see
    :mod:`harness.kinds.code_engine.solution_check`); a wrong solution that only some draws catch is a
    warning."""
    from harness.kinds.code_engine.solution_check import DRAWS, check_solutions
    from harness.sandbox.selection import default_sandbox, sandbox_named

    backend = sandbox_named(sandbox) if sandbox else default_sandbox()
    return [
        SolutionCheck(r.question_id, r.solution, r.ok, r.detail, r.level == "warn", r)
        for r in check_solutions(load(banks), backend, draws or DRAWS)
    ]


def score(
    suite: PathLike,
    outputs: PathLike,
    baseline: PathLike | None = None,
    *,
    seed: int | None = None,
    bootstrap: int | None = None,
    confidence: float | None = None,
    allow_missing: bool = False,
    json_out: PathLike | None = None,
    alpha: float = 0.05,
) -> SuiteScore:
    """Score a system's ``outputs`` (a JSONL file, or a folder of images) with a metric suite, and gate.

    ``seed``, ``bootstrap`` and ``confidence`` override the suite's own. With ``baseline`` (the
    outputs of another system, or a previous ``harness eval --json``) every metric also gets a
    paired bootstrap comparison, Holm-corrected over the metrics at ``alpha``. ``gate`` in the
    result is ``harness eval``'s (:mod:`harness.evaluation.gate`): thresholds, check gates and
    significant regressions; ``harness score`` exits 1 when it failed. Only the
    metrics the suite names are imported: scoring a text suite never imports torch. With
    ``json_out`` the result is also written there as JSON (checked before scoring; written
    through a temporary file, so an interruption never leaves half of it).

    Returns:
        The typed result; ``to_json()`` is byte-identical for the same inputs and seed.
    Raises:
        SuiteErrors: the suite is invalid (every problem, at file:line:col).
        OutputsError: an outputs file has problems, or ids without an output and not
            ``allow_missing`` (which scores them as empty outputs).
        BaselineError: the baseline cannot be read or has other items.
        HarnessError: a metric cannot score (an unreadable image, a missing model); a
            ``json_out`` that cannot be written; ``alpha`` outside (0, 1).
    """
    from harness.reports.output import check_writable_file, write_text_atomically
    from harness.suites import ScoreSettings

    if not 0.0 < alpha < 1.0:
        raise HarnessError(f"alpha must lie between 0 and 1, got {alpha}")
    if json_out is not None:
        check_writable_file(Path(json_out))
    settings = ScoreSettings(seed, bootstrap, confidence)
    result = _score_suite(Path(suite), Path(outputs), baseline, settings, allow_missing, alpha)
    if json_out is not None:
        write_text_atomically(Path(json_out), result.to_json())
    return result


def _score_suite(
    suite: Path, outputs: Path, baseline: PathLike | None, settings: Any, allow_missing: bool, alpha: float
) -> SuiteScore:
    """Score ``outputs``, compared with ``baseline`` when there is one, gated as harness eval gates."""
    from harness.evaluation.baseline import read_baseline
    from harness.evaluation.gate import score_and_gate
    from harness.suites import load_suite, read_system
    from harness.suites.errors import OutputsError

    loaded = load_suite(suite)
    system = read_system(loaded, outputs, str(outputs))
    if system.missing and not allow_missing:
        raise OutputsError([f"{system.missing_message()} (allow_missing scores them as empty)"])
    theirs = read_baseline(loaded, Path(baseline), allow_missing) if baseline else None
    gated = score_and_gate(loaded, system, theirs, settings, alpha)
    return gated.suite_score(theirs[0] if theirs else None, alpha)


def evaluate(
    suite: PathLike,
    model: str,
    model_options: Sequence[str] = (),
    *,
    task: PathLike | None = None,
    baseline: PathLike | None = None,
    alpha: float = 0.05,
    reports: dict[str, PathLike | None] | None = None,
    cache: PathLike | None = None,
    use_cache: bool = True,
    seed: int | None = None,
    bootstrap: int | None = None,
) -> EvalRun:
    """Run ``model`` (``ADAPTER:TARGET``) on a text suite, score, check, compare with ``baseline``, gate.

    ``task`` is a task file (default: the suite's ``task:`` section, else ``tasks/<suite>.yaml``
    beside it, else each item's input as the prompt).

    ``reports`` maps ``json``, ``junit``, ``markdown``, ``html`` (a folder) and ``outputs`` (the
    JSONL ``harness score`` reads) to where to write them. See :mod:`harness.evaluation.pipeline`.

    Raises:
        HarnessError: bad input or setup (exit code 2): the suite, the model, an endpoint, an output.
    """
    from harness.evaluation.pipeline import EvalSettings, run_eval
    from harness.evaluation.reports import Reports
    from harness.models.spec import parse_model_spec
    from harness.suites import ScoreSettings

    targets = {name: Path(path) for name, path in (reports or {}).items() if path is not None}
    settings = EvalSettings(
        suite=Path(suite),
        model=parse_model_spec(model, model_options),
        task=Path(task) if task is not None else None,
        baseline=Path(baseline) if baseline is not None else None,
        alpha=alpha,
        reports=Reports(**targets),
        cache=Path(cache) if cache is not None else None,
        use_cache=use_cache,
        score=ScoreSettings(seed, bootstrap),
    )
    return run_eval(settings)


def plugins() -> list[PluginInfo]:
    """Every installed plugin of every group."""
    return [info for group in GROUPS for info in registry(group).info()]


def export_grades(
    lms: str,
    results: PathLike,
    roster: PathLike,
    out: PathLike,
    *,
    assignment: str | None = None,
    assignment_id: str | None = None,
    per_question: bool = False,
) -> ExportRun:
    """Write a cohort's grades as the gradebook CSV of ``lms`` ("canvas" or "moodle"), matched
    to LMS accounts through ``roster``; see :func:`harness.exports.run.export_grades`.

    Returns:
        An :class:`~harness.exports.run.ExportRun`: the file, the mismatch side file, the match.
    """
    from harness.exports.run import export_grades as write_export

    return write_export(lms, read_results(results), Path(roster), Path(out), assignment, assignment_id, per_question)


def gradescope(
    banks: Sequence[PathLike],
    root: PathLike = "/autograder",
    *,
    student_id: str | None = None,
    sandbox: str | None = None,
    hidden: HiddenVisibility = "after_published",
    today: dt.date | None = None,
) -> GradescopeRun:
    """Grade the one submission of a Gradescope autograder run and write its results.json;
    see :func:`harness.exports.gradescope.grade_gradescope`."""
    from harness.exports.gradescope import grade_gradescope

    return grade_gradescope(banks, Path(root), student_id, sandbox, hidden, today)


def similarity(
    submissions: PathLike,
    banks: Sequence[PathLike],
    *,
    starter: Sequence[PathLike] = (),
    threshold: float | None = None,
) -> SimilarityReport:
    """Pairs of students whose code files or text answers are alike beyond ``threshold``
    (default: the one chosen on the labeled set, docs/similarity.md), with the regions they
    share; the starter files' and the references' code is excluded. See
    :mod:`harness.similarity`.

    Raises:
        BankErrors: a bank is invalid.
        SubmissionError: the cohort cannot be read at all.
        HarnessError: a threshold outside [0, 1]; a starter file that cannot be read.
    """
    from harness.similarity.cohort import find_similar
    from harness.similarity.pairs import SimilaritySettings

    settings = SimilaritySettings()
    if threshold is not None:
        if not 0 <= threshold <= 1:
            raise HarnessError(f"threshold {threshold}: give a number from 0 to 1")
        settings = replace(settings, threshold=threshold)
    return find_similar(Path(submissions), load(banks), [Path(p) for p in starter], settings)
