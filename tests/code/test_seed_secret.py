"""Statistical tests draw with seeds derived from the run's secret: recorded in the cohort
result, reproducible with it, different without it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from harness import api
from harness.kinds.code_engine import sequential
from harness.kinds.code_engine.sample_tests import trial_seeds
from tests.code.sent_jobs import Sent, record_jobs

BANK = """\
id: seeds
title: Seeded draws
version: "1"
defaults: {visibility: public}
questions:
  - id: q-draw
    kind: code
    prompt: draw(seed)
    file: sampler.py
    reference: reference.py
    tests:
      - id: draw
        call: draw
        statistical: {trials: 50, seed_kwarg: seed}
"""

REFERENCE = """\
import random


def draw(seed):
    return random.Random(seed).choice([0, 0, 1])
"""


@pytest.fixture
def cohort(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "seeds.yaml").write_text(BANK)
    (tmp_path / "bank" / "reference.py").write_text(REFERENCE)
    (tmp_path / "cohort" / "student").mkdir(parents=True)
    (tmp_path / "cohort" / "student" / "sampler.py").write_text(REFERENCE)
    return tmp_path / "bank" / "seeds.yaml", tmp_path / "cohort"


def seeds_sent(sent: list[Sent]) -> list[list[int]]:
    """The seeds of every statistical call sent to a sandbox (the reference's and the student's)."""
    return [call["seeds"] for _, request in sent for call in request["calls"] if call.get("seeds") is not None]


def grade(bank: Path, cohort: Path, out: Path, secret: str | None = None) -> api.GradeRun:
    return api.grade([bank], cohort, out, ["json"], dt.date(2026, 11, 23), "process", True, seed_secret=secret)


def test_the_same_secret_reproduces_the_run_byte_for_byte(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, folder = cohort
    jobs = record_jobs(monkeypatch)
    first = grade(bank, folder, tmp_path / "a", "course-secret")
    again = grade(bank, folder, tmp_path / "b", "course-secret")
    sent = seeds_sent(jobs)
    assert (tmp_path / "a" / "results.json").read_bytes() == (tmp_path / "b" / "results.json").read_bytes()
    assert first.cohort.seed_secret == again.cohort.seed_secret == "course-secret"
    plan = sequential.plan(50, 0.001, 2)
    every = trial_seeds("course-secret", "q-draw/draw", plan.max_draws)  # what the docs tell an instructor
    assert every[: plan.looks[0].draws] in sent  # the student's first round (the reference's may be cached)
    assert all(seeds == every[: len(seeds)] for seeds in sent)  # the reference draws with all: the same seeds


def test_without_a_secret_each_run_draws_a_fresh_one(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, folder = cohort
    monkeypatch.delenv("HARNESS_SEED_SECRET", raising=False)
    jobs = record_jobs(monkeypatch)
    first, second = grade(bank, folder, tmp_path / "a"), grade(bank, folder, tmp_path / "b")
    sent = seeds_sent(jobs)
    assert first.cohort.seed_secret and second.cohort.seed_secret
    assert first.cohort.seed_secret != second.cohort.seed_secret
    assert sent[0] != sent[-1] and sent[0] != list(range(50))
    monkeypatch.setenv("HARNESS_SEED_SECRET", "from-the-environment")  # for the command line
    assert grade(bank, folder, tmp_path / "c").cohort.seed_secret == "from-the-environment"


def test_the_secret_is_not_in_a_students_record(cohort: tuple[Path, Path], tmp_path: Path) -> None:
    bank, folder = cohort
    run = grade(bank, folder, tmp_path / "out", "not-for-students-0123456789")
    (student,) = run.cohort.students
    assert "not-for-students-0123456789" not in student.model_dump_json()


UNSEEDED_BANK = """\
id: unseeded
title: Unseeded draws
version: "1"
defaults: {visibility: public}
questions:
  - id: q-noise
    kind: code
    prompt: noise()
    file: noise.py
    reference: noise_reference.py
    preload: [numpy]
    tests:
      - {id: noise, call: noise, args: []}
"""

# draws made while importing and while called, from every global generator a job has
UNSEEDED = """\
import random

import numpy as np

AT_IMPORT = float(np.random.rand())


def noise():
    return [AT_IMPORT, float(np.random.rand()), random.random()]
"""


def test_a_submissions_unseeded_draws_are_the_same_in_every_run_with_the_secret(tmp_path: Path) -> None:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "unseeded.yaml").write_text(UNSEEDED_BANK)
    (tmp_path / "bank" / "noise_reference.py").write_text("def noise():\n    return [0.5, 0.5, 0.5]\n")
    (tmp_path / "cohort" / "student").mkdir(parents=True)
    (tmp_path / "cohort" / "student" / "noise.py").write_text(UNSEEDED)
    bank, cohort = tmp_path / "bank" / "unseeded.yaml", tmp_path / "cohort"

    def got(out: str, secret: str) -> str:
        run = grade(bank, cohort, tmp_path / out, secret)
        (question,) = run.cohort.students[0].questions
        assert question.status == "incorrect"
        return "\n".join(question.feedback)

    first, again = got("first", "s3cret"), got("again", "s3cret")
    assert first == again
    assert (tmp_path / "first" / "results.json").read_bytes() == (tmp_path / "again" / "results.json").read_bytes()
    assert got("other", "another secret") != first  # the draws come from the secret, not a constant


def test_seeding_a_job_imports_nothing() -> None:
    """numpy imports ``numpy.random`` lazily and ``torch.manual_seed`` imports every backend's
    module: milliseconds of every job's CPU (the zygote preloads ``numpy.random`` instead)."""
    import subprocess
    import sys

    from harness.sandbox import pool

    probe = f"""
import sys, types
import numpy
sys.path.insert(0, {str(pool.STUB[1].parent)!r})
import stub
seeded = []
torch = types.ModuleType("torch")
torch.default_generator = types.SimpleNamespace(manual_seed=seeded.append)
sys.modules["torch"] = torch
before = set(sys.modules)
stub.seed_job(5)
print(sorted(set(sys.modules) - before), seeded, "numpy.random" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "[] [5] False"


def test_a_self_check_keeps_its_secret_so_its_reference_runs_once(
    cohort: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A self-check's secret is kept in the cache: the same seeds every time, so the reference's
    draws are read back instead of run again (for torch's exercises, zygotes and seconds)."""
    bank, folder = cohort
    cache = tmp_path / "cache"
    monkeypatch.setenv("HARNESS_CACHE", str(cache))
    monkeypatch.delenv("HARNESS_SEED_SECRET", raising=False)
    student = folder / "student"
    (student / "sampler.py").write_text("# mine\n" + REFERENCE)
    (student / "answers.yaml").write_text("{}\n")
    jobs = record_jobs(monkeypatch)

    def check() -> tuple[list[list[int]], int]:
        jobs.clear()
        result = api.check([bank], student / "answers.yaml", today=dt.date(2026, 11, 23))
        assert result.questions[0].status == "correct"
        references = sum(1 for files, _ in jobs if files.get("sampler.py") == REFERENCE)
        return seeds_sent(jobs), references

    first_seeds, first_references = check()
    again_seeds, again_references = check()
    kept = cache / "self-check-secret"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert (first_references, again_references) == (1, 0)
    assert again_seeds == [seeds for seeds in first_seeds if len(seeds) == len(again_seeds[0])]
    assert again_seeds[0] == trial_seeds(kept.read_text().strip(), "q-draw/draw", len(again_seeds[0]))
    monkeypatch.setenv("HARNESS_SEED_SECRET", "from-the-environment")  # still the first word
    env_seeds, _ = check()
    assert env_seeds[-1] == trial_seeds("from-the-environment", "q-draw/draw", len(env_seeds[-1]))


def test_a_self_check_secret_that_is_not_one_is_made_again(tmp_path: Path) -> None:
    from harness.kinds.code_engine.runner import self_check_secret

    (tmp_path / "self-check-secret").write_text("../../etc/passwd\n")
    made = self_check_secret(tmp_path)
    assert len(made) == 32 and made == self_check_secret(tmp_path) != "../../etc/passwd"
    (tmp_path / "blocked").write_text("a file where the cache folder goes")
    fresh = self_check_secret(tmp_path / "blocked")  # a cache that cannot keep it: a fresh one
    assert len(fresh) == 32 and fresh != self_check_secret(tmp_path / "blocked")
