"""Question kinds: each one a plugin in the ``harness.kinds`` entry-point group."""

from __future__ import annotations

from typing import Any

from harness.kinds.base import MISSING, GradeContext, Outcome, QuestionKind
from harness.plugins import Registry, registry


def kind_registry() -> Registry[QuestionKind[Any]]:
    """The installed question kinds (built-ins are registered like any third-party kind)."""
    return registry("kinds")


__all__ = ["MISSING", "GradeContext", "Outcome", "QuestionKind", "kind_registry"]
