"""The result log: versioned, typed records that every report is rendered from.

A grading run writes one :class:`StudentResult` per student and one :class:`CohortResult`
that holds them all. Reports never look at live objects, only at these records, so a report
can be re-rendered from the JSON alone. Serialisation is deterministic: the same inputs give
byte-identical JSON (no timestamps, sorted keys, rounded floats).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, SerializeAsAny
from pydantic_core import PydanticSerializationError

from harness.evidence import Evidence, UngradedEvidence, parse_evidence, upgrade_v1_evidence
from harness.records import Data, Record, Text, printable_data
from harness.second_process import text_across_two
from harness.similarity.record import CohortSimilarity

SCHEMA_VERSION = 2
SCORE_DECIMALS = 6


class Status(StrEnum):
    """How one question went for one student."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"  # no answer given
    INVALID = "invalid"  # an answer of the wrong type or shape
    ERROR = "error"  # the grader itself failed on this answer (recorded, never raised)


class ProblemCode(StrEnum):
    """What went wrong for a student (or the cohort) that did not stop the run."""

    ANSWERS_UNREADABLE = "answers-unreadable"  # the answers file as a whole
    ANSWER_UNREADABLE = "answer-unreadable"  # one entry of it
    NO_ANSWERS = "no-answers"
    UNKNOWN_QUESTION = "unknown-question"
    NAME_NOT_UTF8 = "name-not-utf8"
    SKIPPED_LINK = "skipped-link"
    SKIPPED_FILE = "skipped-file"  # a student's work at the cohort's top level, not in a folder
    STUDENT_DROPPED = "student-dropped"
    LOOKALIKE_STUDENTS = "lookalike-students"
    ZIP_NAME_NOT_UTF8 = "zip-name-not-utf8"
    ZIP_UNSAFE_ENTRY = "zip-unsafe-entry"
    ZIP_DUPLICATE_ENTRY = "zip-duplicate-entry"
    ZIP_UNWRITABLE_ENTRY = "zip-unwritable-entry"
    ZIP_UNREADABLE_ENTRY = "zip-unreadable-entry"
    ZIP_OVERSIZED_ENTRY = "zip-oversized-entry"


# Problems that leave a student with no answers at all: a non-attempt, not a zero.
NON_ATTEMPT = frozenset({ProblemCode.NO_ANSWERS, ProblemCode.ANSWERS_UNREADABLE})


class Problem(Record):
    """Something that went wrong for a student and did not stop the run."""

    code: ProblemCode
    message: Text  # one clear line for a person
    location: Text | None = None  # file:line where it applies


class QuestionResult(Record):
    question_id: Text
    kind: str
    topic: str | None = None
    score: float
    max_score: float
    status: Status
    feedback: list[Text] = Field(default_factory=list)
    answer: Data = None  # the student's answer, as given (JSON-safe)
    evidence: Annotated[SerializeAsAny[Evidence], BeforeValidator(parse_evidence)] = Field(
        default_factory=UngradedEvidence
    )  # what decided the score, typed by kind (harness.evidence)
    variant: dict[str, Any] | None = None  # parameter values of this student's variant
    prompt: Text | None = None  # this student's rendered prompt, for parameterised questions
    option_order: list[Text] | None = None  # choice: the order this student was shown
    reveal: bool = True  # False: the expected answer must not be shown to the student
    # A self-check: points of the parts it did not run (hidden tests); absent from a grading run's log.
    hidden_points: float | None = Field(default=None, exclude_if=lambda value: value is None)


class OptionInfo(Record):
    id: str
    text: str
    correct: bool


class QuestionInfo(Record):
    """What a report needs to show a question, taken from the bank at grading time."""

    id: str
    bank_id: str
    kind: str
    prompt: str  # Markdown; for a parameterised question, the template (students get theirs)
    points: float
    topic: str | None = None
    difficulty: str | None = None
    objective: str | None = None
    visibility: str  # "public", "hidden" or "after YYYY-MM-DD"
    options: list[OptionInfo] = Field(default_factory=list)  # choice questions
    parameterized: bool = False


class BankRef(Record):
    id: str
    title: str
    version: str
    content_hash: str  # sha256 of the canonical question data: ties a result to a bank


class StudentResult(Record):
    schema_version: int = SCHEMA_VERSION
    student_id: Text
    banks: list[BankRef]
    score: float
    max_score: float
    questions: list[QuestionResult]
    problems: list[Problem] = Field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


class CohortResult(Record):
    schema_version: int = SCHEMA_VERSION
    cohort: Text
    mode: str  # "grade" (instructor) or "check" (student self-check)
    banks: list[BankRef]
    questions: list[QuestionInfo]
    sandbox: str | None = None  # which sandbox backend ran code questions (later issues)
    seed_secret: str | None = None  # seeds statistical tests; for instructors: reproduces the run
    students: list[StudentResult]
    problems: list[Problem] = Field(default_factory=list)  # cohort-level: unreadable folders...
    # pairs of alike submissions, when the run was asked for them (harness grade --similarity);
    # absent from the JSON otherwise, so logs of runs without it are unchanged
    similarity: CohortSimilarity | None = Field(default=None, exclude_if=lambda value: value is None)


@dataclass(frozen=True)
class StudentLine:
    """A student's line of a cohort's summary: their score and how many problems they have."""

    student_id: str
    score: float
    max_score: float
    problems: int

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class CohortSummary:
    """What ``harness grade`` prints of a cohort: a line per student, the number of
    questions, what the cohort as a whole lost. Cheap to make from stored results (see
    :meth:`harness.store.cohort.StoreGrading.summary`), unlike the whole typed cohort."""

    students: list[StudentLine]
    questions: int
    problems: list[Problem]

    @classmethod
    def of(cls, cohort: CohortResult) -> CohortSummary:
        lines = [StudentLine(s.student_id, s.score, s.max_score, len(s.problems)) for s in cohort.students]
        return cls(lines, len(cohort.questions), cohort.problems)


def round_score(value: float) -> float:
    """Round a score so that float noise never changes the JSON bytes."""
    rounded = round(value, SCORE_DECIMALS)
    return 0.0 if rounded == 0 else rounded


def dump_json(record: BaseModel) -> str:
    """Deterministic JSON: fields in declaration order, two-space indent, trailing newline.

    pydantic's serializer writes in Rust, ~10x faster and leaner than ``json.dumps`` over a
    ``model_dump``; dict fields keep the order the graders built them in, which is fixed.
    Never raises for the text in a record: see :func:`_record_json`.
    """
    return _record_json(record) + "\n"


def _record_json(record: BaseModel) -> str:
    """``record`` as indented JSON. Student text is cleaned when a record is built, but a
    record built without validation (``model_copy``, ``model_construct``) can still hold a
    string UTF-8 cannot encode; one such string must not cost the whole cohort its results,
    so the record is then rebuilt with every string made :func:`printable`."""
    try:
        return record.model_dump_json(indent=2)
    except PydanticSerializationError:
        cleaned = type(record).model_validate(printable_data(record.model_dump()))
        return cleaned.model_dump_json(indent=2)


def write_cohort_json(
    cohort: CohortResult,
    path: Path,
    students: StudentJson | None = None,
    each: Callable[[StudentResult, str], None] | None = None,
) -> None:
    """Write exactly ``dump_json(cohort)``, one student at a time, so memory stays flat.

    The whole cohort as one string is tens of megabytes for a thousand students; streaming
    keeps the peak to one student's record. A record is indented by replacing its newlines:
    pretty JSON has no blank line (a string's newline is escaped), so this is exactly what
    ``textwrap.indent`` gives, at a fraction of its cost. ``students`` writes each student's
    record (pass one to share its question results' JSON with other files); ``each`` is then
    called with every student and their record's text as it is written, while the JSON of
    their question results is still at hand (the JSON report writes their own file there).
    A large cohort's tail is rendered (and ``each`` called) in a second process
    (:func:`~harness.second_process.text_across_two`); the bytes are the same.
    """
    records = students if students is not None else StudentJson()
    shell = dump_json(cohort.model_copy(update={"students": []}))
    head, tail = shell.split('"students": []', 1)  # quotes inside values are escaped: unique

    def item(numbered: tuple[int, StudentResult]) -> str:
        i, student = numbered
        text = records.text(student)
        if each is not None:
            each(student, text)
        return ("," if i else "") + "\n    " + text.replace("\n", "\n    ")

    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(head + '"students": [')
        part = path.with_name(path.name + ".part")
        for text in text_across_two(list(enumerate(cohort.students)), item, part):
            out.write(text)
        out.write(("\n  ]" if cohort.students else "]") + tail)


class StudentJson:
    """Students' records as :func:`dump_json` writes them (without its last newline), each
    question result's JSON written once however many records hold that result object.

    A run shares one result object between the students who gave the same answer, and the
    JSON report writes every student twice (in ``results.json`` and in their own file): a
    record is its other fields with its questions' JSON joined in, indented as pydantic
    indents a list item (``tests/test_results_log.py`` checks the bytes).
    """

    REMEMBERED = 20_000  # question results whose JSON is kept (each held with it: ids stay theirs)

    def __init__(self) -> None:
        self._questions: dict[int, tuple[QuestionResult, str]] = {}

    def text(self, student: StudentResult) -> str:
        """``dump_json(student)`` without its last newline."""
        try:
            shell = student.model_copy(update={"questions": []}).model_dump_json(indent=2)
            questions = [self._question(q) for q in student.questions]
        except PydanticSerializationError:  # a string UTF-8 cannot encode: see _record_json
            return _record_json(student)
        if not questions:
            return shell
        head, tail = shell.split('"questions": []', 1)  # quotes inside values are escaped: unique
        return head + '"questions": [\n    ' + ",\n    ".join(questions) + "\n  ]" + tail

    def _question(self, result: QuestionResult) -> str:
        """``result``'s JSON as an item of a record's list of questions."""
        found = self._questions.get(id(result))
        if found is not None:
            return found[1]
        text = result.model_dump_json(indent=2).replace("\n", "\n    ")
        if len(self._questions) >= self.REMEMBERED:
            self._questions.clear()
        self._questions[id(result)] = (result, text)
        return text


def read_cohort(path: Path) -> CohortResult:
    """Load a cohort result written by :func:`write_cohort_json`.

    Raises:
        HarnessError: the file is missing, not JSON, or of another schema version.
    """
    from harness.errors import HarnessError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HarnessError(f"{path}: cannot read results: {exc}") from None
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version == 1:
        data = upgrade_v1(data)
    elif version != SCHEMA_VERSION:
        raise HarnessError(f"{path}: results schema_version {version!r}, this harness reads 1 and {SCHEMA_VERSION}")
    return CohortResult.model_validate(data)


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 cohort log (its JSON data) as version 2 writes it: evidence typed (see
    :func:`harness.evidence.upgrade_v1_evidence`), a self-check's ``hidden_points`` moved from
    the evidence to the result. Malformed data is left for validation to refuse."""
    students = data.get("students")
    if not isinstance(students, list):
        return data
    return {**data, "schema_version": SCHEMA_VERSION, "students": [_upgrade_v1_student(s) for s in students]}


def _upgrade_v1_student(student: Any) -> Any:
    if not isinstance(student, dict) or not isinstance(student.get("questions"), list):
        return student
    questions = [_upgrade_v1_question(q) for q in student["questions"]]
    return {**student, "schema_version": SCHEMA_VERSION, "questions": questions}


def _upgrade_v1_question(question: Any) -> Any:
    if not isinstance(question, dict) or not isinstance(question.get("evidence", {}), dict):
        return question
    evidence = question.get("evidence", {})
    upgraded = {
        **question,
        "evidence": upgrade_v1_evidence(str(question.get("kind")), str(question.get("status")), evidence),
    }
    if "hidden_points" in evidence:
        upgraded["hidden_points"] = evidence["hidden_points"]
    return upgraded
