"""A suite's text data set: JSON Lines of items, each with references to score outputs against.

One item per line::

    {"id": "fr-01", "input": "Translate into French: ...", "references": ["...", "..."], "source": "..."}

``reference`` (one string) may stand for ``references`` (a list); ``source`` is optional
(the text a summary or translation was made from, when it is not the input itself); ``audio``
is optional: a 16-bit PCM WAV file, relative to the suite file, that ``harness eval`` hands a
speech-recognition model (``harness score`` never reads it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from harness.bank.schema import ID_PATTERN
from harness.bank.validation import error_message, error_path
from harness.suites.errors import CURVE_TAGS, SuiteError, SuiteErrors
from harness.suites.jsonl import describe, read_jsonl_file
from harness.suites.model import DATA_PATH_PATTERN, SuiteModel

MAX_DATASET_BYTES = 50_000_000


class DatasetItem(SuiteModel):
    """One line of a data set."""

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=120)]
    input: str = Field(min_length=1)
    reference: Annotated[str, Field(min_length=1)] | None = None
    references: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)
    source: str | None = None
    audio: Annotated[str, Field(pattern=DATA_PATH_PATTERN, max_length=1000)] | None = Field(
        default=None, description="a WAV file for speech models, relative to the suite"
    )

    @model_validator(mode="after")
    def _one_reference_field(self) -> DatasetItem:
        if (self.reference is None) == (self.references is None):
            raise ValueError("give `reference` (a string) or `references` (a list of strings), not both or neither")
        return self

    @property
    def all_references(self) -> list[str]:
        return [self.reference] if self.reference is not None else list(self.references or [])


@dataclass(frozen=True)
class TextDataset:
    """The items of a data set, in file order."""

    path: Path
    items: list[DatasetItem]
    lines: list[int] = field(default_factory=list)  # each item's line in the file (for messages)
    display: str = ""  # how messages name the file

    def where(self, index: int) -> str:
        """``file:line`` of item ``index``."""
        return f"{self.display or self.path}:{self.lines[index]}" if self.lines else str(self.display or self.path)

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]

    @property
    def references(self) -> list[list[str]]:
        return [item.all_references for item in self.items]

    @property
    def sources(self) -> list[str] | None:
        """Every item's source, or ``None`` when the items have none (the loader forbids a mix)."""
        sources = [item.source for item in self.items]
        return None if any(s is None for s in sources) else [s for s in sources if s is not None]

    def __len__(self) -> int:
        return len(self.items)


def load_dataset(path: Path, display: str) -> TextDataset:
    """Read and validate the data set at ``path`` (``display`` names it in errors).

    Raises:
        SuiteErrors: every bad line, duplicate id, or a mix of items with and without a source.
    """
    parsed = read_jsonl_file(path, display, MAX_DATASET_BYTES)
    errors = [SuiteError(problem) for problem in parsed.problems]
    items: list[DatasetItem] = []
    lines: list[int] = []
    first_line: dict[str, int] = {}
    for line in parsed.lines:
        where = f"{display}:{line.number}:1"
        if not isinstance(line.value, dict):
            message = f"expected an object {{id, input, references}}, got {describe(line.value)}"
            errors.append(SuiteError(message, where))
            continue
        try:
            item = DatasetItem.model_validate(line.value)
        except ValidationError as exc:
            errors += [_located(error, line.value, where) for error in exc.errors()]
            continue
        if item.id in first_line:
            errors.append(SuiteError(f"duplicate id {item.id!r} (first on line {first_line[item.id]})", where))
            continue
        first_line[item.id] = line.number
        items.append(item)
        lines.append(line.number)
    with_source = sum(item.source is not None for item in items)
    if 0 < with_source < len(items):
        message = f"{with_source} of {len(items)} items have a `source`: give it to all or none"
        errors.append(SuiteError(message, display))
    if not errors and not items:
        errors.append(SuiteError("the data set has no items", display))
    if errors:
        raise SuiteErrors(errors)
    return TextDataset(path, items, lines, display)


def _located(error: ErrorDetails, item: dict[str, Any], where: str) -> SuiteError:
    path = error_path(item, tuple(error["loc"]), CURVE_TAGS)
    return SuiteError(error_message(error, path, DatasetItem.model_fields), where)
