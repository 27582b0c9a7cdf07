"""How many replications: the sequential rule "smallest n whose t half-width reaches a target".

From a pilot's standard deviation s, :func:`replications_needed` gives the smallest n with
t(n-1) s / sqrt(n) <= target; the procedure runs that many, re-estimates s from all of them and
repeats until the achieved half-width meets the target. :func:`replications_plan` does one step
for a whole experiment, per scenario and KPI.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from sim.analysis.intervals import CONFIDENCE, finite, t_interval
from sim.analysis.runs import by_seed, finished_runs, numeric


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


def replications_plan(
    table: pd.DataFrame,
    targets: dict[str, float],
    baseline: str | None = None,
    relative: bool = False,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Per scenario and KPI in ``targets``: replications so far, half-width now, replications
    needed.

    With ``baseline`` the half-width is that of the paired difference against the baseline
    (what a comparison needs); otherwise that of the scenario mean. With ``relative`` a target
    is a fraction of the scenario mean's magnitude (0.02 = +/- 2 %). ``more`` is how many
    replications to add (0 when the target is met).
    """
    runs = finished_runs(table)
    base = by_seed(runs, baseline) if baseline is not None else None
    rows = []
    for scenario in runs["scenario"].drop_duplicates():
        if base is not None and scenario == baseline:
            continue
        g = by_seed(runs, scenario)
        seeds = g.index.intersection(base.index) if base is not None else g.index
        for kpi, target in targets.items():
            values = numeric(g.loc[seeds], kpi).to_numpy()
            if base is not None:
                values = values - numeric(base.loc[seeds], kpi).to_numpy()
            ci = t_interval(values, confidence)
            scale = abs(t_interval(numeric(g, kpi).to_numpy())["mean"]) if relative else 1.0
            absolute_target = target * scale
            needed = (
                replications_needed(values, absolute_target, confidence)
                if ci["n"] >= 2 and absolute_target > 0
                else math.nan
            )
            rows.append(
                {
                    "scenario": scenario,
                    "kpi": kpi,
                    "n": ci["n"],
                    "half_width": ci["half_width"],
                    "target_half_width": absolute_target,
                    "needed": needed,
                    "more": max(0, needed - ci["n"]) if np.isfinite(needed) else math.nan,
                }
            )
    return pd.DataFrame(rows)
