"""The warm worker rehearses loading the exercise's models before any job, and leaves no
trace of it that a job could notice, apart from being faster."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.base import SandboxLimits
from harness.sandbox.bwrap import BwrapSandbox
from harness.sandbox.pool import WarmPool
from tests.course_models.conftest import BuiltModels

PRELOAD = ("torch", "transformers", "transformers.pipelines")
PROBE = """\
import os, sys, threading
import tqdm.std
SEEN = {
    "threads": len(os.listdir("/proc/self/task")),
    "environ": sorted(os.environ.items()),
    "tqdm_monitor_interval": tqdm.std.tqdm.monitor_interval,
    "rehearsed": sorted(m for m in sys.modules if m.startswith("transformers.models.") and m.count(".") == 2),
}


def probe():
    return SEEN


def generate(path):
    from transformers import pipeline

    return pipeline("text-generation", model=path)("Generative", max_new_tokens=3, do_sample=False)[0]["generated_text"]
"""


def same_but_uid(environ: list[Any]) -> str:
    """The environment with each sandbox's own uid masked (every sandbox gets a fresh one)."""
    return re.sub(r"uid_\d+", "uid_N", json.dumps(environ))


def run_probe(folders: tuple[Path, ...], gpt2: str) -> dict[str, Any]:
    request = {
        "module": "m.py",
        "import_time_limit": 30,
        "calls": [
            {"id": "probe", "function": "probe", "time_limit": 5},
            {"id": "generate", "function": "generate", "args": [gpt2], "time_limit": 30},
        ],
    }
    with WarmPool(BwrapSandbox()) as pool:
        worker = pool.worker(PRELOAD, folders, SandboxLimits(memory_mb=4096))
        result = worker.run({"m.py": PROBE}, request, SandboxLimits(memory_mb=4096, wall_seconds=60))
    events = {e["id"]: e for e in map(json.loads, result.channel.decode().splitlines()) if e.get("event") == "result"}
    assert events["probe"]["ok"], events["probe"]
    assert events["generate"]["ok"] and events["generate"]["value"].startswith("Generative"), events["generate"]
    return dict(events["probe"]["value"]["__dict__"])


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")
def test_jobs_fork_from_a_single_threaded_rehearsed_zygote(built: BuiltModels) -> None:
    gpt2 = str(built.folders["tiny-gpt2"])
    rehearsed = run_probe(tuple(sorted(built.folders.values())), gpt2)
    assert rehearsed["threads"] == 1
    assert {"transformers.models.gpt2", "transformers.models.distilbert", "transformers.models.bart"} <= set(
        rehearsed["rehearsed"]
    )
    # A zygote with the folder mounted under another name does not recognise a model in it,
    # so it does not rehearse: the job sees the same environment and settings, only colder.
    cold = run_probe((built.folders["tiny-gpt2"].parent,), gpt2)
    assert "transformers.models.gpt2" not in cold["rehearsed"]
    assert same_but_uid(rehearsed["environ"]) == same_but_uid(cold["environ"])
    assert rehearsed["tqdm_monitor_interval"] == cold["tqdm_monitor_interval"] == 10
