"""The course's tiny models for the adapter tests (built once per session, never downloaded)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import course_models


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No adapter test may reach the hub (see tests/course_models/conftest.py)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


@pytest.fixture(scope="session")
def tiny_models() -> dict[str, Path]:
    """``{name: folder}`` of the course's tiny models, from the session's cache."""
    return course_models("tiny-gpt2", "tiny-seq2seq")
