"""`harness validate --solutions`: how many tests catch each known-wrong solution, and whether
only a lucky draw does (the chance tests are run again under other draws)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.kinds import load_bank
from harness.kinds.code import CodeQuestion
from harness.kinds.code_engine.solution_check import SolutionReport, check_solutions, is_chance_test, redraw
from harness.sandbox.selection import sandbox_named

# The case: the only top-k tests are a k=1 test and a single-draw property test, both
# with a fixed seed. A sampler that ignores k still returns the arg-max at k=1 whenever its
# draw lands there (p ≈ 0.55 here), and a draw from the top two whenever that is where it
# lands (p ≈ 0.64), so a grading run catches it only by luck.
BANK = """\
id: lucky
title: A sampler tested by single draws
version: "1"
questions:
  - id: sampler
    kind: code
    prompt: Write sample_token(logits, temperature=1.0, top_k=None, seed=None).
    file: sampling.py
    reference: reference.py
    wrong_solutions: [wrong_ignores_k.py, wrong_negative_temperature.py]
    properties: properties.py
    preload: [numpy]
    tests:
      - {id: top-k-one, call: sample_token, args: [[0.5, 3.0, 1.0, 2.5]], kwargs: {top_k: 1, seed: 7}}
      - id: draw-in-top-two
        call: sample_token
        args: [[2.0, 1.0, 0.5, 0.1, -0.5]]
        kwargs: {temperature: 1.5, top_k: 2, seed: 3}
        property: in_top_two
      - {id: negative, call: sample_token, args: [[1.0, 2.0]], kwargs: {temperature: -1.0}, raises: ValueError}
"""

STATISTICAL_TEST = """\
      - id: distribution-top-k
        call: sample_token
        args: [[2.0, 1.0, 0.5, 0.1, -0.5]]
        kwargs: {temperature: 1.5, top_k: 2}
        statistical: {trials: 1000, seed_kwarg: seed, alpha: 0.001}
        time_limit: 20
        visibility: hidden  # a hidden test reports only pass or fail to students; the check sees its p-value
"""

REFERENCE = """\
import numpy as np


def sample_token(logits, temperature=1.0, top_k=None, seed=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    z = np.asarray(logits, dtype=np.float64) / temperature
    if top_k is not None:
        cut = np.sort(z)[-top_k]
        z = np.where(z >= cut, z, -np.inf)
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(np.random.default_rng(seed).choice(p.size, p=p))
"""

PROPERTIES = """\
import numpy as np


def in_top_two(value, args, kwargs):
    top = set(np.argsort(-np.asarray(args[0]))[:2].tolist())
    return value in top or f"token {value} is not one of the two most likely {sorted(top)}"
"""


def write_bank(folder: Path, extra_tests: str = "") -> Path:
    (folder / "reference.py").write_text(REFERENCE, encoding="utf-8")
    (folder / "wrong_ignores_k.py").write_text(
        REFERENCE.replace("if top_k is not None:", "if False:"), encoding="utf-8"
    )
    (folder / "wrong_negative_temperature.py").write_text(
        REFERENCE.replace("if temperature < 0:", "if False:"), encoding="utf-8"
    )
    (folder / "properties.py").write_text(PROPERTIES, encoding="utf-8")
    path = folder / "bank.yaml"
    path.write_text(BANK + extra_tests, encoding="utf-8")
    return path


def reports(path: Path) -> dict[str, SolutionReport]:
    found = check_solutions([load_bank(path)], sandbox_named("process"), seed_secret="test-solution-report")
    return {report.solution: report for report in found}


def question_of(text: str, tmp_path: Path) -> CodeQuestion:
    question = load_bank(write_bank(tmp_path, text)).questions[0].question
    assert isinstance(question, CodeQuestion)
    return question


# --- which tests depend on chance, and how a draw moves their seeds (no sandbox) ----------------


def test_chance_tests_are_statistical_seeded_or_given_random_inputs(tmp_path: Path) -> None:
    question = question_of(
        STATISTICAL_TEST
        + "      - {id: random-input, call: sample_token, args: [{random: normal, shape: [4], seed: 5}]}\n",
        tmp_path,
    )
    chance = {t.id for t in question.tests if is_chance_test(question, t)}
    assert chance == {"top-k-one", "draw-in-top-two", "distribution-top-k", "random-input"}


def test_a_draw_moves_every_seed_a_test_states_and_nothing_else(tmp_path: Path) -> None:
    question = question_of(
        "      - {id: random-input, call: sample_token, args: [{random: normal, shape: [4], seed: 5}]}\n", tmp_path
    )
    tests = {t.id: t for t in question.tests}

    assert redraw(question, tests["top-k-one"], 0) is tests["top-k-one"]
    moved = redraw(question, tests["top-k-one"], 2)
    assert moved.kwargs == {"top_k": 1, "seed": 7 + 2 * 1_000_003} and moved.args == tests["top-k-one"].args
    random_input = redraw(question, tests["random-input"], 1).args[0]
    assert random_input == {"random": "normal", "shape": [4], "seed": 5 + 1_000_003}
    assert redraw(question, tests["negative"], 3).kwargs == {"temperature": -1.0}


# --- the report (through a real sandbox: the process backend) ---------------------------------


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_wrong_solution_caught_only_by_a_lucky_draw_is_a_warning(tmp_path: Path) -> None:
    found = reports(write_bank(tmp_path))

    lucky = found["wrong_ignores_k.py"]
    assert lucky.level == "warn", lucky.detail
    assert lucky.detail.startswith("only a lucky draw catches it: passes every test in ")
    assert 0 < lucky.caught_draws < lucky.draws
    by_test = {c.test_id: c for c in lucky.tests}
    assert by_test["top-k-one"].chance and by_test["top-k-one"].draws == lucky.draws
    assert 0 < len(by_test["top-k-one"].failed) < lucky.draws
    assert not by_test["negative"].chance and not by_test["negative"].failed

    assert found["reference"].level == "ok"
    steady = found["wrong_negative_temperature.py"]
    assert (steady.level, steady.detail) == ("ok", "caught by 1 of 3 tests: negative")


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_statistical_test_catches_it_in_every_draw(tmp_path: Path) -> None:
    found = reports(write_bank(tmp_path, STATISTICAL_TEST))

    caught = found["wrong_ignores_k.py"]
    assert caught.level == "ok", caught.detail
    assert caught.caught_draws == caught.draws == 5
    statistical = next(c for c in caught.tests if c.test_id == "distribution-top-k")
    assert statistical.failed == (0, 1, 2, 3, 4)
    assert "distribution-top-k in 5/5 draws (p ≤ " in caught.detail
    assert statistical.alpha == 0.001 and all(p < 0.001 / 100 for p in statistical.p_values.values())
    assert found["reference"].level == "ok"


@pytest.mark.sandbox
def test_validate_prints_the_warning_and_still_exits_0(tmp_path: Path) -> None:
    path = write_bank(tmp_path)

    result = CliRunner().invoke(main, ["validate", "--solutions", "--sandbox", "process", str(path)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("WARN sampler: wrong_ignores_k.py: only a lucky draw catches it") for line in lines)
    assert "ok  sampler: wrong_negative_temperature.py: caught by 1 of 3 tests: negative" in lines

    # One draw is what a single grading run sees: the bank's seeds happen to catch it.
    one = CliRunner().invoke(main, ["validate", "--solutions", "--sandbox", "process", "--draws", "1", str(path)])
    assert one.exit_code == 0, one.output
    assert "ok  sampler: wrong_ignores_k.py: caught by 1 of 3 tests: top-k-one in 1/1 draws" in one.output.splitlines()
