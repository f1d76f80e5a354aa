"""The result log: versioned, typed records that every report is rendered from.

A grading run writes one :class:`StudentResult` per student and one :class:`CohortResult`
that holds them all. Reports never look at live objects, only at these records, so a report
can be re-rendered from the JSON alone. Serialisation is deterministic: the same inputs give
byte-identical JSON (no timestamps, sorted keys, rounded floats).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticSerializationError

SCHEMA_VERSION = 1
SCORE_DECIMALS = 6


class Status(StrEnum):
    """How one question went for one student."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"  # no answer given
    INVALID = "invalid"  # an answer of the wrong type or shape
    ERROR = "error"  # the grader itself failed on this answer (recorded, never raised)


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every lone surrogate written out visibly, so it can be encoded as UTF-8.

    Student text reaches results from places that can hold code points no UTF-8 file can:
    an exception message or a notebook decoded from JSON (``"\\ud800"``), a folder or zip
    entry name that is not UTF-8 (Python keeps each undecodable byte as U+DC80..U+DCFF). An
    undecodable byte is shown as ``\\xNN``, any other lone surrogate as ``\\uNNNN``.
    """
    if text.isascii():
        return text
    return _SURROGATE.sub(_escape_surrogate, text)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (os.fsdecode, surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def printable_data(value: Any) -> Any:
    """:func:`printable` applied to every string (keys included) of nested dicts and lists."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(v) for v in value]
    return value


# Fields that carry student-provided text: cleaned where it enters the result log.
Text = Annotated[str, AfterValidator(printable)]
Data = Annotated[Any, AfterValidator(printable_data)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(Record):
    """Something that went wrong for a student and did not stop the run."""

    code: Text  # machine-readable: answers-unreadable, unknown-question, ...
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
    evidence: Annotated[dict[str, Any], AfterValidator(printable_data)] = Field(default_factory=dict)  # why
    variant: dict[str, Any] | None = None  # parameter values of this student's variant
    prompt: Text | None = None  # this student's rendered prompt, for parameterised questions
    option_order: list[Text] | None = None  # choice: the order this student was shown
    reveal: bool = True  # False: the expected answer must not be shown to the student


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


def write_cohort_json(cohort: CohortResult, path: Path) -> None:
    """Write exactly ``dump_json(cohort)``, one student at a time, so memory stays flat.

    The whole cohort as one string is tens of megabytes for a thousand students; streaming
    keeps the peak to one student's record.
    """
    shell = dump_json(cohort.model_copy(update={"students": []}))
    head, tail = shell.split('"students": []', 1)  # quotes inside values are escaped: unique
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(head + '"students": [')
        for i, student in enumerate(cohort.students):
            out.write(("," if i else "") + "\n" + textwrap.indent(_record_json(student), "    "))
        out.write(("\n  ]" if cohort.students else "]") + tail)


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
    if version != SCHEMA_VERSION:
        raise HarnessError(f"{path}: results schema_version {version!r}, this harness reads {SCHEMA_VERSION}")
    return CohortResult.model_validate(data)
