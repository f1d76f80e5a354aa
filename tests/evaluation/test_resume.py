"""The generation cache: SIGKILL mid-run, rerun, and every item has one output, none asked twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.evaluation.cache import GenerationCache, call_key
from harness.models import GenerationParams, Request, load_adapter, parse_model_spec
from tests.conftest import REPO
from tests.evaluation.conftest import WriteSuite

ITEMS = 40


def _eval(suite: Path, cache: Path, outputs: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    cli = ["-c", "from harness.cli import main; main()", "eval", "--suite", str(suite)]
    cli += ["--model", "python:tests.evaluation.fake_models:logged", "--cache", str(cache), "--outputs", str(outputs)]
    return subprocess.Popen(
        [sys.executable, *cli], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _cached_count(cache: Path) -> int:
    with sqlite3.connect(cache) as db:
        return int(db.execute("SELECT COUNT(*) FROM outputs").fetchone()[0])


@pytest.mark.slow
def test_sigkill_then_rerun_resumes_with_no_call_lost_or_repeated(write_suite: WriteSuite, tmp_path: Path) -> None:
    suite = write_suite(items=ITEMS, threshold=0.0)
    cache, outputs, log = tmp_path / "cache.sqlite3", tmp_path / "outputs.jsonl", tmp_path / "calls.log"
    env = {**os.environ, "EVAL_CALL_LOG": str(log), "EVAL_CALL_DELAY": "0.05", "PYTHONPATH": str(REPO)}
    first = _eval(suite, cache, outputs, env)
    deadline = time.monotonic() + 120
    while not (log.exists() and len(log.read_text(encoding="utf-8").splitlines()) >= 10):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first run made no progress"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    calls_before = log.read_text(encoding="utf-8").splitlines()
    kept = _cached_count(cache)
    assert 9 <= kept < ITEMS and not outputs.exists()  # the 10th call may be in flight

    second = _eval(suite, cache, outputs, env)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    calls_after = log.read_text(encoding="utf-8").splitlines()[len(calls_before) :]
    assert f"{ITEMS - kept} model calls" in out
    assert len(calls_after) == ITEMS - kept  # nothing the cache kept was asked again
    assert len(calls_before) - kept <= 1  # at most the call in flight at the kill was lost, and it was redone
    assert sorted(set(calls_before[:kept]) | set(calls_after)) == sorted(f"item number {i}" for i in range(ITEMS))
    lines = [json.loads(line) for line in outputs.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [f"q{i:03d}" for i in range(ITEMS)]
    assert all(line["output"] == f"item number {i}" for i, line in enumerate(lines))
    assert _cached_count(cache) == ITEMS


def test_keys_change_with_every_part_of_a_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    echo = load_adapter(parse_model_spec("python:tests.evaluation.fake_models:echo"))
    wrong = load_adapter(parse_model_spec("python:tests.evaluation.fake_models:wrong"))
    base = Request("a prompt", GenerationParams())
    variants = [
        call_key(echo, base),
        call_key(wrong, base),
        call_key(echo, Request("another prompt", base.params)),
        call_key(echo, Request(base.prompt, GenerationParams(temperature=0.5))),
        call_key(echo, Request(base.prompt, GenerationParams(seed=1))),
        call_key(echo, Request(base.prompt, base.params, sample=1)),
    ]
    assert len(set(variants)) == len(variants)
    cache = GenerationCache(tmp_path / "c.sqlite3")
    cache.store(variants[0], echo, base, "first")
    cache.store(variants[0], echo, base, "second")  # a duplicate keeps the first
    assert cache.lookup([variants[0], variants[1]]) == {variants[0]: "first"}
    cache.close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
