"""Per-student variants of parameterised questions.

A variant is drawn from a random generator seeded with ``sha256(bank/question/student)``, so
the same student always gets the same numbers (on any machine, in any order of grading), and
two students almost never share theirs. Option shuffling uses the same key with another
purpose string, so adding parameters to a question never reshuffles its options.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.bank.expressions import ExpressionError, compiled
from harness.bank.schema import (
    TEMPLATE,
    ChoiceParameter,
    FloatParameter,
    IntParameter,
    Parameter,
    Question,
)

MAX_DRAWS = 1_000


class VariantError(ValueError):
    """The constraints of a question could not be met."""


@dataclass(frozen=True)
class Variant:
    """One student's instance of one question."""

    key: str  # "bank/question/student": the seed of every random choice for this variant
    values: dict[str, Any] = field(default_factory=dict)

    def rng(self, purpose: str) -> random.Random:
        """A generator for one purpose ("parameters", "shuffle", ...), stable across runs."""
        seed = f"{self.key}|{purpose}".encode("utf-8", "surrogatepass")  # an id may hold escaped bytes
        digest = hashlib.sha256(seed).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def render(self, text: str) -> str:
        """Replace every ``{{ expression }}`` in ``text`` with its value for this variant."""
        if "{{" not in text:
            return text
        return TEMPLATE.sub(lambda m: format_value(compiled(m.group(1)).evaluate(self.values)), text)

    def evaluate(self, value: Any) -> Any:
        """A number-or-formula field: formulas are evaluated with this variant's values."""
        return compiled(value).evaluate(self.values) if isinstance(value, str) else value


def format_value(value: Any) -> str:
    """How a parameter or computed value is written into a prompt: ``0.65``, not ``0.6499…``."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(round(value, 10), ".10g")


def draw_variant(question: Question, bank_id: str, student_id: str) -> Variant:
    """Draw ``student_id``'s variant of ``question``.

    Raises:
        VariantError: no draw within :data:`MAX_DRAWS` satisfied the constraints.
    """
    key = f"{bank_id}/{question.id}/{student_id}"
    if not question.parameters:
        return Variant(key)
    rng = Variant(key).rng("parameters")
    constraints = [compiled(c) for c in question.constraints]
    for _ in range(MAX_DRAWS):
        values = {name: _draw(spec, rng) for name, spec in question.parameters.items()}
        try:
            if all(c.evaluate(values) for c in constraints):
                return Variant(key, values)
        except ExpressionError:
            continue  # e.g. a division by zero for this draw: draw again
    raise VariantError(f"no values satisfying {question.constraints} in {MAX_DRAWS} draws")


def _draw(spec: Parameter, rng: random.Random) -> Any:
    if isinstance(spec, IntParameter):
        return rng.randint(*spec.int)
    if isinstance(spec, FloatParameter):
        return round(rng.uniform(*spec.float), spec.decimals)
    assert isinstance(spec, ChoiceParameter)
    return rng.choice(spec.choice)


def sample_values(question: Question, bank_id: str, n: int = 20) -> list[Mapping[str, Any]]:
    """Variants for ``n`` probe students: the loader uses them to test formulas at load time."""
    return [draw_variant(question, bank_id, f"probe-{i}").values for i in range(n)]
