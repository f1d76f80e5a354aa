"""Group-sequential statistical tests: published boundaries, the size and power of the design
by Monte Carlo, and a test stopping at its first look for a plainly wrong or an exact sampler."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from harness.kinds.code import CodeTest, Statistical
from harness.kinds.code_engine import sequential
from harness.kinds.code_engine.group_sequential import (
    crossing_probabilities,
    obrien_fleming_bounds,
    spending_bounds,
)
from harness.kinds.code_engine.judge import Pending, Verdict, look
from harness.kinds.code_engine.sample_tests import compare_samples
from harness.kinds.code_engine.sequential import Decision, SequentialPlan
from harness.kinds.code_engine.values import Samples

FIVE_LOOKS = [k / 5 for k in range(1, 6)]


# --- known answers ---------------------------------------------------------------------


def test_obrien_fleming_bounds_match_the_published_ones() -> None:
    # O'Brien & Fleming (1979); Jennison & Turnbull (2000) table 2.3: C_B(5, 0.05) = 2.040,
    # so the bounds 2.040 sqrt(5 / k) = 4.56, 3.23, 2.63, 2.28, 2.04
    assert obrien_fleming_bounds(5, 0.05) == pytest.approx([4.562, 3.226, 2.634, 2.281, 2.040], abs=2e-3)


def test_lan_demets_obrien_fleming_spending_bounds_match_the_published_ones() -> None:
    # Lan & DeMets (1983) O'Brien-Fleming-type spending, K = 5 equally spaced, alpha = 0.05
    # two-sided: 4.8769, 3.3569, 2.6803, 2.2898, 2.0310 (R ldbounds::bounds, iuse = 1, and
    # gsDesign's sfLDOF with test.type = 2)
    assert spending_bounds(FIVE_LOOKS, 0.05) == pytest.approx([4.8769, 3.3569, 2.6803, 2.2898, 2.0310], abs=1e-3)


def test_pocock_constant_has_the_published_size() -> None:
    # Pocock (1977); Jennison & Turnbull (2000) table 2.1: C_P(5, 0.05) = 2.413
    assert sum(crossing_probabilities([2.413] * 5, FIVE_LOOKS)) == pytest.approx(0.05, abs=3e-4)


def test_one_look_is_the_fixed_test() -> None:
    assert spending_bounds([1.0], 0.05) == pytest.approx([1.95996], abs=1e-4)
    fixed = sequential.plan(2000, 0.00025, 1)
    assert fixed.max_draws == 2000 and fixed.looks[0].fail_below == 0.00025 and fixed.looks[0].futility == 0


def test_the_levels_spend_exactly_alpha_and_the_draws_are_inflated_a_little() -> None:
    plan = sequential.plan(2000, 0.00025, 4)
    levels = [step.fail_below for step in plan.looks]
    assert sum(levels) == pytest.approx(0.00025, rel=1e-12)  # the union bound: size <= alpha
    assert levels[0] < 1e-12 and levels == sorted(levels)  # O'Brien-Fleming: almost nothing early
    assert 2000 < plan.max_draws < 2200
    assert [step.draws for step in plan.looks] == sorted({step.draws for step in plan.looks})


def test_bad_plans_are_refused() -> None:
    with pytest.raises(ValueError, match="looks must be between 1 and the 30 trials"):
        sequential.plan(30, 0.01, 31)
    with pytest.raises(ValueError, match="must increase"):
        crossing_probabilities([2.0, 2.0], [0.5, 0.5])


def _forget_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's plans forgotten (restored after the test), so a plan is found afresh."""
    monkeypatch.setattr(sequential, "_KNOWN", {})


def test_a_plan_kept_in_the_cache_is_read_back_without_computing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_plans(monkeypatch)
    computed = sequential.plan(2000, 0.00025, 4, tmp_path)
    assert len(list((tmp_path / "plans").glob("*.json"))) == 1
    _forget_plans(monkeypatch)  # a later run: nothing in memory, and no scipy wanted

    def no_computing(*args: object) -> None:
        raise AssertionError("the plan was computed, not read")

    monkeypatch.setattr(sequential, "_plan", no_computing)
    assert sequential.plan(2000, 0.00025, 4, tmp_path) == computed
    assert sequential.plan(2000, 0.00025, 4) == computed  # judging asks without the folder: the same plan


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: "not json",
        lambda data: json.dumps({**data, "looks": data["looks"][:-1]}),  # a look lost
        lambda data: json.dumps({**data, "looks": [[d, f * 10, b] for d, f, b in data["looks"]]}),  # spends 10x alpha
        lambda data: json.dumps({**data, "looks": [[10, f, b] for _, f, b in data["looks"]]}),  # too few draws
        lambda data: json.dumps({**data, "trials": 100}),  # another design's
    ],
)
def test_a_kept_plan_that_is_not_sound_is_computed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper: Callable[[dict[str, Any]], str]
) -> None:
    _forget_plans(monkeypatch)
    computed = sequential.plan(2000, 0.00025, 4, tmp_path)
    (kept,) = (tmp_path / "plans").glob("*.json")
    kept.write_text(tamper(json.loads(kept.read_text())), encoding="utf-8")
    _forget_plans(monkeypatch)
    assert sequential.plan(2000, 0.00025, 4, tmp_path) == computed
    assert json.loads(kept.read_text())["looks"] == [list(astuple(step)) for step in computed.looks]  # written again


def test_a_cache_that_cannot_be_written_costs_nothing_but_the_keeping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_plans(monkeypatch)
    (tmp_path / "plans").write_text("a file where the folder goes", encoding="utf-8")
    assert sequential.plan(2000, 0.00025, 4, tmp_path).max_draws > 2000


# --- size and power by Monte Carlo -------------------------------------------------------

NULL = np.array([0.4, 0.3, 0.2, 0.1])  # the lecture's happy, tired, hungry, lucky
SHIFT = np.array([-1.0, 0.0, 0.0, 1.0])  # a planted alternative: mass moved to the tail


def _alternative(plan: SequentialPlan) -> np.ndarray:
    """The null moved along SHIFT until the two-sample chi-square noncentrality at the fixed
    design's draws is the design's lambda_1 (3 degrees of freedom): n/2 sum (p - q)^2 / pbar."""
    target = sequential.design_noncentrality(plan.alpha, 3)
    lo, hi = 0.0, 0.3
    for _ in range(60):
        eps = (lo + hi) / 2
        q = NULL + eps * SHIFT
        pbar = (NULL + q) / 2
        lam = plan.trials / 2 * float(np.sum((NULL - q) ** 2 / pbar))
        lo, hi = (eps, hi) if lam < target else (lo, eps)
    return NULL + lo * SHIFT


def _run(plan: SequentialPlan, student: np.ndarray, rng: np.random.Generator) -> tuple[bool, int]:
    """One grading of a sampler drawing from ``student`` against the reference's NULL, with
    independent draws (a correct sampler that uses its generator differently): (failed, draws)."""
    reference = rng.choice(4, size=plan.max_draws, p=NULL).tolist()
    drawn = rng.choice(4, size=plan.max_draws, p=student).tolist()
    for index, step in enumerate(plan.looks):
        decision = plan.decide(index, compare_samples(reference[: step.draws], drawn[: step.draws]))
        if decision is not Decision.MORE:
            return decision is Decision.FAIL, step.draws
    raise AssertionError("the last look always decides")


REPS = 2000


@pytest.mark.slow
def test_a_correct_sampler_fails_at_most_alpha_of_the_time() -> None:
    plan, rng = sequential.plan(400, 0.05, 4), np.random.default_rng(20261203)
    size = sum(_run(plan, NULL, rng)[0] for _ in range(REPS)) / REPS
    # 3 standard errors over alpha (0.065); testing at 0.05 at each of the 4 looks gives about 0.12
    assert size <= 0.05 + 3 * (0.05 * 0.95 / REPS) ** 0.5, size


@pytest.mark.slow
def test_a_correct_sampler_that_draws_differently_stops_early_at_the_courses_alpha() -> None:
    plan, rng = sequential.plan(2000, 0.00025, 4), np.random.default_rng(12)
    runs = [_run(plan, NULL, rng) for _ in range(300)]
    assert not any(failed for failed, _ in runs)
    # P(pass by look 1, 2, 3) is about 0.14, 0.62, 0.91 for 3 degrees of freedom: 0.6 N on average
    assert sum(draws for _, draws in runs) / len(runs) < 0.7 * plan.trials


@pytest.mark.slow
def test_the_power_is_at_least_the_fixed_designs_on_a_planted_alternative() -> None:
    plan, fixed = sequential.plan(400, 0.05, 4), sequential.plan(400, 0.05, 1)
    wrong = _alternative(plan)
    rng = np.random.default_rng(7)
    power = sum(_run(plan, wrong, rng)[0] for _ in range(REPS)) / REPS
    fixed_power = sum(_run(fixed, wrong, rng)[0] for _ in range(REPS)) / REPS
    assert fixed_power == pytest.approx(1 - sequential.BETA, abs=0.03)  # lambda_1 is what it says
    assert power >= fixed_power - 2 * (0.1 * 0.9 * 2 / REPS) ** 0.5, (power, fixed_power)


# --- a look's verdict ------------------------------------------------------------------


def _statistical_test(trials: int = 2000, alpha: float = 0.00025) -> CodeTest:
    return CodeTest(id="distribution", call="sample_token", statistical=Statistical(trials=trials, alpha=alpha))


def _samples(values: list[int]) -> Samples:
    return Samples(tuple(range(len(values))), tuple(values))


def test_a_sampler_that_ignores_top_k_fails_at_the_first_look() -> None:
    test = _statistical_test()
    plan = test.statistical.plan() if test.statistical else None
    assert plan is not None
    rng = random.Random(3)
    reference = _samples(rng.choices([0, 1], weights=[0.6, 0.4], k=plan.max_draws))  # top_k = 2 of 5
    ignores_k = _samples(rng.choices([0, 1, 2, 3, 4], weights=[0.4, 0.27, 0.16, 0.1, 0.07], k=plan.looks[0].draws))
    verdict = look(test, reference, ignores_k, 0)
    assert isinstance(verdict, Verdict) and not verdict.passed and verdict.category == "statistical"
    assert "look 1 of 4" in verdict.detail


def test_a_sampler_drawing_exactly_as_the_reference_passes_at_the_first_look() -> None:
    test = _statistical_test()
    plan = test.statistical.plan() if test.statistical else None
    assert plan is not None
    rng = random.Random(4)
    everything = rng.choices([0, 1, 2, 3], weights=list(NULL), k=plan.max_draws)
    verdict = look(test, _samples(everything), _samples(everything[: plan.looks[0].draws]), 0)
    assert isinstance(verdict, Verdict) and verdict.passed and verdict.p_value == 1.0
    assert "stop early" in verdict.detail


def test_an_undecided_look_asks_for_more_and_the_last_look_decides() -> None:
    test = _statistical_test(trials=400, alpha=0.05)
    plan = test.statistical.plan() if test.statistical else None
    assert plan is not None
    rng = random.Random(5)
    reference = _samples(rng.choices([0, 1, 2, 3], weights=list(NULL), k=plan.max_draws))
    # a little off: neither plainly wrong nor close enough to stop at the first look
    drawn = rng.choices([0, 1, 2, 3], weights=[0.36, 0.3, 0.2, 0.14], k=plan.max_draws)
    first = look(test, reference, _samples(drawn[: plan.looks[0].draws]), 0)
    assert isinstance(first, Pending) and first.look == 0
    last = look(test, reference, _samples(drawn), len(plan.looks) - 1)
    assert isinstance(last, Verdict)
    wrong_count = look(test, reference, _samples(drawn[:10]), 1)
    assert isinstance(wrong_count, Verdict) and not wrong_count.passed and "expected" in wrong_count.detail


def _run_ks(plan: SequentialPlan, shift: float, rng: np.random.Generator) -> tuple[bool, int]:
    """One grading of a continuous sampler drawing N(shift, 1) against the reference's N(0, 1)."""
    reference, drawn = rng.normal(0, 1, plan.max_draws).tolist(), rng.normal(shift, 1, plan.max_draws).tolist()
    for index, step in enumerate(plan.looks):
        decision = plan.decide(index, compare_samples(reference[: step.draws], drawn[: step.draws]))
        if decision is not Decision.MORE:
            return decision is Decision.FAIL, step.draws
    raise AssertionError("the last look always decides")


@pytest.mark.slow
def test_kolmogorov_smirnov_keeps_the_power_and_stops_early_under_the_null() -> None:
    from scipy import stats

    plan, fixed = sequential.plan(400, 0.05, 4), sequential.plan(400, 0.05, 1)
    delta = sequential.design_distance(0.05) * (2 / 400) ** 0.5
    shift = 2 * float(stats.norm.ppf((1 + delta) / 2))  # sup |Phi(x) - Phi(x - shift)| = delta
    rng = np.random.default_rng(11)
    power = sum(_run_ks(plan, shift, rng)[0] for _ in range(1000)) / 1000
    fixed_power = sum(_run_ks(fixed, shift, rng)[0] for _ in range(1000)) / 1000
    assert fixed_power >= 1 - sequential.BETA - 0.03  # delta_1 is detected 90% of the time ...
    assert power >= fixed_power - 0.03, (power, fixed_power)  # ... and no less often in looks
    course = sequential.plan(2000, 0.001, 4)  # at the course's alpha, a correct sampler stops early on average
    null = [_run_ks(course, 0.0, rng) for _ in range(200)]
    assert not any(failed for failed, _ in null)
    assert sum(draws for _, draws in null) / len(null) < 0.85 * course.max_draws


def test_a_continuous_sampler_drawing_exactly_as_the_reference_passes_at_the_first_look() -> None:
    test = CodeTest(id="z", call="sample_z", statistical=Statistical(trials=2000, alpha=0.001))
    plan = test.statistical.plan() if test.statistical else None
    assert plan is not None
    rng = random.Random(6)
    everything = [rng.gauss(1.5, 1.0) for _ in range(plan.max_draws)]
    verdict = look(test, Samples(tuple(range(plan.max_draws)), tuple(everything)),
                   Samples(tuple(range(plan.looks[0].draws)), tuple(everything[: plan.looks[0].draws])), 0)  # fmt: skip
    assert isinstance(verdict, Verdict) and verdict.passed and "look 1 of 4" in verdict.detail
