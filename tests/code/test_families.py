"""A run's code questions whose preloads start with the same module share one zygote (per
thread and pool): the union of their preloads, with all of their models mounted."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness import api
from harness.kinds.code_engine.families import Families
from harness.sandbox.base import SandboxLimits
from harness.sandbox.pool import WarmPool, WarmWorker


def question(preload: list[str], models: tuple[str, ...] = (), **limits: Any) -> Any:
    return SimpleNamespace(preload=preload, models=list(models), limits=SandboxLimits(**limits))


def test_preload_sets_led_by_the_same_module_share_a_family() -> None:
    dynamo = question(["torch", "torch._dynamo"])
    optim = question(["torch", "torch.optim"])
    gpt2 = question(["torch", "transformers"], ["tiny-gpt2"])
    both = question(["torch", "transformers", "transformers.pipelines"], ["tiny-gpt2", "tiny-sentiment"])
    softmax, plain = question(["numpy"]), question([])
    families = Families([dynamo, optim, gpt2, both, softmax, plain])

    torch, hub = families.of(dynamo), families.of(gpt2)
    assert torch is not None and families.of(optim) is torch
    assert torch.preload == ("torch", "torch._dynamo", "torch.optim") and torch.model_names == ()
    assert hub is not None and families.of(both) is hub  # questions naming models: a family apart
    assert hub.preload == ("torch", "transformers", "transformers.pipelines")
    assert hub.model_names == ("tiny-gpt2", "tiny-sentiment")
    numpy, bare = families.of(softmax), families.of(plain)
    assert numpy is not None and numpy.preload == ("numpy",) and numpy not in (torch, hub)
    assert bare is not None and bare.preload == () and bare not in (numpy, torch, hub)
    assert len(list(families)) == 4


def test_other_sandbox_wide_limits_or_an_unknown_question_keep_their_own_zygote() -> None:
    usual, more_processes = question(["torch"]), question(["torch"], processes=128)
    families = Families([usual, more_processes])
    assert families.of(usual) is not families.of(more_processes)
    assert families.of(question(["torch"])) is None  # not one of the run's questions


def test_a_familys_models_are_found_once_and_sorted() -> None:
    first = question(["torch"], ["b", "a"])
    family = Families([first, question(["torch"], ["a", "c"])]).of(first)
    found: list[str] = []

    def find(name: str) -> Path:
        found.append(name)
        return Path("/models") / name

    assert family is not None
    everything = (Path("/models/a"), Path("/models/b"), Path("/models/c"))
    assert family.models(find) == everything
    assert family.models(find) == everything
    assert sorted(found) == ["a", "b", "c"]  # each once: the second call answers from memory


BANK = """\
id: families
title: Preloads led by the same module
version: "1"
defaults: {visibility: public}
questions:
  - id: q-json
    kind: code
    prompt: loaded()
    file: first.py
    reference: reference.py
    preload: [json]
    tests:
      - {id: t, call: loaded, args: []}
  - id: q-json-csv
    kind: code
    prompt: loaded()
    file: second.py
    reference: reference.py
    preload: [json, csv]
    tests:
      - {id: t, call: loaded, args: []}
  - id: q-bare
    kind: code
    prompt: loaded()
    file: third.py
    reference: reference.py
    tests:
      - {id: t, call: loaded, args: []}
"""

REFERENCE = """\
def loaded():
    return 7
"""

# a student's code can see what its zygote preloaded: here it tells which zygote ran its job
PEEKING = """\
import sys


def loaded():
    return 7 if "csv" in sys.modules else 0
"""


def test_a_run_starts_one_zygote_per_family_and_grades_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))  # the references run: a cache of them asks no zygote
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "families.yaml").write_text(BANK)
    (tmp_path / "bank" / "reference.py").write_text(REFERENCE)
    folder = tmp_path / "cohort" / "ada"
    folder.mkdir(parents=True)
    for name in ("first.py", "second.py", "third.py"):
        (folder / name).write_text(PEEKING)
    asked: list[tuple[str, ...]] = []
    original = WarmPool.worker

    def worker(self: WarmPool, preload: tuple[str, ...], *args: Any) -> WarmWorker:
        asked.append(preload)
        return original(self, preload, *args)

    monkeypatch.setattr(WarmPool, "worker", worker)
    run = api.grade(
        [tmp_path / "bank" / "families.yaml"],
        tmp_path / "cohort",
        tmp_path / "out",
        ["json"],
        dt.date(2026, 11, 23),
        "process",
        True,
    )
    assert set(asked) == {("json", "csv"), ()}
    scores = {q.question_id: q.score for q in run.cohort.students[0].questions}
    # the json question's job ran in the json+csv zygote; the bare one never saw csv
    assert scores == {"q-json": 1.0, "q-json-csv": 1.0, "q-bare": 0.0}


MODELS_BANK = """\
id: models
title: A question with a model and one without
version: "1"
defaults: {visibility: public}
questions:
  - id: q-plain
    kind: code
    prompt: loaded()
    file: first.py
    reference: reference.py
    preload: [json]
    tests:
      - {id: t, call: loaded, args: []}
  - id: q-model
    kind: code
    prompt: loaded()
    file: second.py
    reference: reference.py
    preload: [json]
    models: [tiny-gpt2]
    tests:
      - {id: t, call: loaded, args: []}
"""


def test_a_question_naming_no_model_never_waits_for_a_familys_models(tmp_path: Path) -> None:
    """Finding a model may build it (about 50 s for the course's three on a fresh cache)."""
    from harness.kinds.code import CodeQuestion
    from harness.kinds.code_engine.runner import CodeRunner
    from harness.sandbox.process import ProcessSandbox

    (tmp_path / "models.yaml").write_text(MODELS_BANK)
    (tmp_path / "reference.py").write_text(REFERENCE)
    (bank,) = api.load([tmp_path / "models.yaml"])
    plain, named = (bq.question for bq in bank.questions)
    assert isinstance(plain, CodeQuestion) and isinstance(named, CodeQuestion)
    found: list[str] = []

    def find(name: str) -> Path:
        found.append(name)
        return tmp_path  # any folder: a model folder is mounted read-only

    with CodeRunner(ProcessSandbox(), cache_dir=tmp_path / "cache", models=find) as runner:
        runner.prewarm([plain, named])
        assert runner.expected(plain).events["t"]["value"] == 7
        assert found == []
        runner.expected(named)
        assert found == ["tiny-gpt2"]


def test_a_students_families_start_side_by_side_and_each_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run starts its first families ahead; a student's other families start when their
    questions come up together, before the first job (not one after another, as each job
    needs its own), each once per run; a family with models is found and started in a
    thread of its own, and only for a student who answered one of its questions. The
    references of a student's questions are asked for ahead, each once, in the background."""
    from harness.kinds.code_engine.runner import CodeRunner
    from harness.sandbox.selection import sandbox_named

    def plain(preload: list[str], models: tuple[str, ...] = ()) -> Any:
        return SimpleNamespace(**vars(question(preload, models)), properties=None, tests=[])

    numpy, bare, torch, hub = plain(["numpy"]), plain([]), plain(["torch"]), plain(["torch"], ("tiny-gpt2",))
    runner = CodeRunner(sandbox_named("process"), cache_dir=tmp_path, models=lambda name: tmp_path / name)
    started: list[tuple[tuple[str, ...], tuple[Path, ...]]] = []

    def prewarm(preload: tuple[str, ...], readonly: tuple[Path, ...] = (), limits: Any = None) -> None:
        started.append((preload, readonly))

    monkeypatch.setattr(runner.students, "prewarm", prewarm)
    expected: list[Any] = []
    asked = threading.Condition()

    def expect(question: Any) -> None:  # a reference run ahead, in a thread per family
        with asked:
            expected.append((question, threading.current_thread().name))
            asked.notify_all()

    monkeypatch.setattr(runner, "expected", expect)
    try:
        runner.prewarm([numpy, bare, torch, hub])
        assert started == [(("numpy",), ()), ((), ())]  # the run's first two, without models
        runner.warm_up([numpy, torch])  # a student without the hub's file: its models are not found
        assert started[2:] == [(("torch",), ())]
        runner.warm_up([bare, torch, hub])
        assert runner._starter is not None
        runner._starter.submit(lambda: None).result()  # the family with models is started
        assert started[3:] == [(("torch",), (tmp_path / "tiny-gpt2",))]
        runner.warm_up([numpy, bare, torch, hub])  # the next students: nothing more
        assert len(started) == 4
        with asked:
            asked.wait_for(lambda: len(expected) == 4, timeout=10)
        assert sorted(id(q) for q, _ in expected) == sorted(map(id, [numpy, bare, torch, hub]))  # each once
        assert {name for _, name in expected} == {"reference"}
    finally:
        runner.close()
