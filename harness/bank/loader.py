"""Loading a bank: YAML with positions -> header -> includes -> questions validated per kind.

All problems in a bank are collected in one pass and raised together as :class:`BankErrors`,
each located at ``file:line:column``. What is valid but probably not meant (a question whose
declared points disagree with the points of its criteria or tests) is a warning on the
:class:`Bank`, which ``harness validate`` prints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from harness.bank.expressions import ExpressionError
from harness.bank.schema import BankHeader, BankPart, Question
from harness.bank.validation import error_message, error_path
from harness.bank.variants import Variant, VariantError, sample_values
from harness.errors import BankError, BankErrors, UnknownPluginError, YamlError
from harness.kinds import QuestionKind, kind_registry
from harness.kinds.text import synonym_table
from harness.yamlsource import PathKey, Positions, load_yaml

MAX_INCLUDE_DEPTH = 8


@dataclass(frozen=True)
class BankQuestion:
    """A validated question with the kind that grades it and where it was written."""

    question: Question
    kind: QuestionKind[Any]
    location: str  # file:line:col of the question


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    version: str
    path: Path
    questions: list[BankQuestion]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    content_hash: str = ""
    warnings: tuple[str, ...] = ()  # "file:line:col: message", for `harness validate`

    def question(self, question_id: str) -> BankQuestion | None:
        return next((q for q in self.questions if q.question.id == question_id), None)


@dataclass
class _Part:
    header: BankPart
    positions: Positions
    defaults: dict[str, Any]


def load_bank(path: Path) -> Bank:
    """Load and validate the bank at ``path`` with its includes.

    Raises:
        BankErrors: every problem found, each with its file:line:column.
        BankError: the top file cannot be read or parsed at all.
    """
    data, positions = _read_yaml(path)
    header = _validate(BankHeader, data, positions, ())
    errors: list[BankError] = []
    parts = _collect_parts(path, header, positions, {}, errors, seen=(path.resolve(),))
    warnings: list[str] = []
    questions = _questions(header.id, parts, errors, warnings)
    if errors:
        raise BankErrors(errors)
    synonyms: dict[str, list[str]] = {}
    for part in parts:
        synonyms.update(part.header.synonyms)
    return Bank(
        id=header.id,
        title=header.title,
        version=header.version,
        path=path,
        questions=questions,
        synonyms=synonym_table(synonyms),
        content_hash=_content_hash(header, questions),
        warnings=tuple(warnings),
    )


def load_banks(paths: list[Path]) -> list[Bank]:
    """Load several banks; question ids must be unique across them, as must bank ids.

    Raises:
        BankErrors: all the problems of all the banks.
    """
    banks, errors = [], []
    for path in paths:
        try:
            banks.append(load_bank(path))
        except BankErrors as exc:
            errors.extend(exc.errors)
        except BankError as exc:
            errors.append(exc)
    errors.extend(_cross_bank_errors(banks))
    if errors:
        raise BankErrors(errors)
    return banks


def _cross_bank_errors(banks: list[Bank]) -> list[BankError]:
    errors: list[BankError] = []
    bank_ids: dict[str, str] = {}
    question_ids: dict[str, str] = {}
    for bank in banks:
        if bank.id in bank_ids:
            errors.append(BankError(f"bank id {bank.id!r} also used by {bank_ids[bank.id]}", str(bank.path)))
        bank_ids.setdefault(bank.id, str(bank.path))
        for q in bank.questions:
            first = question_ids.setdefault(q.question.id, q.location)
            if first != q.location:
                errors.append(BankError(f"duplicate question id {q.question.id!r} (first at {first})", q.location))
    return errors


def _collect_parts(
    path: Path,
    header: BankPart,
    positions: Positions,
    inherited: dict[str, Any],
    errors: list[BankError],
    seen: tuple[Path, ...],
) -> list[_Part]:
    defaults = _merge(inherited, header.defaults)
    parts = [_Part(header, positions, defaults)]
    for i, name in enumerate(header.include):
        where = positions.at(("include", i))
        target = (path.parent / name).resolve()
        if target in seen:
            errors.append(BankError(f"include cycle: {name!r} is already being loaded", where))
        elif len(seen) > MAX_INCLUDE_DEPTH:
            errors.append(BankError(f"includes nested deeper than {MAX_INCLUDE_DEPTH}", where))
        elif not target.is_file():
            errors.append(BankError(f"included file {name!r} not found", where))
        else:
            try:
                data, sub_positions = _read_yaml(target)
                part = _validate(BankPart, data, sub_positions, ())
                parts += _collect_parts(target, part, sub_positions, defaults, errors, (*seen, target))
            except BankErrors as exc:
                errors.extend(exc.errors)
            except BankError as exc:
                errors.append(exc)
    return parts


def _read_yaml(path: Path) -> tuple[Any, Positions]:
    """The data of one bank file; a YAML mistake in it is a bank error at the same place."""
    try:
        return load_yaml(path)
    except YamlError as exc:
        raise BankError(exc.message, exc.location) from None


def _questions(bank_id: str, parts: list[_Part], errors: list[BankError], warnings: list[str]) -> list[BankQuestion]:
    result: list[BankQuestion] = []
    first_seen: dict[str, str] = {}
    for part in parts:
        for i, raw in enumerate(part.header.questions):
            prefix: PathKey = ("questions", i)
            try:
                bq = _question(bank_id, raw, part, prefix)
            except BankErrors as exc:
                errors.extend(exc.errors)
                continue
            except BankError as exc:
                errors.append(exc)
                continue
            qid = bq.question.id
            if qid in first_seen:
                errors.append(BankError(f"duplicate question id {qid!r} (first at {first_seen[qid]})", bq.location))
                continue
            first_seen[qid] = bq.location
            result.append(bq)
            warning = _points_warning(bq.question, raw, part, prefix)
            if warning:
                warnings.append(warning)
    return result


def _points_warning(question: Question, raw: dict[str, Any], part: _Part, prefix: PathKey) -> str | None:
    """Points inherited from ``defaults`` that disagree with what the criteria or tests add up to.

    A kind that derives its points (``text`` from its criteria, ``code`` from its tests)
    overrides ``max_points``. A ``points:`` written on the question is the author's decision
    (a cap, a scale); a ``points: 1`` inherited from ``defaults`` silently turns a
    3-criterion question into a 1-point one, so it is said out loud.
    """
    if "points" in raw or question.points is None or type(question).max_points is Question.max_points:
        return None
    derived = question.model_copy(update={"points": None}).max_points
    if abs(derived - question.points) < 1e-9:
        return None
    return (
        f"{part.positions.at(prefix)}: question {question.id!r} gets points: {question.points:g} from the "
        f"bank's defaults, but its criteria/tests add up to {derived:g}; it is worth {question.points:g}, "
        f"not {derived:g}. Set points on the question, or remove points from defaults"
    )


def _question(bank_id: str, raw: Any, part: _Part, prefix: PathKey) -> BankQuestion:
    where = part.positions.at(prefix)
    if not isinstance(raw, dict):
        raise BankError("a question must be a mapping of fields", where)
    kind_name = raw.get("kind")
    if not isinstance(kind_name, str):
        raise BankError("question has no kind (for example `kind: choice`)", where)
    try:
        kind: QuestionKind[Any] = kind_registry().get(kind_name)
    except UnknownPluginError as exc:
        known = ", ".join(kind_registry().names())
        raise BankError(
            f"unknown kind {kind_name!r} (known kinds: {known})", part.positions.at((*prefix, "kind"))
        ) from exc
    base_dir = Path(part.positions.file).parent
    question = _validate(kind.model, _merge(part.defaults, raw), part.positions, prefix, {"base_dir": base_dir})
    _check_variants(bank_id, question, where)
    return BankQuestion(question, kind, where)


def _check_variants(bank_id: str, question: Question, where: str) -> None:
    """Draw a few variants now, so a formula that fails for some values fails at load time."""
    try:
        probes = sample_values(question, bank_id) if question.parameters else [{}]
    except VariantError as exc:
        raise BankError(f"question {question.id!r}: {exc}", where) from None
    for values in probes:
        _evaluate_probe(Variant("probe", dict(values)), question, where)


def _evaluate_probe(variant: Variant, question: Question, where: str) -> None:
    try:
        for text in question.templated_texts():
            variant.render(text)
        answer = getattr(question, "answer", None)
        if isinstance(answer, str):
            value = variant.evaluate(answer)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ExpressionError(f"answer formula gives {value!r}, not a number")
    except ExpressionError as exc:
        raise BankError(f"question {question.id!r}: {exc} (with {variant.values})", where) from None


def _validate(
    model: type[BaseModel], data: Any, positions: Positions, prefix: PathKey, context: dict[str, Any] | None = None
) -> Any:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise BankErrors([_located(error, model, data, positions, prefix) for error in exc.errors()]) from None


def _located(error: Any, model: type[BaseModel], data: Any, positions: Positions, prefix: PathKey) -> BankError:
    path = error_path(data, tuple(error["loc"]))
    message = error_message(error, path, model.model_fields, _kind_label(model))
    return BankError(message, positions.at((*prefix, *path)))


def _kind_label(model: type[BaseModel]) -> str:
    kind = model.model_fields.get("kind")
    return f"kind {kind.default!r}" if kind is not None and kind.default else model.__name__


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Defaults under a question: mappings merge one level deep, everything else overrides."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _content_hash(header: BankHeader, questions: list[BankQuestion]) -> str:
    files = [path for q in questions for path in q.question.content_files()]
    payload = {
        "id": header.id,
        "version": header.version,
        "questions": [q.question.model_dump(mode="json") for q in questions],
        "files": [hashlib.sha256(path.read_bytes()).hexdigest() for path in files],  # references, checks
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
