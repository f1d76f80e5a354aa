"""Every plugin group has a contract module: a test module named ``test_*contract*.py`` that
declares ``GROUP = "<group>"`` and parametrises its tests over every registered entry point of
that group, so a third-party plugin is held to the same contract as the built-ins. A new group
(one line in :data:`harness.plugins.GROUPS`) gets its contract by one more such module."""

from __future__ import annotations

import ast
from pathlib import Path

from harness.plugins import GROUPS

TESTS = Path(__file__).resolve().parents[1]


def declared_group(module: Path) -> str | None:
    """The value of a module-level ``GROUP = "..."``, or None."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "GROUP" for t in targets):
            value = node.value  # type: ignore[union-attr]
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    return None


def contract_modules() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for module in sorted(TESTS.rglob("test_*contract*.py")):
        group = declared_group(module)
        if group is not None:
            found.setdefault(group, []).append(str(module.relative_to(TESTS)))
    return found


def test_every_group_has_exactly_one_contract_module() -> None:
    found = contract_modules()
    missing = sorted(set(GROUPS) - set(found))
    assert not missing, f"no contract module declares GROUP = ... for {missing}"
    assert sorted(found) == sorted(GROUPS), f"contract modules for unknown groups: {sorted(set(found) - set(GROUPS))}"
    assert all(len(modules) == 1 for modules in found.values()), found


def test_the_finder_sees_the_modules_of_the_first_groups() -> None:
    """Guards the finder itself (a finder that sees nothing would pass vacuously)."""
    known = {
        "kinds": ["test_kind_contract.py"],
        "metrics": ["metrics/test_contract.py"],
        "checks": ["checks/test_contract.py"],
        "reporters": ["reports/test_contract.py"],
        "sandboxes": ["test_sandbox_contract.py"],
    }
    assert known.items() <= contract_modules().items()
