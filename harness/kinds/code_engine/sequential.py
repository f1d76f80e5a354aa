"""When a statistical test stops: the group-sequential plan of one test's draws.

A statistical test (``statistical: {trials: N, alpha: a, looks: K}``) no longer draws its
``N`` trials at once. The student's draws come in ``K`` rounds; after each, the grader
compares the student's draws so far with as many of the reference's (same seeds) and either
fails the test, passes it, or asks for the next round. Every decision is made here, outside
the sandbox, from the draws; the sandbox only draws.

**Failing early (the size).** Look ``k`` fails the test when the p-value is below a nominal
level ``a_k``. The early levels are those of the Lan-DeMets test with O'Brien-Fleming-type
alpha spending (:func:`~harness.kinds.code_engine.group_sequential.spending_bounds`, exact by
numerical integration): about 1e-13 at the first of four looks for alpha = 0.00025, so only a
sampler that is plainly wrong fails there. The last look gets what the union bound leaves,
``a_K = alpha - (a_1 + ... + a_{K-1})``. Hence P(a correct sampler fails) <= sum a_k = alpha,
whatever the joint law of the looks' statistics: chi-square tables whose pooling changes from
look to look, any degrees of freedom, the Kolmogorov-Smirnov test. (For a one-degree-of-freedom
statistic the exact last level would be a little higher; the guarantee is worth the 5%.)

**Passing early (futility, non-binding).** A chi-square look ``k < K`` passes the test when
the statistic is at or below the ``b_k``-quantile of its law under the *design alternative*:
the noncentrality ``lambda_1`` at which the fixed design (``N`` draws, level alpha, the
table's degrees of freedom) has power ``1 - BETA``, scaled to the look's draws. So under that
alternative a look passes with probability ``b_k``; the ``b_k`` spend ``FUTILITY`` linearly
over the information (Pampallona & Tsiatis 1994 call this beta spending). The boundary is
non-binding: the fail levels above are computed as if it did not exist, so passing early can
only lower the false-fail rate.

A Kolmogorov-Smirnov look passes when the statistic ``D`` (the largest gap between the two
empirical CDFs) is at most ``delta_1 - z_{1 - b_k} / sqrt(2 n_k)``. At the point where two
laws a sup-distance ``delta >= delta_1`` apart differ most, the gap of the empirical CDFs is
approximately normal with mean ``delta`` and variance at most ``1 / (2 n)``, and ``D`` is at
least that gap: so the look passes such an alternative with probability at most ``b_k``.
The design alternative is ``delta_1 = c_N + z_{1 - BETA} / sqrt(2 N)`` (``c_N`` the
asymptotic critical value of ``D`` at level alpha), which the fixed design detects with
probability at least ``1 - BETA`` by the same argument.

**The power.** The union bound again: P(miss the design alternative) <= P(the last look,
at level ``a_K`` with ``N'`` draws, misses it) + sum b_k. ``N' = R N`` with the smallest
inflation ``R`` that makes this at most ``BETA`` for every chi-square table of 1 to
``MAX_PLANNED_DF`` degrees of freedom and for the Kolmogorov-Smirnov bound (about 1.05 for
alpha = 0.00025 and four looks), so the sequential test's power against the design
alternative is at least the fixed design's.

With ``looks: 1`` the plan is the fixed design: ``N`` draws, level alpha.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from dataclasses import astuple, dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from harness.kinds.code_engine.sample_tests import KOLMOGOROV_SMIRNOV, SampleTest

BETA = 0.10  # the design alternative: the effect the fixed design detects 90% of the time
FUTILITY = 0.02  # the chance, under the design alternative, of passing early (all looks together)
MAX_PLANNED_DF = 20  # the inflation keeps the power for tables of up to this many degrees of freedom
DEFAULT_LOOKS = 4
MIN_DRAWS_PER_LOOK = 20


class Decision(Enum):
    FAIL = "fail"
    PASS = "pass"
    MORE = "more"  # undecided: draw the next round


@dataclass(frozen=True)
class Look:
    draws: int  # the draws compared at this look, counted from the first
    fail_below: float  # the nominal level: a p-value below it fails the test here
    futility: float  # the chance of passing here under the design alternative (0: never early)


@dataclass(frozen=True)
class SequentialPlan:
    """The looks of one statistical test; ``trials`` and ``alpha`` are the fixed design's."""

    trials: int
    alpha: float
    looks: tuple[Look, ...]

    @property
    def max_draws(self) -> int:
        return self.looks[-1].draws

    def decide(self, look: int, result: SampleTest) -> Decision:
        """Fail, pass, or draw more, after look ``look`` (0-based) gave ``result``."""
        step = self.looks[look]
        if result.p_value < step.fail_below:
            return Decision.FAIL
        if look == len(self.looks) - 1:
            return Decision.PASS
        if (
            step.futility > 0
            and result.method == KOLMOGOROV_SMIRNOV
            and result.statistic <= self.ks_pass_at_or_below(look)
        ):
            return Decision.PASS
        if step.futility > 0 and result.df and result.statistic <= self.pass_at_or_below(look, result.df):
            return Decision.PASS
        return Decision.MORE

    def pass_at_or_below(self, look: int, df: int) -> float:
        """The chi-square statistic at or below which look ``look`` passes a ``df`` table."""
        return _chi_square_pass(self, look, df)

    def ks_pass_at_or_below(self, look: int) -> float:
        """The Kolmogorov-Smirnov statistic at or below which look ``look`` passes."""
        return _ks_pass(self, look)


# Every student's look at the same test asks for the same boundary (a noncentral chi-square
# quantile costs about a millisecond): computed once per plan, look and table.
@lru_cache(maxsize=1024)
def _chi_square_pass(plan: SequentialPlan, look: int, df: int) -> float:
    from scipy import stats

    step = plan.looks[look]
    noncentrality = design_noncentrality(plan.alpha, df) * step.draws / plan.trials
    return float(stats.ncx2.ppf(step.futility, df, noncentrality))


@lru_cache(maxsize=256)
def _ks_pass(plan: SequentialPlan, look: int) -> float:
    from scipy import stats

    step = plan.looks[look]
    delta = design_distance(plan.alpha) * math.sqrt(2 / plan.trials)
    return float(delta - stats.norm.isf(step.futility) / math.sqrt(2 * step.draws))


def plan(trials: int, alpha: float, looks: int = DEFAULT_LOOKS, folder: Path | None = None) -> SequentialPlan:
    """The plan of a test of ``trials`` draws at level ``alpha`` in ``looks`` rounds.

    A plan is computed once per process. Computing one needs scipy.stats, most of a second
    to import, on a lone self-check's path before its first job can be sent; with ``folder``
    (the harness's cache) plans are also kept on disk across runs, keyed by everything that
    decides them (:func:`_plan_file`), so a student's next self-check reads it back.

    Raises:
        ValueError: fewer than one look, or more looks than draws.
    """
    if not 1 <= looks <= trials:
        raise ValueError(f"looks must be between 1 and the {trials} trials, not {looks}")
    key = (trials, alpha, looks)
    found = _KNOWN.get(key)
    if found is not None:
        return found
    path = _plan_file(folder, key) if folder is not None else None
    found = _read_plan(path, key) if path is not None else None
    if found is None:
        found = _plan(trials, alpha, looks)
        if path is not None:
            _write_plan(path, found)
    return _KNOWN.setdefault(key, found)


_KNOWN: dict[tuple[int, float, int], SequentialPlan] = {}  # this process's plans, however found
PLAN_FORMAT = 1  # bump when the planning changes in a way the constants below do not show


def _plan_file(folder: Path, key: tuple[int, float, int]) -> Path:
    """Where a plan is kept: named by its design, the planning's constants and scipy's version
    (whose integrals and quantiles it is made of)."""
    from harness.versions import installed_version

    trials, alpha, looks = key
    decided_by = [PLAN_FORMAT, trials, repr(alpha), looks, BETA, FUTILITY, MAX_PLANNED_DF, installed_version("scipy")]
    name = hashlib.sha256(json.dumps(decided_by).encode()).hexdigest()[:32]
    return folder / "plans" / f"{name}.json"


def _read_plan(path: Path, key: tuple[int, float, int]) -> SequentialPlan | None:
    """The plan kept at ``path``; None when there is none, or it is not a sound plan for
    ``key`` (then it is computed again): draws rising to at least the trials, fail levels
    that spend at most alpha, futility chances in [0, 1)."""
    from harness.kept import read_trusted

    trials, alpha, looks = key
    text = read_trusted(path)  # a plan another user could have written is not read
    if text is None:
        return None
    try:
        data = json.loads(text)
        steps = tuple(Look(int(d), float(f), float(b)) for d, f, b in data["looks"])
    except (ValueError, KeyError, TypeError):
        return None
    draws = [step.draws for step in steps]
    sound = (
        data.get("trials") == trials
        and data.get("alpha") == alpha
        and len(steps) == looks
        and draws == sorted(set(draws))
        and draws[-1] >= trials
        and all(step.fail_below >= 0 and 0 <= step.futility < 1 for step in steps)
        and math.fsum(step.fail_below for step in steps) <= alpha * (1 + 1e-9)
    )
    return SequentialPlan(trials, alpha, steps) if sound else None


def _write_plan(path: Path, found: SequentialPlan) -> None:
    """Keep ``found`` at ``path`` (atomically; a cache that cannot be written is no error)."""
    from harness.errors import HarnessError
    from harness.reports.output import write_text_atomically

    data = {"trials": found.trials, "alpha": found.alpha, "looks": [list(astuple(step)) for step in found.looks]}
    with contextlib.suppress(HarnessError, OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # ours alone, or never read back
        write_text_atomically(path, json.dumps(data))


def _plan(trials: int, alpha: float, looks: int) -> SequentialPlan:
    if looks == 1:
        return SequentialPlan(trials, alpha, (Look(trials, alpha, 0.0),))
    levels = nominal_levels(alpha, looks)
    total = math.ceil(inflation(alpha, looks) * trials)
    steps = tuple(
        Look(math.ceil(total * k / looks), level, FUTILITY / looks if k < looks else 0.0)
        for k, level in enumerate(levels, start=1)
    )
    return SequentialPlan(trials, alpha, steps)


@lru_cache(maxsize=64)
def nominal_levels(alpha: float, looks: int) -> tuple[float, ...]:
    """Each look's fail level: Lan-DeMets O'Brien-Fleming-type levels for the early looks,
    and for the last what the union bound leaves of ``alpha`` (see the module's docstring)."""
    from scipy import stats

    from harness.kinds.code_engine.group_sequential import spending_bounds  # numpy: only for statistical tests

    bounds = spending_bounds([k / looks for k in range(1, looks + 1)], alpha)
    early = [float(2 * stats.norm.sf(c)) for c in bounds[:-1]]
    return (*early, alpha - sum(early))


@lru_cache(maxsize=256)
def design_noncentrality(alpha: float, df: int) -> float:
    """``lambda_1``: the noncentrality at which a chi-square test of ``df`` degrees of freedom
    at level ``alpha`` has power ``1 - BETA`` (the alternative the test is sized to catch)."""
    from scipy import optimize, stats

    critical = stats.chi2.isf(alpha, df)
    return float(optimize.brentq(lambda lam: stats.ncx2.sf(critical, df, lam) - (1 - BETA), 1e-6, 1e4))


@lru_cache(maxsize=64)
def design_distance(alpha: float) -> float:
    """``delta_1`` in units of ``sqrt(2 / N)``: ``K_alpha + z_{1 - BETA} / 2``, with ``K_alpha``
    the Kolmogorov distribution's upper alpha point (the asymptotic critical value of
    ``sqrt(N / 2) D`` for two samples of ``N``)."""
    from scipy import stats

    return float(stats.kstwobign.isf(alpha) + stats.norm.isf(BETA) / 2)


@lru_cache(maxsize=64)
def inflation(alpha: float, looks: int) -> float:
    """``R``: the least ``N' / N`` that keeps the power against the design alternative at
    least ``1 - BETA`` for 1 to ``MAX_PLANNED_DF`` degrees of freedom (module docstring)."""
    from scipy import optimize, stats

    last = nominal_levels(alpha, looks)[-1]
    spent = FUTILITY * (looks - 1) / looks

    def shortfall(ratio: float, df: int) -> float:
        power = stats.ncx2.sf(stats.chi2.isf(last, df), df, design_noncentrality(alpha, df) * ratio)
        return float(power - spent - (1 - BETA))

    def ks_shortfall(ratio: float) -> float:
        # (delta_1 - c_{N'}) sqrt(2 N'), in the units of design_distance: N cancels out
        margin = 2 * design_distance(alpha) * math.sqrt(ratio) - 2 * stats.kstwobign.isf(last)
        return float(stats.norm.cdf(margin) - spent - (1 - BETA))

    chi_square = [float(optimize.brentq(shortfall, 1.0, 4.0, args=(df,))) for df in range(1, MAX_PLANNED_DF + 1)]
    return max(*chi_square, float(optimize.brentq(ks_shortfall, 1.0, 4.0)))
