"""``code``: a student's Python file or notebook, run in a sandbox, graded outside it.

The question model lives here; running and judging live in the engine,
:mod:`harness.kinds.code_engine`. The kind opens the engine's :class:`CodeRunner` for the
whole run (:meth:`CodeKind.open_run`, with the run's sandbox backend) and finds it again in
each :class:`GradeContext`'s ``resources``.
See docs/code-exercises.md for the format.
"""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from harness.bank.schema import ID_PATTERN, Model, Points, Question
from harness.bank.validation import errors_at
from harness.errors import AnswerError
from harness.evidence import MAX_SOURCE_CHARS, CodeEvidence
from harness.kinds.base import MISSING, GradeContext, KindExample, Outcome, QuestionKind
from harness.kinds.code_engine import sequential, values
from harness.kinds.code_engine.module_names import top_level_names
from harness.kinds.code_engine.runner import CodeRunner, StudentRun
from harness.kinds.code_engine.sequential import DEFAULT_LOOKS, SequentialPlan
from harness.kinds.lifecycle import RunOptions
from harness.results import QuestionResult, round_score
from harness.sandbox.base import SandboxLimits
from harness.submission_files import MAX_SOURCE_BYTES, program_source, read_source
from harness.yamlsource import PathKey

EXAMPLES = Path(__file__).resolve().parent / "examples"
_FILE = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(py|ipynb)$"
_MODULE = r"^[A-Za-z_][A-Za-z0-9_.]*$"


class Comparison(Model):
    rtol: float = Field(default=1e-6, ge=0)
    atol: float = Field(default=1e-9, ge=0)
    dtype: bool = True


class Statistical(Model):
    trials: int = Field(ge=20, le=100_000)
    seed_kwarg: str | None = None
    alpha: float = Field(default=0.001, gt=0, le=0.5)
    # Rounds of draws, the test stopping as soon as its verdict is decided (1: all ``trials`` at
    # once); see harness.kinds.code_engine.sequential. Left out of dumps at its default, so a
    # bank that does not set it keeps its content hash.
    looks: int = Field(default=DEFAULT_LOOKS, ge=1, le=10, exclude_if=lambda value: value == DEFAULT_LOOKS)

    def plan(self, folder: Path | None = None) -> SequentialPlan:
        """When the test looks at the draws, and how it decides at each look: at most one look
        per ``MIN_DRAWS_PER_LOOK`` trials (a chi-square table needs some draws). ``folder``:
        the cache where plans are kept across runs (see :func:`sequential.plan`)."""
        looks = min(self.looks, max(1, self.trials // sequential.MIN_DRAWS_PER_LOOK))
        return sequential.plan(self.trials, self.alpha, looks, folder)


class CodeTest(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    call: str
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    points: Points = Field(default=1.0, gt=0)
    visibility: Literal["public", "hidden"] = "public"
    compare: Comparison = Field(default_factory=Comparison)
    raises: str | None = None
    statistical: Statistical | None = None
    property: str | None = None
    time_limit: float = Field(default=2.0, gt=0, le=300)

    @field_validator("call", "raises", "property")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and (not value.isidentifier() or keyword.iskeyword(value)):
            raise ValueError(f"{value!r} is not a Python name")
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> CodeTest:
        modes = [m for m in ("raises", "statistical", "property") if getattr(self, m) is not None]
        if len(modes) > 1:
            raise ValueError(f"test {self.id!r}: choose one of raises, statistical, property (got {modes})")
        return self

    def arguments(self) -> list[tuple[PathKey, Any]]:
        """Each argument's spec with where it stands in the test (``("args", 0)``, ``("kwargs", "x")``)."""
        found: list[tuple[PathKey, Any]] = [(("args", i), spec) for i, spec in enumerate(self.args)]
        return found + [(("kwargs", key), spec) for key, spec in self.kwargs.items()]


class CodeQuestion(Question):
    kind: Literal["code"] = "code"
    file: Annotated[str, Field(pattern=_FILE)]
    reference: str
    wrong_solutions: list[str] = Field(default_factory=list)
    properties: str | None = None
    preload: list[Annotated[str, Field(pattern=_MODULE)]] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    limits: SandboxLimits = Field(default_factory=SandboxLimits)
    tests: list[CodeTest] = Field(min_length=1)
    # How feedback names hidden tests: by number (an id can describe the hidden input) or by id.
    # Left out of dumps at its default, so a bank that does not set it keeps its content hash.
    hidden_test_names: Literal["numbered", "shown"] = Field(
        default="numbered", exclude_if=lambda value: value == "numbered"
    )
    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)

    @model_validator(mode="after")
    def _files_exist(self, info: ValidationInfo) -> CodeQuestion:
        base = (info.context or {}).get("base_dir")
        self._base_dir = Path(base) if base else Path.cwd()
        for name in [self.reference, *self.wrong_solutions, *([self.properties] if self.properties else [])]:
            if not (self._base_dir / name).is_file():
                raise ValueError(f"file {name!r} not found (paths are relative to the bank file)")
        ids = [t.id for t in self.tests]
        if len(set(ids)) != len(ids):
            raise ValueError("test ids must be unique")
        if any(t.property for t in self.tests) and not self.properties:
            raise ValueError("a test uses `property` but the question names no `properties` file")
        problems = self._argument_problems() + self._undefined_calls() + self._undefined_properties()
        if problems:
            raise errors_at(type(self).__name__, problems)
        return self

    def _undefined_properties(self) -> list[tuple[PathKey, str]]:
        """Each test whose ``property`` the properties file does not define (the check would
        be missing at grade time, for every student)."""
        if self.properties is None:
            return []
        return self._undefined(self.properties, "property", [(i, t.property) for i, t in enumerate(self.tests)])

    def _argument_problems(self) -> list[tuple[PathKey, str]]:
        """Each test argument that cannot be built (:func:`values.check_argument`, the models
        the question lists), and each test whose arguments hold more than
        ``MAX_ARGUMENT_ELEMENTS`` array elements in all; at the argument's line."""
        problems: list[tuple[PathKey, str]] = []
        for i, test in enumerate(self.tests):
            elements = 0
            for where, spec in test.arguments():
                try:
                    elements += values.check_argument(spec, self.models)
                except ValueError as exc:
                    problems.append((("tests", i, *where), str(exc)))
                    continue
                if elements > values.MAX_ARGUMENT_ELEMENTS:
                    cap = f"a test may pass at most {values.MAX_ARGUMENT_ELEMENTS:,}"
                    held = f"this test's array arguments hold {elements:,} elements; {cap}"
                    problems.append((("tests", i, *where), held))
                    break
        return problems

    def _undefined_calls(self) -> list[tuple[PathKey, str]]:
        """Each test whose ``call`` the reference does not define at its top level: the
        reference would lose that test at grade time. Nothing when the reference's names
        cannot be known without running it (see :func:`top_level_names`)."""
        return self._undefined(self.reference, "call", [(i, t.call) for i, t in enumerate(self.tests)])

    def _undefined(self, file: str, field: str, wanted: list[tuple[int, str | None]]) -> list[tuple[PathKey, str]]:
        """Each ``(test index, name)`` of ``wanted`` that ``file`` does not define at its top
        level, at that test's ``field``; nothing when its names cannot be known without running
        it (see :func:`top_level_names`)."""
        try:
            source = self.program(file)
        except (OSError, AnswerError):  # the runner reports it, with the file's other problems
            return []
        names = top_level_names(source)
        if names is None:
            return []
        problems: list[tuple[PathKey, str]] = []
        for i, name in wanted:
            if name is not None and name not in names:
                near = difflib.get_close_matches(name, sorted(names), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                problems.append((("tests", i, field), f"{file} defines no {name!r}{hint}"))
        return problems

    def path(self, name: str) -> Path:
        """A file named in the question, resolved against the bank's folder."""
        return self._base_dir / name

    def program(self, name: str) -> str:
        """The Python source of the question's program ``name`` (its reference, say), read as
        a student's is (:func:`~harness.submission_files.program_source`: a coding line, a
        notebook's cells), but through links: the bank's files are the instructor's.

        Raises:
            OSError: the file cannot be read.
            AnswerError: it is not Python source Python could read.
        """
        path = self.path(name)
        return program_source(path.read_bytes(), path.name)[0]

    def content_files(self) -> list[Path]:
        names = [self.reference, *self.wrong_solutions, *([self.properties] if self.properties else [])]
        return [self.path(name) for name in names]

    @property
    def max_points(self) -> float:
        return self.points if self.points is not None else sum(t.points for t in self.tests)


@dataclass(frozen=True)
class SubmittedFile:
    path: Path


@dataclass(frozen=True)
class StudentCode:
    source: str
    notes: list[str]


class CodeKind(QuestionKind[CodeQuestion]):
    name = "code"
    model = CodeQuestion
    evidence_model = CodeEvidence
    description = "a Python file or notebook, run in a sandbox and compared with a reference"
    example = KindExample(
        question={
            "id": "ex-code",
            "kind": "code",
            "prompt": "Write `mean(values)`; raise ValueError for an empty list.",
            "file": "stats.py",
            "reference": str(EXAMPLES / "mean_reference.py"),
            "tests": [
                {"id": "three", "call": "mean", "args": [[1.0, 2.0, 6.0]]},
                {"id": "empty", "call": "mean", "args": [[]], "raises": "ValueError", "visibility": "hidden"},
            ],
        },
        right=SubmittedFile(EXAMPLES / "mean_right.py"),
        wrong=SubmittedFile(EXAMPLES / "mean_wrong.py"),
    )

    def answer_for(self, question: CodeQuestion, answers: Mapping[str, Any], folder: Path | None) -> Any:
        """The student's file in their folder (``x.py``, or ``x.ipynb`` for it)."""
        if folder is None:
            return MISSING
        wanted = Path(question.file)
        for candidate in (wanted, wanted.with_suffix(".ipynb"), wanted.with_suffix(".py")):
            path = folder / candidate.name
            if path.exists() or path.is_symlink():
                return SubmittedFile(path)
        return MISSING

    def missing_feedback(self, question: CodeQuestion, ctx: GradeContext) -> str:
        """The answer is a file: name it, never answers.yaml."""
        notebook = Path(question.file).with_suffix(".ipynb").name
        return f"No answer: no {question.file} (or {notebook}) in your submission folder."

    def echo(self, raw: Any) -> Any:
        """A submitted file is recorded by its name, never its host path."""
        return raw.path.name if isinstance(raw, SubmittedFile) else super().echo(raw)

    def parse_answer(self, question: CodeQuestion, raw: Any, ctx: GradeContext) -> StudentCode:
        if not isinstance(raw, SubmittedFile):
            raise AnswerError(f"expected the file {question.file} in your submission folder")
        return read_student_code(raw.path)

    def open_run(self, questions: Sequence[CodeQuestion], options: RunOptions) -> CodeRunner:
        """The run's :class:`CodeRunner`: warm sandbox pools and the reference cache.

        A cohort's code runs in ``options.sandbox`` (checked to isolate, unless
        ``options.unsafe_sandbox``); a self-check (no sandbox named) runs the student's own code
        in the default backend.

        Raises:
            HarnessError: the named backend cannot isolate a cohort's code.
        """
        from harness.sandbox.selection import default_sandbox, sandbox_for_cohort

        if options.sandbox is None:
            backend = default_sandbox()
        else:
            backend = sandbox_for_cohort(options.sandbox, options.unsafe_sandbox)
        runner = CodeRunner(
            backend, cache_dir=options.cache_dir, seed_secret=options.seed_secret, keep_secret=options.mode == "check"
        )
        runner.prewarm(questions)
        return runner

    def prepare(self, items: list[tuple[CodeQuestion, Any, GradeContext]]) -> None:
        """Run a student's questions that share a file (and limits) together: one sandbox job for
        their public tests, one for their hidden tests."""
        runner = items[0][2].resources.get(CodeRunner) if items else None
        if runner is None:
            return
        jobs = []
        for question, raw, ctx in items:
            try:
                jobs.append((question, self.parse_answer(question, raw, ctx)))
            except AnswerError:
                continue  # graded on its own, where the same error is reported
        reports = runner.run_together(jobs, public_only=items[0][2].public_only)
        for question, _, ctx in items:
            if question.id in reports:
                ctx.prepared[question.id] = reports[question.id]

    def grade(self, question: CodeQuestion, raw: Any, ctx: GradeContext) -> QuestionResult:
        """The template's result; in a self-check (public tests only), scored out of the points
        the public tests hold (see :func:`public_share`)."""
        result = super().grade(question, raw, ctx)
        return public_share(result, question) if ctx.public_only else result

    def _grade(self, question: CodeQuestion, answer: StudentCode, ctx: GradeContext) -> Outcome:
        runner = ctx.resources.get(CodeRunner)
        if runner is None:
            raise RuntimeError("no sandbox was set up for code questions in this run")
        run = ctx.prepared.pop(question.id, None)
        outcome = runner.grade(
            question, answer, public_only=ctx.public_only, run=run if isinstance(run, StudentRun) else None
        )
        return _with_source(outcome, answer)

    def expected(self, question: CodeQuestion, ctx: GradeContext) -> Any:
        return None  # per-test expectations are in the feedback of public tests only


def _with_source(outcome: Outcome, code: StudentCode) -> Outcome:
    """A failed test is read beside the code that failed it: the evidence keeps the student's
    source (cut at ``MAX_SOURCE_CHARS``) when a test failed, and nothing when all passed."""
    evidence = outcome.evidence
    if not isinstance(evidence, CodeEvidence) or all(t.passed for t in evidence.tests):
        return outcome
    source = code.source if len(code.source) <= MAX_SOURCE_CHARS else code.source[:MAX_SOURCE_CHARS] + "\n…"
    return replace(outcome, evidence=evidence.model_copy(update={"source": source}))


def public_share(result: QuestionResult, question: CodeQuestion) -> QuestionResult:
    """Score a self-checked code question out of the points its public tests hold.

    The template scales the public tests' share up to the question's points, which shows a
    solution that fails every hidden test as "5/5"; a self-check must say "2/2, and 3 points
    are in hidden tests" (``QuestionResult.hidden_points``).
    """
    every = sum(t.points for t in question.tests)
    public = sum(t.points for t in question.tests if t.visibility == "public")
    if public == every:
        return result
    share = public / every
    checked, hidden = round_score(result.max_score * share), round_score(result.max_score * (1 - share))
    note = (
        f"Self-check runs the public tests only: {checked:g} of this question's {result.max_score:g} points. "
        f"The other {hidden:g} are in hidden tests, graded after you submit."
    )
    return result.model_copy(
        update={
            "score": round_score(result.score * share),
            "max_score": checked,
            "feedback": [*result.feedback, note],
            "hidden_points": hidden,
        }
    )


def read_student_code(path: Path) -> StudentCode:
    """The source of a submitted file, notebooks converted (see :func:`harness.submission_files.read_source`).

    Raises:
        AnswerError: a link, not a regular file, too large, not UTF-8 text, a broken notebook.
    """
    source, notes = read_source(path, MAX_SOURCE_BYTES)
    return StudentCode(source, notes)
