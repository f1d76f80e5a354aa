"""Fixtures for the suite tests: small suites and data sets written on the spot."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

SUITES = REPO / "metric_suites"

TEXT_SUITE = """\
id: tiny-translation
title: Three sentences
version: "1"
data:
  jsonl: data.jsonl
seed: 0
bootstrap: 200
metrics:
  - metric: chrf
    threshold: 50
    points: {curve: linear, zero_at: 20, full_at: 90}
  - metric: bleu
    points: {curve: pass, at: 30}
"""

ITEMS = [
    {"id": "a", "input": "Translate: The model generates text.", "reference": "Le modèle génère du texte."},
    {"id": "b", "input": "Translate: The cat sleeps.", "references": ["Le chat dort.", "Le chat fait la sieste."]},
    {"id": "c", "input": "Translate: Noise becomes an image.", "reference": "Le bruit devient une image."},
]


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@pytest.fixture
def make_suite(tmp_path: Path) -> Callable[..., Path]:
    """Write a suite (YAML text) and its data set (rows) into tmp_path; return the suite's path."""

    def make(text: str = TEXT_SUITE, items: list[dict[str, Any]] | None = None, name: str = "suite.yaml") -> Path:
        (tmp_path / "data.jsonl").write_text(jsonl(ITEMS if items is None else items), encoding="utf-8")
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture
def outputs_file(tmp_path: Path) -> Callable[..., Path]:
    """Write an outputs file: a mapping id -> output, or raw text/bytes."""

    def write(content: dict[str, str] | str | bytes, name: str = "outputs.jsonl") -> Path:
        path = tmp_path / name
        if isinstance(content, dict):
            content = jsonl({"id": k, "output": v} for k, v in content.items())
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write


@pytest.fixture
def image_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache for procedural real image sets."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("HARNESS_CACHE", str(cache))
    return cache
