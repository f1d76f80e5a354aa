"""Similarity over a cohort folder (or zip export) and its banks: documents in, report out.

Each code question's file is one item (questions sharing a file are compared once, with all
their references excluded); each text question is one item, with its prompt and reference
answer excluded. The report's JSON shape is stable (``schema_version``) and documented in
``docs/similarity.md``; the cohort report can read it or call :func:`find_similar`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.errors import AnswerError
from harness.kinds import LoadedBank
from harness.similarity.code import code_document, code_hashes
from harness.similarity.pairs import Document, Match, SimilaritySettings, compare_documents
from harness.similarity.text import text_document, text_hashes
from harness.submissions import Submission, collect_cohort

SCHEMA_VERSION = 1


@dataclass
class Item:
    """One thing compared across the cohort, with what no match may count."""

    name: str
    kind: str  # "code" or "text"
    excluded: set[int] = field(default_factory=set)
    documents: list[Document] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # student -> the text compared (for HTML)


@dataclass(frozen=True)
class SimilarityReport:
    settings: SimilaritySettings
    documents: int
    items: list[str]
    pairs: list[Match]
    skipped: list[str]  # files that could not be read, one line each
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # item -> student -> text

    def to_json(self) -> str:
        document = {
            "schema_version": SCHEMA_VERSION,
            "settings": asdict(self.settings),
            "compared": {"documents": self.documents, "items": self.items},
            "pairs": [
                {
                    "item": m.item,
                    "kind": m.kind,
                    "a": m.a,
                    "b": m.b,
                    "score": m.score,
                    "shared": m.shared,
                    "regions": [{"a": list(r.a), "b": list(r.b)} for r in m.regions],
                }
                for m in self.pairs
            ],
            "skipped": self.skipped,
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"


def find_similar(
    submissions: Path,
    banks: Sequence[LoadedBank],
    starter: Sequence[Path] = (),
    settings: SimilaritySettings | None = None,
) -> SimilarityReport:
    """Compare every student's code files and text answers with everyone else's.

    Raises:
        SubmissionError: the cohort cannot be read at all.
        HarnessError: a starter file cannot be read.
    """
    chosen = settings or SimilaritySettings()
    with tempfile.TemporaryDirectory(prefix="harness-similarity-") as workdir:
        cohort = collect_cohort(submissions, Path(workdir))
        items = _items(banks, starter, chosen)
        skipped: list[str] = []
        for submission in cohort.submissions:
            _add_submission(submission, items, chosen, skipped)
    pairs = [m for item in items.values() for m in compare_documents(item.documents, item.excluded, chosen)]
    return SimilarityReport(
        settings=chosen,
        documents=sum(len(i.documents) for i in items.values()),
        items=sorted(items),
        pairs=sorted(pairs, key=lambda m: (-m.score, m.item, m.a, m.b)),
        skipped=skipped,
        sources={name: item.sources for name, item in items.items()},
    )


def _items(banks: Sequence[LoadedBank], starter: Sequence[Path], settings: SimilaritySettings) -> dict[str, Item]:
    from harness.errors import HarnessError
    from harness.kinds.code import CodeQuestion
    from harness.kinds.text import TextQuestion

    try:
        starter_hashes = set().union(*(code_hashes(p.read_text(encoding="utf-8"), settings) for p in starter))
    except (OSError, UnicodeDecodeError) as exc:
        raise HarnessError(f"cannot read a starter file: {exc}") from None
    items: dict[str, Item] = {}
    for bank in banks:
        for bq in bank.questions:
            question = bq.question
            if isinstance(question, CodeQuestion):
                item = items.setdefault(question.file, Item(question.file, "code", set(starter_hashes)))
                reference = question.program(question.reference)  # an AnswerError: one line
                item.excluded |= code_hashes(reference, settings)
            elif isinstance(question, TextQuestion):
                excluded = text_hashes(question.prompt, settings.text_n)
                excluded |= text_hashes(question.reference or "", settings.text_n)
                items[question.id] = Item(question.id, "text", excluded)
    return items


def _add_submission(
    submission: Submission, items: dict[str, Item], settings: SimilaritySettings, skipped: list[str]
) -> None:
    from harness.kinds.code import read_student_code

    for name, item in items.items():
        student = submission.student_id
        if item.kind == "text":
            answer = submission.answers.get(name)
            if isinstance(answer, str) and answer.strip():
                item.documents.append(text_document(student, name, answer, settings.text_n))
                item.sources[student] = answer
            continue
        path = _student_file(submission.folder, name)
        if path is None:
            continue
        try:
            source = read_student_code(path).source
        except AnswerError as exc:
            skipped.append(f"{student}/{path.name}: {exc}")
            continue
        item.documents.append(code_document(student, name, source, settings))
        item.sources[student] = source


def _student_file(folder: Path, name: str) -> Path | None:
    """The student's ``x.py``, or ``x.ipynb`` for it, as the code kind finds it."""
    wanted = Path(name)
    for candidate in (wanted, wanted.with_suffix(".ipynb")):
        path = folder / candidate.name
        if path.exists() or path.is_symlink():
            return path
    return None
