"""A small text suite written per test, so the eval pipeline runs in seconds with python models."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

WriteSuite = Callable[..., Path]


@pytest.fixture
def write_suite(tmp_path: Path) -> WriteSuite:
    """``write_suite(items=20, task=..., checks=..., threshold=1.0)``: a suite whose references are
    its inputs ("item number N"), so ``fake_models.echo`` scores exact match 1."""

    def write(
        items: int = 20,
        task: str = "task: {prompt: '{{ input }}'}",
        checks: str = "",
        threshold: float = 0.9,
        sources: bool = False,
        name: str = "suite",
    ) -> Path:
        data = tmp_path / f"{name}.jsonl"
        lines = []
        for i in range(items):
            item: dict[str, object] = {"id": f"q{i:03d}", "input": f"item number {i}", "reference": f"item number {i}"}
            if sources:
                item["source"] = f"item number {i} is a number."
            lines.append(json.dumps(item))
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        suite = tmp_path / f"{name}.yaml"
        suite.write_text(
            f"id: {name}\ntitle: A test suite\nversion: '1'\ndata: {{jsonl: {data.name}}}\nbootstrap: 200\n"
            f"metrics:\n  - metric: exact_match\n    threshold: {threshold}\n  - metric: token_f1\n"
            f"{checks}\n{task}\n",
            encoding="utf-8",
        )
        return suite

    return write
