"""The reference's results are computed once per run and cached safely under concurrency."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from harness.kinds import kind_registry
from harness.kinds.code_engine.channel import RunReport
from harness.kinds.code_engine.reference_cache import load_report, save_report
from harness.kinds.code_engine.runner import CodeRunner
from harness.sandbox.process import ProcessSandbox


def test_concurrent_writers_of_one_cache_entry_never_collide(tmp_path: Path) -> None:
    path = tmp_path / "expected" / "key.json"
    reports = [RunReport(events={"t": {"value": i}}) for i in range(16)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda r: save_report(path, r), reports * 8))
    loaded = load_report(path)
    assert loaded is not None and loaded.events in [r.events for r in reports]
    assert [p.name for p in path.parent.iterdir()] == ["key.json"]  # no temporary file left behind


def test_students_graded_in_parallel_share_one_reference_run(tmp_path: Path, monkeypatch: Any) -> None:
    kind = kind_registry().get("code")
    question = kind.model.model_validate(kind.example.question)
    runs = []
    lock = threading.Lock()

    def slow_run(*args: Any, **kwargs: Any) -> RunReport:
        with lock:
            runs.append(1)
        time.sleep(0.2)
        return RunReport(events={"t": {"value": 1}})

    with CodeRunner(ProcessSandbox(), cache_dir=tmp_path) as runner:
        monkeypatch.setattr(runner, "run", slow_run)
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: runner.expected(question), range(8)))
    assert len(runs) == 1
    assert all(r is results[0] for r in results)
    assert len(list((tmp_path / "expected").glob("*.json"))) == 1
