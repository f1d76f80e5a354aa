"""One build of every tiny model per test session, into a temporary cache."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test here may reach the hub. huggingface_hub reads HF_HUB_OFFLINE once, at import,
    which may have happened in another test module: set the variable and the constant."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    constants = pytest.importorskip("huggingface_hub.constants")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    yield


@dataclass(frozen=True)
class BuiltModels:
    cache_dir: Path
    folders: dict[str, Path]
    seconds: dict[str, float]


@pytest.fixture(scope="session")
def built() -> BuiltModels:
    """Every model, built once into the session's cache (``tests/conftest.py`` makes a fresh one),
    which the sample cohort's grading also uses: the build itself never touches the hub."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from harness.course_models import build, default_cache_dir, names
    from tests.conftest import wait_for_session_resources

    wait_for_session_resources(models_only=True)  # trained in the background: build() below finds them cached
    cache_dir = default_cache_dir()
    folders: dict[str, Path] = {}
    seconds: dict[str, float] = {}
    for name in names():
        start = time.perf_counter()
        folders[name] = build(name, cache_dir)
        seconds[name] = time.perf_counter() - start
    return BuiltModels(cache_dir, folders, seconds)
