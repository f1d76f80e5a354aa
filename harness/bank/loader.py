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
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from harness.bank.expressions import ExpressionError
from harness.bank.schema import BankHeader, BankPart, Question
from harness.bank.validation import error_message, error_path
from harness.bank.variants import Variant, VariantError, sample_values
from harness.errors import BankError, BankErrors, PluginError, UnknownPluginError, YamlError
from harness.yamlsource import PathKey, Positions, load_yaml

MAX_INCLUDE_DEPTH = 8


class BankKind(Protocol):
    """What loading a bank asks of a question kind (the kinds satisfy it; bank never imports them).

    ``model`` validates the kind's questions; ``probe`` evaluates a question's formulas for a
    sample variant (raising ExpressionError or VariantError when one fails); ``synonym_index``
    turns the bank's declared ``synonyms`` into the lookup the kind matches with (most kinds
    use none and return an empty mapping).
    """

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> type[Question]: ...

    def probe(self, question: Any, variant: Variant) -> None: ...

    def synonym_index(self, declared: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]: ...


K = TypeVar("K", bound=BankKind)
K_co = TypeVar("K_co", bound=BankKind, covariant=True)


class KindLookup(Protocol[K_co]):
    """The installed kinds by name, passed in by the layer above (``harness.kinds.kind_registry()``)."""

    def get(self, name: str) -> K_co:
        """The kind called ``name``; raises UnknownPluginError listing the known ones."""
        ...

    def names(self) -> list[str]: ...


@dataclass(frozen=True)
class BankQuestion(Generic[K]):
    """A validated question with the kind that grades it and where it was written."""

    question: Question
    kind: K
    location: str  # file:line:col of the question


@dataclass(frozen=True)
class Bank(Generic[K]):
    id: str
    title: str
    version: str
    path: Path
    questions: list[BankQuestion[K]]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    content_hash: str = ""
    warnings: tuple[str, ...] = ()  # "file:line:col: message", for `harness validate`

    def question(self, question_id: str) -> BankQuestion[K] | None:
        return next((q for q in self.questions if q.question.id == question_id), None)


@dataclass
class _Part:
    header: BankPart
    positions: Positions
    defaults: dict[str, Any]


def load_bank(path: Path, kinds: KindLookup[K]) -> Bank[K]:
    """Load and validate the bank at ``path`` with its includes, each question by its kind in
    ``kinds``.

    Raises:
        BankErrors: every problem found, each with its file:line:column.
        BankError: the top file cannot be read or parsed at all.
    """
    data, positions = _read_yaml(path)
    header = _validate(BankHeader, data, positions, ())
    errors: list[BankError] = []
    parts = _collect_parts(path, header, positions, {}, errors, seen=(path.resolve(),))
    warnings: list[str] = []
    questions = _questions(header.id, parts, kinds, errors, warnings)
    if errors:
        raise BankErrors(errors)
    declared: dict[str, list[str]] = {}
    for part in parts:
        declared.update(part.header.synonyms)
    synonyms: dict[str, tuple[str, ...]] = {}
    for kind in {id(bq.kind): bq.kind for bq in questions}.values():  # each kind once, in bank order
        synonyms.update(kind.synonym_index(declared))
    return Bank(
        id=header.id,
        title=header.title,
        version=header.version,
        path=path,
        questions=questions,
        synonyms=synonyms,
        content_hash=_content_hash(header, questions),
        warnings=tuple(warnings),
    )


def load_banks(paths: list[Path], kinds: KindLookup[K]) -> list[Bank[K]]:
    """Load several banks; question ids must be unique across them, as must bank ids.

    Raises:
        BankErrors: all the problems of all the banks.
    """
    banks: list[Bank[K]] = []
    errors: list[BankError] = []
    for path in paths:
        try:
            banks.append(load_bank(path, kinds))
        except BankErrors as exc:
            errors.extend(exc.errors)
        except BankError as exc:
            errors.append(exc)
    errors.extend(_cross_bank_errors(banks))
    if errors:
        raise BankErrors(errors)
    return banks


def _cross_bank_errors(banks: list[Bank[K]]) -> list[BankError]:
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


def _questions(
    bank_id: str, parts: list[_Part], kinds: KindLookup[K], errors: list[BankError], warnings: list[str]
) -> list[BankQuestion[K]]:
    result: list[BankQuestion[K]] = []
    first_seen: dict[str, str] = {}
    for part in parts:
        for i, raw in enumerate(part.header.questions):
            prefix: PathKey = ("questions", i)
            try:
                bq = _question(bank_id, raw, part, prefix, kinds)
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


def _question(bank_id: str, raw: Any, part: _Part, prefix: PathKey, kinds: KindLookup[K]) -> BankQuestion[K]:
    where = part.positions.at(prefix)
    if not isinstance(raw, dict):
        raise BankError("a question must be a mapping of fields", where)
    kind_name = raw.get("kind")
    if not isinstance(kind_name, str):
        raise BankError("question has no kind (for example `kind: choice`)", where)
    try:
        kind = kinds.get(kind_name)
    except PluginError as exc:  # installed but broken: say why, not "unknown"
        raise BankError(exc.message, part.positions.at((*prefix, "kind"))) from exc
    except UnknownPluginError as exc:
        known = ", ".join(kinds.names())
        raise BankError(
            f"unknown kind {kind_name!r} (known kinds: {known})", part.positions.at((*prefix, "kind"))
        ) from exc
    base_dir = Path(part.positions.file).parent
    question = _validate(kind.model, _merge(part.defaults, raw), part.positions, prefix, {"base_dir": base_dir})
    _check_variants(bank_id, question, kind, where)
    return BankQuestion(question, kind, where)


def _check_variants(bank_id: str, question: Question, kind: BankKind, where: str) -> None:
    """Draw a few variants now, so a formula that fails for some values fails at load time."""
    try:
        probes = sample_values(question, bank_id) if question.parameters else [{}]
    except VariantError as exc:
        raise BankError(f"question {question.id!r}: {exc}", where) from None
    for values in probes:
        _evaluate_probe(Variant("probe", dict(values)), question, kind, where)


def _evaluate_probe(variant: Variant, question: Question, kind: BankKind, where: str) -> None:
    """Ask the kind to evaluate the question's formulas (its texts, its answer) for ``variant``."""
    try:
        kind.probe(question, variant)
    except (ExpressionError, VariantError) as exc:
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


def _content_hash(header: BankHeader, questions: list[BankQuestion[K]]) -> str:
    files = [path for q in questions for path in q.question.content_files()]
    payload = {
        "id": header.id,
        "version": header.version,
        "questions": [q.question.model_dump(mode="json") for q in questions],
        "files": [hashlib.sha256(path.read_bytes()).hexdigest() for path in files],  # references, checks
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
