"""Question kinds: each one a plugin in the ``harness.kinds`` entry-point group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.bank import loader
from harness.bank.loader import Bank, BankQuestion
from harness.kinds.base import MISSING, GradeContext, Outcome, QuestionKind
from harness.plugins import Registry, registry

LoadedBank = Bank[QuestionKind[Any]]  # a bank whose questions carry the installed kinds
LoadedQuestion = BankQuestion[QuestionKind[Any]]


def kind_registry() -> Registry[QuestionKind[Any]]:
    """The installed question kinds (built-ins are registered like any third-party kind)."""
    return registry("kinds")


def load_bank(path: Path) -> LoadedBank:
    """:func:`harness.bank.loader.load_bank` with the installed kinds (bank never imports them)."""
    return loader.load_bank(path, kind_registry())


def load_banks(paths: list[Path]) -> list[LoadedBank]:
    """:func:`harness.bank.loader.load_banks` with the installed kinds."""
    return loader.load_banks(paths, kind_registry())


__all__ = [
    "MISSING",
    "GradeContext",
    "LoadedBank",
    "LoadedQuestion",
    "Outcome",
    "QuestionKind",
    "kind_registry",
    "load_bank",
    "load_banks",
]
