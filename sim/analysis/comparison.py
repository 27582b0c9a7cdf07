"""Scenario means and paired differences against the baseline: the comparison table.

- :func:`scenario_means`: per scenario and KPI, the mean over replications with a Student t
  interval;
- :func:`paired_differences`: per scenario against the baseline, matched on seed, the mean
  difference with a paired t interval, the percent change with a delta-method interval for the
  ratio of means, significance and direction by the one rule of
  :mod:`sim.analysis.significance`, and, for comparison, the unpaired Welch interval that
  ignores the pairing (with CRN the paired one is narrower when the runs of a seed are
  positively correlated);
- :func:`comparison_table`: both merged, with each KPI's label, unit and direction from
  :mod:`sim.kpis`: the table written as ``comparison.csv``/``.parquet``.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.runs import add_derived_kpis, by_seed, finished_runs, kpi_columns, numeric
from sim.analysis.significance import direction, significant
from sim.intervals import CONFIDENCE, paired_interval, ratio_interval, t_interval, welch_interval
from sim.kpis import DERIVED_SUFFIX, kpi_better, kpi_label, kpi_unit
from sim.outputs import atomic_write

MEAN_COLUMNS = ["scenario", "kpi", "n", "mean", "sd", "ci_low", "ci_high", "half_width"]
DIFF_COLUMNS = [
    "scenario", "kpi", "n_pairs", "baseline_mean", "scenario_mean",
    "diff_mean", "diff_sd", "diff_ci_low", "diff_ci_high", "diff_half_width",
    "pct_change", "pct_ci_low", "pct_ci_high", "significant", "direction",
    "welch_ci_low", "welch_ci_high", "welch_half_width",
]


def _kpis(table: pd.DataFrame, kpis: Iterable[str] | None) -> list[str]:
    """``kpis``, or every KPI that some run of ``table`` measured: the KPIs of a part no run
    simulated (the ro-ro terminal outside the nangang scenario) would only give empty rows."""
    if kpis is not None:
        return list(kpis)
    return [c for c in kpi_columns(table) if pd.to_numeric(table[c], errors="coerce").notna().any()]


def scenario_means(
    table: pd.DataFrame, kpis: Iterable[str] | None = None, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Per scenario and KPI: n, mean, sd, ci_low, ci_high, half_width (finished runs only).

    Scenarios keep their order of first appearance in ``table``; KPIs the order given.
    """
    runs = finished_runs(table)
    kpis = _kpis(runs, kpis)
    rows = [
        {"scenario": scenario, "kpi": kpi, **t_interval(numeric(group, kpi).to_numpy(), confidence)}
        for scenario, group in runs.groupby("scenario", sort=False)
        for kpi in kpis
    ]
    return pd.DataFrame(rows, columns=MEAN_COLUMNS)


def difference(y, x, better: int = 0, confidence: float = CONFIDENCE) -> dict:
    """Scenario values ``y`` against baseline values ``x`` of the same seeds (pairs where both
    are finite): the columns of :data:`DIFF_COLUMNS` but scenario and kpi."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    d = paired_interval(y, x, confidence)
    r, r_low, r_high = ratio_interval(y, x, confidence)
    w_low, w_high, w_half = welch_interval(y, x, confidence)
    return {
        "n_pairs": d["n"],
        "baseline_mean": float(x.mean()) if x.size else math.nan,
        "scenario_mean": float(y.mean()) if y.size else math.nan,
        "diff_mean": d["mean"],
        "diff_sd": d["sd"],
        "diff_ci_low": d["ci_low"],
        "diff_ci_high": d["ci_high"],
        "diff_half_width": d["half_width"],
        "pct_change": 100 * (r - 1),
        "pct_ci_low": 100 * (r_low - 1),
        "pct_ci_high": 100 * (r_high - 1),
        "significant": significant(d["ci_low"], d["ci_high"]),
        "direction": direction(d["ci_low"], d["ci_high"], better),
        "welch_ci_low": w_low,
        "welch_ci_high": w_high,
        "welch_half_width": w_half,
    }


def paired_differences(
    table: pd.DataFrame,
    baseline: str,
    kpis: Iterable[str] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each scenario minus ``baseline``, matched on seed (common random numbers).

    Per scenario and KPI, over the seeds where both runs finished and the KPI is defined:
    ``n_pairs``, the two means over those pairs, the mean difference (scenario - baseline) with
    its sd and paired t interval, the percent change 100 (mean_s / mean_b - 1) with a
    delta-method interval, ``significant`` and ``direction`` (:mod:`sim.analysis.significance`)
    and the Welch interval of the same difference had the runs been independent.
    """
    runs = finished_runs(table)
    if baseline not in set(runs["scenario"]):
        raise ValueError(f"baseline scenario {baseline!r} has no finished runs")
    kpis = _kpis(runs, kpis)
    base = by_seed(runs, baseline)
    rows = []
    for scenario in runs["scenario"].drop_duplicates():
        if scenario == baseline:
            continue
        group = by_seed(runs, scenario)
        seeds = group.index.intersection(base.index)
        treated, untreated = group.loc[seeds], base.loc[seeds]  # once: each .loc copies every column
        for kpi in kpis:
            y, x = numeric(treated, kpi), numeric(untreated, kpi)
            rows.append({"scenario": scenario, "kpi": kpi,
                         **difference(y, x, kpi_better(kpi), confidence)})
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def comparison_table(
    table: pd.DataFrame,
    baseline: str,
    kpis: Iterable[str] | None = None,
    confidence: float = CONFIDENCE,
    derived: bool = True,
) -> pd.DataFrame:
    """One row per scenario and KPI: label, unit, better, the scenario's mean and interval, and
    its paired difference against ``baseline`` (NaN on the baseline's own rows).

    With ``derived`` the detection rates (:func:`sim.analysis.runs.add_derived_kpis`) are
    appended to the KPIs. The scenario-level intervals (``ci_low``/``ci_high``) are clipped to
    the KPI's range (every KPI is >= 0, shares <= 1); ``half_width`` is the unclipped t
    half-width. Differences are not clipped. This is the table written as
    ``comparison.csv``/``.parquet`` and the only source of the numbers the report quotes.
    """
    runs = finished_runs(table)
    kpis = _kpis(runs, kpis)
    if derived:
        runs = add_derived_kpis(runs)
        kpis += [c for c in runs.columns if c.endswith(DERIVED_SUFFIX) and c not in kpis]
    means = scenario_means(runs, kpis, confidence)
    diffs = paired_differences(runs, baseline, kpis, confidence)
    out = means.merge(diffs, on=["scenario", "kpi"], how="left")
    # every KPI is non-negative and shares are at most 1: clip the level intervals to that range
    # (a t interval over few skewed replications can cross 0); half_width stays the t half-width
    share = out["kpi"].map(kpi_unit) == "share"
    out["ci_low"] = out["ci_low"].clip(lower=0)
    out.loc[share, "ci_high"] = out.loc[share, "ci_high"].clip(upper=1)
    out.insert(2, "label", out["kpi"].map(kpi_label))
    out.insert(3, "unit", out["kpi"].map(kpi_unit))
    out.insert(4, "better", out["kpi"].map(kpi_better).astype(int))
    out.insert(1, "is_baseline", out["scenario"] == baseline)
    out["significant"] = out["significant"].astype("boolean")
    out["n_pairs"] = out["n_pairs"].astype("Int64")
    out.attrs.update(baseline=baseline, confidence=confidence)
    return out


def write_comparison(comparison: pd.DataFrame, exp_dir: str | Path) -> list[Path]:
    """Write ``comparison.csv`` and ``comparison.parquet`` into ``exp_dir`` atomically."""
    exp_dir = Path(exp_dir)
    csv, parquet = exp_dir / "comparison.csv", exp_dir / "comparison.parquet"
    atomic_write(csv, lambda p: comparison.to_csv(p, index=False))
    atomic_write(parquet, lambda p: comparison.to_parquet(p, index=False))
    return [csv, parquet]


def lookup(comparison: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    """The comparison row of (scenario, kpi), or None."""
    rows = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
    return rows.iloc[0] if len(rows) else None
