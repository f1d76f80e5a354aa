"""The softmax cohort benchmark's own pieces: the cohort it grades and how it reads verdicts.

A benchmark whose cohort were identical copies could be made fast by a content-keyed cache
alone, and one that counted verdicts wrongly would report a fast run of wrong grades; these
tests keep both honest. The bench itself is run by hand (bench/bench_softmax.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOFTMAX = ROOT.parent / "shared" / "bench" / "softmax"
sys.path.insert(0, str(ROOT / "bench"))

import bench_code  # noqa: E402
import bench_softmax  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The peer benchmark's own build where it sits beside the repository; elsewhere (a CI
    checkout on its own) a stand-in with the same layout: 20 student folders, one notebook each."""
    folder = tmp_path_factory.mktemp("softmax")
    if (SOFTMAX / "make.py").is_file():
        return bench_softmax.build(SOFTMAX, folder)
    for n in range(20):
        name = f"s{n:02d}_{'ok' if n < 10 else 'bug'}"
        cell = {"cell_type": "code", "source": ["import numpy as np\n", f"ANSWER = {n}\n"], "metadata": {}}
        notebook = {"cells": [{"cell_type": "markdown", "source": ["# softmax"], "metadata": {}}, cell]}
        (folder / "cohort" / name).mkdir(parents=True)
        (folder / "cohort" / name / "softmax.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return folder


def _code(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join(next(c for c in cells if c["cell_type"] == "code")["source"])


def test_each_copy_of_a_notebook_has_bytes_of_its_own(built: Path) -> None:
    cohort = bench_softmax.make_cohort(built, 60, distinct=True)
    notebooks = sorted(cohort.glob("*/softmax.ipynb"))
    assert len(notebooks) == 60
    assert len({n.read_bytes() for n in notebooks}) == 60
    original = _code(built / "cohort" / "s03_ok" / "softmax.ipynb")
    assert _code(cohort / "c002_s03_ok" / "softmax.ipynb") == "# copy 2\n" + original  # a comment, nothing else


def test_plain_copies_are_the_readme_cohort(built: Path) -> None:
    cohort = bench_softmax.make_cohort(built, 40, distinct=False)
    notebooks = sorted(cohort.glob("*/softmax.ipynb"))
    assert len(notebooks) == 40
    assert len({n.read_bytes() for n in notebooks}) == 20


def test_verdicts_count_full_marks_and_name_wrong_ones(tmp_path: Path) -> None:
    students = [
        {"student_id": "c000_s00_ok", "score": 5.0, "max_score": 5.0},
        {"student_id": "c000_s10_bug", "score": 3.0, "max_score": 5.0},
        {"student_id": "c001_s10_bug", "score": 5.0, "max_score": 5.0},  # a buggy notebook passing: wrong
        {"student_id": "c001_s01_ok", "score": 0.0, "max_score": 0.0},  # nothing graded is no pass
    ]
    (tmp_path / "results.json").write_text(json.dumps({"students": students}), encoding="utf-8")
    assert bench_softmax.verdicts(tmp_path) == (2, 2, ["c001_s10_bug", "c001_s01_ok"])


def test_the_code_bench_overhead_ratio() -> None:
    assert bench_code.overhead_ratio(110.0, 200.0, 2) == pytest.approx(1.1)  # 200 s over 2 cores: 100 s at best
    assert bench_code.overhead_ratio(5.0, 0.0, 2) == float("inf")
