"""Group-sequential boundaries for a standardised statistic, computed by numerical integration.

A group-sequential test looks at the data ``K`` times, at information fractions
``t_1 < ... < t_K = 1``. Under the canonical joint distribution (Jennison & Turnbull,
*Group Sequential Methods with Applications to Clinical Trials*, 2000, ch. 3) the statistics
``Z_k = S_k / sqrt(t_k)`` come from a Brownian motion ``S`` with drift ``theta`` per unit of
information, so ``E[Z_k] = theta sqrt(t_k)`` and the increments are independent. The
probability of first crossing a two-sided boundary ``|Z_k| >= c_k`` at each look is computed
by the recursive numerical integration of Armitage, McPherson & Rowe (1969), as set out in
Jennison & Turnbull ch. 19: the sub-density of ``Z_k`` on the continuation region, carried
from look to look by convolution with the normal kernel of the increment.

Two ways to choose ``c_k``:

- :func:`obrien_fleming_bounds`: the original O'Brien & Fleming (1979) test,
  ``c_k = C sqrt(K / k)``, with ``C`` solved so that the total crossing probability is alpha;
- :func:`spending_bounds`: the Lan & DeMets (1983) alpha-spending test, each ``c_k`` solved
  so that the probability of first crossing at look ``k`` is the increment of a spending
  function (:func:`obf_spending`, the O'Brien-Fleming type, spends almost nothing early).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

GRID_STEP = 0.01  # z-scale spacing of the integration grid: bounds good to about 1e-4
TAIL_Z = 10.0  # the grid stops this far from the mean of Z_k (a tail of about 1e-23)
_BRACKET = (0.5, 40.0)  # z-bounds are searched in here: 40 is a tail of about 1e-350


def obf_spending(t: float, alpha: float) -> float:
    """Lan-DeMets O'Brien-Fleming-type spending of a two-sided test of size ``alpha``: each
    side spends ``2 - 2 Phi(z_{alpha/4} / sqrt(t))`` by information fraction ``t`` (Lan &
    DeMets 1983; the form of ``ldbounds`` and ``gsDesign``), so both spend twice that."""
    from scipy import stats

    if t <= 0:
        return 0.0
    return float(4 * stats.norm.sf(stats.norm.isf(alpha / 4) / math.sqrt(min(t, 1.0))))


@dataclass(frozen=True)
class _Density:
    """The sub-density of ``Z_k`` on a grid of the continuation region, with quadrature
    weights (trapezoid), at information ``info``."""

    z: NDArray[np.float64]
    weighted: NDArray[np.float64]  # density times quadrature weight
    info: float


def _start() -> _Density:
    """Before the first look: all mass at ``S = 0`` (a point, at information 0)."""
    return _Density(np.zeros(1), np.ones(1), 0.0)


def _mean_and_sd(prev: _Density, info: float, drift: float) -> tuple[NDArray[np.float64], float]:
    """The mean of ``S_k`` given each grid point of ``Z_{k-1}``, and the increment's sd."""
    delta = info - prev.info
    return prev.z * math.sqrt(prev.info) + drift * delta, math.sqrt(delta)


def _crossing(prev: _Density, info: float, bound: float, drift: float) -> float:
    """P(not stopped before, and ``|Z_k| >= bound``) at information ``info``."""
    from scipy import stats

    mean, sd = _mean_and_sd(prev, info, drift)
    edge = bound * math.sqrt(info)
    tails = stats.norm.sf((edge - mean) / sd) + stats.norm.cdf((-edge - mean) / sd)
    return float(np.dot(prev.weighted, tails))


def _carry(prev: _Density, info: float, bound: float, drift: float) -> _Density:
    """The sub-density of ``Z_k`` on ``(-bound, bound)``: no crossing up to look ``k``."""
    mean, sd = _mean_and_sd(prev, info, drift)
    # beyond TAIL_Z of the drift's mean the density is below 1e-22: no need to integrate there
    reach = min(bound, abs(drift) * math.sqrt(info) + TAIL_Z)
    points = max(3, 2 * math.ceil(reach / GRID_STEP) + 1)
    z = np.linspace(-reach, reach, points)
    weights = np.full(points, z[1] - z[0])
    weights[[0, -1]] /= 2
    s = z * math.sqrt(info)
    kernel = np.exp(-0.5 * ((s[:, None] - mean[None, :]) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    # einsum, not a BLAS product: BLAS threads spin on a loaded machine (seconds, not ms)
    density = np.einsum("ij,j->i", kernel, prev.weighted) * math.sqrt(info)  # d s / d z = sqrt(info)
    return _Density(z, density * weights, info)


def crossing_probabilities(bounds: Sequence[float], fractions: Sequence[float], drift: float = 0.0) -> list[float]:
    """For each look, the probability of stopping there: the first ``|Z_k| >= bounds[k]``.

    ``fractions`` are the looks' information fractions (increasing, in (0, 1] or beyond for an
    inflated design); ``drift`` is ``theta``, so that ``E[Z_k] = theta sqrt(t_k)`` (0: the null).

    Raises:
        ValueError: bounds and fractions differ in length, or fractions do not increase.
    """
    _check(bounds, fractions)
    density, stops = _start(), []
    for bound, info in zip(bounds, fractions, strict=True):
        stops.append(_crossing(density, info, bound, drift))
        density = _carry(density, info, bound, drift)
    return stops


def spending_bounds(fractions: Sequence[float], alpha: float) -> list[float]:
    """Two-sided z-bounds of the Lan-DeMets test with O'Brien-Fleming-type spending: look
    ``k`` rejects with probability ``obf_spending(t_k) - obf_spending(t_{k-1})`` under the null."""
    from scipy import optimize

    _check(fractions, fractions)
    density, bounds, spent = _start(), [], 0.0
    for info in fractions:
        target = obf_spending(info, alpha) - spent
        spent += target
        bound = float(optimize.brentq(_excess, *_BRACKET, args=(density, info, target), xtol=1e-7))
        bounds.append(bound)
        density = _carry(density, info, bound, 0.0)
    return bounds


def _excess(bound: float, density: _Density, info: float, target: float) -> float:
    return _crossing(density, info, bound, 0.0) - target


def obrien_fleming_bounds(looks: int, alpha: float) -> list[float]:
    """The O'Brien & Fleming (1979) two-sided bounds ``C sqrt(K / k)`` at equally spaced looks,
    ``C`` solved so that the test's size is ``alpha`` (Jennison & Turnbull table 2.3)."""
    from scipy import optimize

    fractions = [k / looks for k in range(1, looks + 1)]

    def excess(c: float) -> float:
        return sum(crossing_probabilities([c * math.sqrt(looks / k) for k in range(1, looks + 1)], fractions)) - alpha

    constant = float(optimize.brentq(excess, 0.5, 10.0, xtol=1e-7))  # C is 2.04 at K = 5, alpha = 0.05
    return [constant * math.sqrt(looks / k) for k in range(1, looks + 1)]


def _check(bounds: Sequence[float], fractions: Sequence[float]) -> None:
    if len(bounds) != len(fractions) or not fractions:
        raise ValueError(f"{len(bounds)} bounds for {len(fractions)} looks")
    if any(b <= a for a, b in zip([0.0, *fractions], fractions, strict=False)):
        raise ValueError(f"information fractions must increase from 0: {list(fractions)}")
