"""Sequential replication: add replications until every target CI half-width is reached.

With ``target_half_width: {import_port_time_h: 0.5}`` and ``max_replications`` in the spec, the
runner runs ``replications`` seeds, then asks :func:`next_replications` how many seeds to have
next (re-estimating the spread after every batch), until every scenario's 95 % CI half-width of
each listed KPI is at most its target or ``max_replications`` is reached.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from scipy import stats as sps

from sim.experiment.spec import ExperimentSpec
from sim.intervals import CONFIDENCE, finite, t_interval
from sim.schema.errors import ConfigError


def half_width(values, confidence: float = CONFIDENCE) -> float:
    """Half-width of the Student-t confidence interval of the mean of ``values`` (NaN dropped;
    infinite with fewer than two values)."""
    x = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float).to_numpy()
    h = t_interval(x, confidence)["half_width"]
    return math.inf if not math.isfinite(h) else float(h)


def replications_needed(
    values: Sequence[float],
    target_half_width: float,
    confidence: float = CONFIDENCE,
    n_max: int = 100_000,
) -> int:
    """Smallest n whose t half-width t(n-1) s / sqrt(n) is at most ``target_half_width``.

    ``s`` is the sd of the finite pilot ``values`` (at least two); n may be below the pilot
    size when the pilot already suffices.
    """
    x = finite(values)
    if x.size < 2:
        raise ValueError("replications_needed needs at least two finite pilot values")
    if not target_half_width > 0:
        raise ValueError(f"target half-width must be positive, got {target_half_width}")
    s = float(x.std(ddof=1))
    if s == 0:
        return 2
    q = 0.5 + confidence / 2
    # t(n-1) > z, so the normal-theory n is a lower bound: step up from there
    n = max(2, math.ceil((sps.norm.ppf(q) * s / target_half_width) ** 2))
    while n <= n_max:
        if sps.t.ppf(q, n - 1) * s / math.sqrt(n) <= target_half_width:
            return n
        n += 1
    raise ValueError(
        f"more than {n_max} replications needed (sd {s:g}, target {target_half_width:g})"
    )


def next_replications(table: pd.DataFrame, spec: ExperimentSpec, n: int) -> int:
    """How many replications to have next so every target half-width is met (``n``: reached).

    For each scenario and KPI whose half-width from its runs exceeds the target, the runs needed
    are :func:`replications_needed` (smallest n with t(n-1) s / sqrt(n) <= target,
    s from the runs so far); the next batch goes to the largest such n (at least ``n + 1``),
    capped at ``max_replications``. The loop re-estimates s after every batch.
    """
    if not spec.sequential or table.empty:
        return n
    needed = n
    for kpi, target in spec.target_half_width.items():
        if kpi not in table.columns or table[kpi].notna().sum() == 0:
            raise ConfigError(
                f"target_half_width.{kpi}",
                "this KPI has no values in the runs done (e.g. a flow or sub-model that is off)",
            )
        for _, group in table.groupby("scenario", sort=False):
            values = pd.to_numeric(group[kpi], errors="coerce").astype(float).dropna().to_numpy()
            if half_width(values) <= target:
                continue
            try:
                estimate = replications_needed(values, target, n_max=spec.max_replications)
            except ValueError:  # fewer than two values, or more than max_replications needed
                estimate = spec.max_replications if len(values) >= 2 else n + 1
            needed = max(needed, n + 1, estimate)
    return min(needed, spec.max_replications)
