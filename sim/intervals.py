"""Confidence intervals of means and differences, from scipy.stats.

Every interval is two-sided at ``confidence`` (95 % by default) and ignores values that are not
finite (a KPI undefined in a run). scipy computes the intervals; this module only adds what
scipy leaves undefined for simulation output: with zero variance (every replication equal, as
with a deterministic sub-model) the interval is the point itself, not NaN, and with fewer than
two values it is NaN. Values that differ only in their last digits (a KPI a reform barely
touches) make scipy warn of precision loss; the interval is then as narrow as the values, which
is the answer, so the warning is not passed on to the reader's console.

- :func:`t_interval`: mean of one sample, Student t with n - 1 degrees of freedom
  (``scipy.stats.ttest_1samp``);
- :func:`paired_interval`: mean of y - x over pairs (``scipy.stats.ttest_rel``), what common
  random numbers make narrow;
- :func:`welch_interval`: mean(a) - mean(b) of independent samples, Welch-Satterthwaite
  (``scipy.stats.ttest_ind(equal_var=False)``), the interval had the runs not been paired;
- :func:`ratio_interval`: ratio of paired means with a delta-method t interval (percent change).

It imports nothing of Clearway, so both the experiment's sequential replication rule
(:mod:`sim.experiment.sequential`) and the analysis of finished experiments (:mod:`sim.analysis`)
use it.
"""
from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats as sps

CONFIDENCE = 0.95


def finite(values: Sequence[float]) -> np.ndarray:
    """The finite values of ``values`` as a float array."""
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def _described(d: np.ndarray, interval) -> dict[str, float]:
    """n, mean, sd of the finite sample ``d`` with the interval ``interval()`` (a scipy
    ConfidenceInterval) as ci_low, ci_high, half_width; the point itself when sd is 0."""
    n = int(d.size)
    mean = float(d.mean()) if n else math.nan
    if n < 2:
        return {"n": n, "mean": mean, "sd": math.nan, "ci_low": math.nan, "ci_high": math.nan,
                "half_width": math.nan}
    sd = float(d.std(ddof=1))
    if sd == 0:
        low = high = mean
    else:
        with _nearly_equal_values_allowed():
            ci = interval()
        low, high = float(ci.low), float(ci.high)
    return {"n": n, "mean": mean, "sd": sd, "ci_low": low, "ci_high": high,
            "half_width": (high - low) / 2}


def t_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean and Student t interval of the finite ``values`` (``scipy.stats.ttest_1samp``): n,
    mean, sd, ci_low, ci_high, half_width, in the unit of the values.

    With one value sd and the interval are NaN; with none, everything but n is NaN.
    """
    x = finite(values)
    return _described(x, lambda: sps.ttest_1samp(x, 0.0).confidence_interval(confidence))


def paired_interval(y: Sequence[float], x: Sequence[float],
                    confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean of y - x over the pairs where both are finite, with its paired t interval
    (``scipy.stats.ttest_rel``): n, mean, sd, ci_low, ci_high, half_width of the differences."""
    y, x = np.asarray(y, float), np.asarray(x, float)
    ok = np.isfinite(x) & np.isfinite(y)
    y, x = y[ok], x[ok]
    return _described(y - x, lambda: sps.ttest_rel(y, x).confidence_interval(confidence))


def welch_interval(a: Sequence[float], b: Sequence[float],
                   confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Unpaired (Welch-Satterthwaite) interval for mean(a) - mean(b): (low, high, half_width)."""
    a, b = finite(a), finite(b)
    if a.size < 2 or b.size < 2:
        return math.nan, math.nan, math.nan
    if a.var(ddof=1) + b.var(ddof=1) == 0:
        diff = float(a.mean() - b.mean())
        return diff, diff, 0.0
    with _nearly_equal_values_allowed():
        ci = sps.ttest_ind(a, b, equal_var=False).confidence_interval(confidence)
    low, high = float(ci.low), float(ci.high)
    return low, high, (high - low) / 2


@contextlib.contextmanager
def _nearly_equal_values_allowed():
    """Silence scipy's warning of precision loss for samples equal but for rounding."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Precision loss occurred", RuntimeWarning)
        yield


def ratio_interval(y: np.ndarray, x: np.ndarray,
                   confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Ratio of means R = mean(y)/mean(x) of paired samples with a delta-method t interval.

    Var(R) ~ var(y_i - R x_i) / (n mean(x)^2) (the classical ratio estimator), so the pairing
    (CRN) narrows this interval just as it narrows the difference's. scipy has no ratio
    estimator; the t quantile is scipy's. Returns (R, low, high).
    """
    n = y.size
    xm = float(x.mean()) if n else 0.0
    if xm == 0:
        return math.nan, math.nan, math.nan
    r = float(y.mean()) / xm
    if n < 2:
        return r, math.nan, math.nan
    se = float((y - r * x).std(ddof=1) / (math.sqrt(n) * abs(xm)))
    if se == 0:
        return r, r, r
    low, high = sps.t.interval(confidence, n - 1, loc=r, scale=se)
    return r, float(low), float(high)
