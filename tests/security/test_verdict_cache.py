"""The doctor's kept verdict: reused only while it is fresh, trusted and still matches the host."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from harness.sandbox import selection, verdict_cache
from harness.sandbox.doctor import Check

HELD = (Check("unprivileged uid", True, "uid 60001"), Check("memory limit", True, "OK"))


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path))
    return tmp_path / "sandbox-doctor"


def test_a_held_verdict_is_reused() -> None:
    verdict_cache.store("bwrap", HELD)
    assert verdict_cache.load("bwrap") == HELD
    assert verdict_cache.load("process") is None  # per backend


def test_a_failed_verdict_is_never_kept(own_cache: Path) -> None:
    verdict_cache.store("bwrap", (*HELD, Check("no network", False, "CONNECTED")))
    assert verdict_cache.load("bwrap") is None
    assert not (own_cache / "bwrap.json").exists()


def test_it_expires_after_the_ttl() -> None:
    verdict_cache.store("bwrap", HELD)
    later = time.time() + verdict_cache.TTL_SECONDS + 1
    assert verdict_cache.load("bwrap", now=later) is None
    assert verdict_cache.load("bwrap", now=time.time() - 60) is None  # kept "in the future": a clock moved


def test_a_new_boot_kernel_or_bwrap_sends_the_attacks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    verdict_cache.store("bwrap", HELD)
    real_read = verdict_cache._read
    monkeypatch.setattr(verdict_cache, "_read", lambda path: "another-boot" if "boot_id" in path else real_read(path))
    assert verdict_cache.load("bwrap") is None
    monkeypatch.setattr(verdict_cache, "_read", real_read)
    monkeypatch.setattr(verdict_cache, "_tool_digest", lambda tool: f"{tool}:changed")
    assert verdict_cache.load("bwrap") is None


def test_a_verdict_others_could_write_is_not_trusted(own_cache: Path) -> None:
    verdict_cache.store("bwrap", HELD)
    kept = own_cache / "bwrap.json"
    os.chmod(kept, 0o666)
    assert verdict_cache.load("bwrap") is None
    os.chmod(kept, 0o600)
    os.chmod(own_cache, 0o777)
    assert verdict_cache.load("bwrap") is None
    os.chmod(own_cache, 0o700)
    assert verdict_cache.load("bwrap") == HELD


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file away")
def test_a_verdict_owned_by_another_uid_is_not_trusted(own_cache: Path) -> None:
    verdict_cache.store("bwrap", HELD)
    os.chown(own_cache / "bwrap.json", 65534, 65534)
    assert verdict_cache.load("bwrap") is None


def test_cohort_selection_runs_the_attacks_once_then_reuses(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def attacks(sandbox: object) -> list[Check]:
        calls.append("ran")
        return list(HELD)

    monkeypatch.setattr("harness.sandbox.doctor.run_checks", attacks)
    selection.confirmed_checks.cache_clear()
    assert selection.confirmed_checks("bwrap") == HELD
    selection.confirmed_checks.cache_clear()  # a new process
    assert selection.confirmed_checks("bwrap") == HELD
    assert calls == ["ran"]
    selection.confirmed_checks.cache_clear()
