"""How many replications a finished experiment would need for target CI half-widths.

:func:`replications_plan` applies the sequential rule of :mod:`sim.experiment.sequential`
(:func:`~sim.experiment.sequential.replications_needed`: the smallest n whose t half-width
reaches a target) to every scenario and KPI of a runs table, once: a plan for the next batch.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.runs import by_seed, finished_runs, numeric
from sim.experiment.sequential import replications_needed
from sim.intervals import CONFIDENCE, t_interval


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
