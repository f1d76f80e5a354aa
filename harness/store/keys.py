"""The content keys of the result store: what decides one (student, question) grade, hashed.

A grade is reused only when every input that could change it is unchanged, so the key of a
(student, question) is the SHA-256 of:

- the run: the store's key format, the harness version, the Python and library versions that
  grade (numpy, scipy, pydantic, ...), the mode, the sandbox and the seed secret;
- the question: its bank's id and synonyms, its validated content (the same dump as the bank's
  content hash) and the bytes of the files it names (reference solution, wrong solutions,
  metric suites: :meth:`Question.content_files`);
- the student: their id (variants are drawn from it), their answers.yaml entry for this
  question (or why it could not be read), why they gave no answer at all, and the bytes of
  every other file in their folder (a notebook, an outputs file);
- ``reveal``: whether the question's answers are shown on ``--today``. That, and which
  questions a self-check grades, is all that the date decides, so a re-grade on another day
  reuses every grade whose visibility did not change.

Editing one question therefore changes the keys of that question only; a resubmission changes
the keys of that student only.

A whole student has a key too (:func:`student_fingerprint`), made from the raw bytes of their
folder and from everything about the plan that their result depends on
(:func:`plan_fingerprint`): an unchanged student is found by it without reading (parsing)
their answers at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import __version__
from harness.submissions import ANSWER_FILES, StudentFolder, Submission
from harness.versions import installed_version

if TYPE_CHECKING:  # the runner imports the store
    from harness.grading.runner import GradingPlan
    from harness.kinds import LoadedBank, LoadedQuestion
    from harness.kinds.lifecycle import RunRecord

KEY_FORMAT = 1  # bump when what goes into a key changes
GRADING_LIBRARIES = ("numpy", "scipy", "pydantic", "pyyaml", "rapidfuzz", "nltk", "sacrebleu", "rouge-score", "torch")


@dataclass(frozen=True)
class QuestionSlot:
    """One question of the plan and the hash of everything about it that decides a grade."""

    bank: LoadedBank
    loaded: LoadedQuestion
    fingerprint: str

    @property
    def question_id(self) -> str:
        return self.loaded.question.id


def run_fingerprint(plan: GradingPlan, record: RunRecord | None = None) -> str:
    """The hash of what decides every grade of the run alike (versions, mode, sandbox, seed).

    ``record`` is what the run's scopes record (default: the open run's, ``plan.resources``);
    given, the run need not be open."""
    record = record if record is not None else plan.resources.record()
    return _digest(
        {
            "format": KEY_FORMAT,
            "harness": __version__,
            "python": platform.python_version(),
            "libraries": library_versions(),
            "mode": plan.mode,
            "sandbox": record.sandbox,
            "seed_secret": record.seed_secret,
        }
    )


def question_slots(plan: GradingPlan) -> list[QuestionSlot]:
    """Every question the plan grades, in the plan's order, with its content fingerprint."""
    synonyms = {bank.id: _digest(_jsonable(bank.synonyms)) for bank in plan.banks}
    return [
        QuestionSlot(bank, bq, _digest(_question_payload(bank.id, synonyms[bank.id], bq)))
        for bank, bq in plan.questions()
    ]


def student_keys(
    plan: GradingPlan, run: str, slots: list[QuestionSlot], submission: Submission, files: str | None = None
) -> dict[str, str]:
    """Question id -> the key of this student's grade for it. ``files`` is the
    :func:`folder_digest` of their folder when it was computed already in this run."""
    return GradeKeys(plan, run, slots).of(submission, files)


class GradeKeys:
    """The keys of every student's grades in one run (see :func:`student_keys`).

    A key is the :func:`digest` of ``{"answer", "answered", "files", "no_answer", "question",
    "reveal", "run", "student", "unreadable"}``. Its canonical JSON is those fields in that
    (sorted) order, so it is written here by joining the parts, each encoded once where it is
    decided: per question for the run, per student, and only the answer per (student,
    question); a cohort's keys are then a small share of its grading. The bytes are the plain
    dump's, so a store written before is still found (``tests/store/test_keys.py``).
    """

    def __init__(self, plan: GradingPlan, run: str, slots: list[QuestionSlot]) -> None:
        self._run = _canonical(run)
        self._slots = [
            (
                slot.question_id,
                f'"question":{_canonical(slot.fingerprint)},'
                f'"reveal":{_canonical(slot.loaded.question.is_public_on(plan.today))},',
            )
            for slot in slots
        ]

    def of(self, submission: Submission, files: str | None = None) -> dict[str, str]:
        """Question id -> the key of ``submission``'s grade for it, in the plan's order."""
        files = files if files is not None else folder_digest(submission.folder)
        student = f'"files":{_canonical(files)},"no_answer":{_canonical(_no_answer_reason(submission))},'
        identity = f'"run":{self._run},"student":{_canonical(submission.student_id)},"unreadable":'
        answers, unreadable = submission.answers, submission.unreadable
        keys: dict[str, str] = {}
        for qid, slot in self._slots:
            lost = unreadable.get(qid)
            text = (
                f'{{"answer":{_answer_json(answers.get(qid))},"answered":{"true" if qid in answers else "false"},'
                f"{student}{slot}{identity}{_canonical([lost.message, lost.location]) if lost else 'null'}}}"
            )
            keys[qid] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return keys


def plan_fingerprint(plan: GradingPlan, run: str, slots: list[QuestionSlot]) -> str:
    """The hash of everything about the run and its banks that a student's whole result
    depends on: every question key's run and question parts, and what a student's result
    takes from the plan besides their grades (the banks it names, every question id of the
    banks: an answer to another one is reported as unknown)."""
    return _digest(
        {
            "run": run,
            "questions": [
                [s.bank.id, s.question_id, s.fingerprint, s.loaded.question.is_public_on(plan.today)] for s in slots
            ],
            "banks": [ref.model_dump(mode="json") for ref in plan.bank_refs()],
            "every_question": [[bank.id, bq.question.id] for bank in plan.banks for bq in bank.questions],
        }
    )


def student_fingerprint(plan: str, student: StudentFolder, files: str) -> str:
    """The key of a student's whole result, from the raw bytes of their folder (answers file
    included, unparsed; ``files`` is the :func:`folder_digest` of the rest), their id, how their
    folder is named in problems, and what collecting the cohort found about them. Equal keys:
    an equal result (see :func:`plan_fingerprint`)."""
    return _digest(
        {
            "plan": plan,
            "student": student.student_id,
            "display": student.display,
            "collected": [p.model_dump(mode="json") for p in student.problems],
            "answers": answers_digest(student.folder),
            "files": files,
        }
    )


def answers_digest(folder: Path) -> str:
    """The hash of the answers files of a student's folder, by name and bytes, unparsed."""
    digest = hashlib.sha256()
    for name in ANSWER_FILES:
        _hash_entry(digest, folder / name, name)
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """The hash of every file in a student's folder but the answers file (whose entries are
    hashed one by one), by relative path and bytes; links are hashed by their target's name."""
    digest = hashlib.sha256()
    if not folder.is_dir():
        return digest.hexdigest()
    for parts, entry in _entries(folder):
        relative = "/".join(parts)
        if relative not in ANSWER_FILES:
            _hash_listed(digest, entry, relative)
    return digest.hexdigest()


def _entries(folder: Path) -> list[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Every entry under ``folder`` but its real folders, as relative parts, in the order of
    ``sorted(folder.rglob("*"))`` (a link to a folder is listed, not entered), with what the
    listing says of it: a re-grade hashes every student's folder, so no entry is stat'ed."""
    found: list[tuple[tuple[str, ...], os.DirEntry[str]]] = []
    pending: list[tuple[tuple[str, ...], str]] = [((), str(folder))]
    while pending:
        base, path = pending.pop()
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:  # as rglob: a folder that cannot be listed is skipped
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(((*base, entry.name), entry.path))
            else:
                found.append(((*base, entry.name), entry))
    found.sort(key=lambda item: item[0])
    return found


def _hash_entry(digest: Any, path: Path, relative: str) -> None:
    """Add a file to ``digest``: its relative path, then a link's target name, a file's bytes
    (hashed), or why it could not be read; a path that is not there adds its name only."""
    digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
    try:
        if path.is_symlink():
            digest.update(b"L" + str(path.readlink()).encode("utf-8", "surrogateescape"))
        elif path.is_file():
            digest.update(b"F")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        elif path.exists():
            digest.update(b"O")  # not a regular file (a folder named like an answers file, a pipe)
    except OSError as exc:  # unreadable: graded as such, and hashed as such
        digest.update(f"unreadable {exc.errno}".encode())
    digest.update(b"\0")


def _hash_listed(digest: Any, entry: os.DirEntry[str], relative: str) -> None:
    """:func:`_hash_entry` for an entry of a folder's listing (its kind known from it)."""
    digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
    try:
        if entry.is_symlink():
            digest.update(b"L" + os.readlink(entry.path).encode("utf-8", "surrogateescape"))
        elif entry.is_file(follow_symlinks=False):
            digest.update(b"F")
            with open(entry.path, "rb") as stream:
                digest.update(hashlib.sha256(stream.read()).digest())
        else:
            digest.update(b"O")  # not a regular file (a pipe, a socket)
    except OSError as exc:  # unreadable: graded as such, and hashed as such
        digest.update(f"unreadable {exc.errno}".encode())
    digest.update(b"\0")


def library_versions() -> dict[str, str | None]:
    return {name: installed_version(name) for name in GRADING_LIBRARIES}


def _question_payload(bank_id: str, synonyms: str, bq: LoadedQuestion) -> dict[str, Any]:
    question = bq.question
    files: list[str | None] = []
    for path in question.content_files():
        try:
            files.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:  # the loader checked it; gone since: graded (and keyed) as missing
            files.append(None)
    return {
        "bank": bank_id,
        "synonyms": synonyms,
        "kind": bq.kind.name,
        "question": question.model_dump(mode="json"),
        "files": files,
    }


def _no_answer_reason(submission: Submission) -> list[str]:
    return sorted(f"{p.code}:{p.message}" for p in submission.problems)


def _jsonable(value: Any) -> Any:
    """Answers come from YAML: dates and sets are made JSON by their ``repr``."""
    return json.loads(json.dumps(value, sort_keys=True, default=repr, ensure_ascii=False))


def _answer_json(value: Any) -> str:
    """``_canonical(_jsonable(value))``: the answers a quiz mostly gets (a string, a number, a
    list of strings) written as the JSON encoder writes them, without its per-call set-up; the
    others through the round trip, which turns a mapping's non-string keys into strings."""
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is list and all(type(item) is str for item in value):
        return "[" + ",".join(map(_json_string, value)) + "]"
    if kind is bool or value is None:
        return "true" if value is True else "false" if value is False else "null"
    if kind is int:
        return int.__repr__(value)
    if kind is float and value == value and value not in (_INFINITY, -_INFINITY):
        return float.__repr__(value)
    return _canonical(_jsonable(value))


_INFINITY = float("inf")
_json_string = json.encoder.encode_basestring  # what the encoder writes a str as, ensure_ascii off


def _canonical(value: Any) -> str:
    return _CANONICAL(value)


# ``json.dumps`` with options builds an encoder per call: a third of a key's cost
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr).encode


def digest(payload: Any) -> str:
    """The SHA-256 of ``payload`` as canonical JSON (sorted keys; non-JSON values by ``repr``)."""
    return _digest(payload)


def _digest(payload: Any) -> str:
    return hashlib.sha256(_canonical(payload).encode("utf-8", "surrogatepass")).hexdigest()
