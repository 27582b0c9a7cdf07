"""Statistics of an experiment: scenario means, paired differences, replications, warm-up.

An experiment runs every scenario with the same replication seeds (common random numbers,
DESIGN §7-8). Its runs come back as one tidy table, one row per run: ``scenario``,
``replication``, ``seed``, ``status``, ``wall_s`` and every key of :func:`sim.kpis.kpi_row`.
From it this module computes

- :func:`scenario_means`: per scenario and KPI, the mean over replications with a Student t
  95 % confidence interval;
- :func:`paired_differences`: per scenario against the baseline, matched on seed, the mean
  difference with a paired t interval, the percent change with a delta-method interval for the
  ratio of means, and, for comparison, the unpaired Welch interval that ignores the pairing
  (with CRN the paired one is narrower when the runs of a seed are positively correlated);
- :func:`comparison_table`: both merged, the table written as ``comparison.csv``/``.parquet``;
- :func:`replications_needed` / :func:`replications_plan`: the sequential rule "smallest n
  whose t half-width reaches a target", from a pilot standard deviation;
- :func:`welch_warmup_days`: Welch's moving-average method over the replications' daily
  series, to justify the warm-up each run deletes (summaries already count only the
  consignments that entered in the measurement window).

KPIs that are undefined in a run (``None``/NaN, e.g. a fast-lane share without the policy) are
left out of that KPI's statistics: ``n`` counts the runs where it is defined.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from sim.costs import COMPONENTS
from sim.kpis import BY_NAME, kpi_row
from sim.outputs import atomic_write

CONFIDENCE = 0.95
ID_COLUMNS = ("scenario", "replication", "seed", "status", "wall_s")
OK_STATUSES = frozenset({"ok", "done", "finished", "success", "succeeded", "completed"})
FAILED_STATUSES = frozenset({"failed", "error", "errored", "crashed", "timeout", "killed"})
DERIVED_SUFFIX = "_detection_rate"


# --------------------------------------------------------------------------------------------
# KPI names, labels and units


def kpi_label(name: str) -> str:
    """A readable label for a KPI column (``import_stage_unloading_h`` -> ``import stage:
    unloading``)."""
    if name in BY_NAME:
        return BY_NAME[name].label
    m = re.fullmatch(r"(import|export)_stage_(.+)_h", name)
    if m:
        return f"{m[1]} stage: {m[2].replace('_', ' ')}"
    m = re.fullmatch(r"(import|export)_cost_(.+)_cny", name)
    if m:
        return f"{m[1]} cost per container: {m[2].replace('_', ' ')}"
    m = re.fullmatch(r"(import|export)" + DERIVED_SUFFIX, name)
    if m:
        return f"{m[1]} detection rate (detected / (detected + missed))"
    return name.replace("_", " ")


def kpi_unit(name: str) -> str:
    """The unit of a KPI column: ``h``, ``CNY``, ``share``, ``count``, ``CNY/t`` or ``""``."""
    if name in BY_NAME:
        return BY_NAME[name].unit
    if name.endswith("_h"):
        return "h"
    if name.endswith("_cny"):
        return "CNY"
    if name.endswith((DERIVED_SUFFIX, "_share")):
        return "share"
    return ""


def kpi_better(name: str) -> int:
    """-1 if lower is better, +1 if higher is better, 0 if neither (a trade-off)."""
    if name in BY_NAME:
        return BY_NAME[name].better
    if name.endswith(DERIVED_SUFFIX):
        return +1
    if name.endswith(("_h", "_cny")):
        return -1
    return 0


# --------------------------------------------------------------------------------------------
# the runs table


def finished_runs(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of runs that finished; raises on a status this module does not know.

    Without a ``status`` column every row counts as finished.
    """
    if "status" not in table.columns:
        return table
    status = table["status"].astype(str).str.lower()
    unknown = sorted(set(status) - OK_STATUSES - FAILED_STATUSES)
    if unknown:
        raise ValueError(
            f"unknown run status {unknown}; expected one of "
            f"{sorted(OK_STATUSES)} (finished) or {sorted(FAILED_STATUSES)}"
        )
    return table[status.isin(OK_STATUSES)]


KPI_PATTERN = re.compile(r"(import|export)_(stage_.+_h|cost_.+_cny|detection_rate)")


def is_kpi(name: str) -> bool:
    """A KPI column of the runs table: a :data:`sim.kpis.KPIS` name, a stage, a cost component,
    or a derived detection rate (other columns the runner may add are not KPIs)."""
    return name in BY_NAME or KPI_PATTERN.fullmatch(name) is not None


def kpi_columns(table: pd.DataFrame) -> list[str]:
    """The KPI columns of a runs table, in table order."""
    return [c for c in table.columns if is_kpi(str(c))]


def add_derived_kpis(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``<flow>_detection_rate`` = detected / (detected + missed) per run."""
    out = table.copy()
    for flow in ("import", "export"):
        det, mis = f"{flow}_offences_detected", f"{flow}_offences_missed"
        if det in out.columns and mis in out.columns:
            d = pd.to_numeric(out[det], errors="coerce")
            total = d + pd.to_numeric(out[mis], errors="coerce")
            out[f"{flow}{DERIVED_SUFFIX}"] = (d / total.where(total > 0)).astype(float)
    return out


def _numeric(table: pd.DataFrame, kpi: str) -> pd.Series:
    return (
        pd.to_numeric(table[kpi], errors="coerce").astype(float)
        if kpi in table.columns
        else pd.Series(np.nan, index=table.index)
    )


def _kpis(table: pd.DataFrame, kpis: Iterable[str] | None) -> list[str]:
    return kpi_columns(table) if kpis is None else list(kpis)


# --------------------------------------------------------------------------------------------
# intervals


def t_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean and Student t interval of the finite ``values``: n, mean, sd, ci_low, ci_high,
    half_width.

    With one value sd and the interval are NaN; with none, everything but n is NaN.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    mean = float(x.mean()) if n else math.nan
    if n < 2:
        return {
            "n": n,
            "mean": mean,
            "sd": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "half_width": math.nan,
        }
    sd = float(x.std(ddof=1))
    half = float(sps.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))
    return {
        "n": n,
        "mean": mean,
        "sd": sd,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "half_width": half,
    }


def welch_interval(
    a: Sequence[float], b: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Unpaired (Welch-Satterthwaite) interval for mean(a) - mean(b): (low, high, half_width)."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size < 2 or b.size < 2:
        return math.nan, math.nan, math.nan
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se2 = va + vb
    diff = float(a.mean() - b.mean())
    if se2 == 0:
        return diff, diff, 0.0
    df = se2**2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(sps.t.ppf(0.5 + confidence / 2, df) * math.sqrt(se2))
    return diff - half, diff + half, half


def ratio_interval(
    y: np.ndarray, x: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Ratio of means R = mean(y)/mean(x) of paired samples with a delta-method t interval.

    Var(R) ~ var(y_i - R x_i) / (n mean(x)^2) (the classical ratio estimator), so the pairing
    (CRN) narrows this interval just as it narrows the difference's. Returns (R, low, high).
    """
    n = y.size
    xm = float(x.mean()) if n else 0.0
    if xm == 0:
        return math.nan, math.nan, math.nan
    r = float(y.mean()) / xm
    if n < 2:
        return r, math.nan, math.nan
    resid = y - r * x
    se = float(resid.std(ddof=1) / (math.sqrt(n) * abs(xm)))
    half = float(sps.t.ppf(0.5 + confidence / 2, n - 1) * se)
    return r, r - half, r + half


# --------------------------------------------------------------------------------------------
# scenario means and paired differences


def scenario_means(
    table: pd.DataFrame, kpis: Iterable[str] | None = None, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Per scenario and KPI: n, mean, sd, ci_low, ci_high, half_width (finished runs only).

    Scenarios keep their order of first appearance in ``table``; KPIs the order given.
    """
    runs = finished_runs(table)
    kpis = _kpis(runs, kpis)
    rows = []
    for scenario, group in runs.groupby("scenario", sort=False):
        for kpi in kpis:
            rows.append(
                {
                    "scenario": scenario,
                    "kpi": kpi,
                    **t_interval(_numeric(group, kpi).to_numpy(), confidence),
                }
            )
    return pd.DataFrame(
        rows, columns=["scenario", "kpi", "n", "mean", "sd", "ci_low", "ci_high", "half_width"]
    )


DIFF_COLUMNS = [
    "scenario",
    "kpi",
    "n_pairs",
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_sd",
    "diff_ci_low",
    "diff_ci_high",
    "diff_half_width",
    "pct_change",
    "pct_ci_low",
    "pct_ci_high",
    "significant",
    "welch_ci_low",
    "welch_ci_high",
    "welch_half_width",
]


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
    delta-method interval, ``significant`` (the paired interval excludes 0) and the Welch
    interval of the same difference had the runs been independent.
    """
    runs = finished_runs(table)
    if baseline not in set(runs["scenario"]):
        raise ValueError(f"baseline scenario {baseline!r} has no finished runs")
    kpis = _kpis(runs, kpis)
    base = runs[runs["scenario"] == baseline].drop_duplicates("seed").set_index("seed")
    rows = []
    for scenario, group in runs.groupby("scenario", sort=False):
        if scenario == baseline:
            continue
        group = group.drop_duplicates("seed").set_index("seed")
        seeds = group.index.intersection(base.index)
        for kpi in kpis:
            y = _numeric(group.loc[seeds], kpi).to_numpy()
            x = _numeric(base.loc[seeds], kpi).to_numpy()
            ok = np.isfinite(x) & np.isfinite(y)
            x, y = x[ok], y[ok]
            d = t_interval(y - x, confidence)
            r, r_low, r_high = ratio_interval(y, x, confidence)
            w_low, w_high, w_half = welch_interval(y, x, confidence)
            significant = bool(np.isfinite(d["ci_low"]) and (d["ci_low"] > 0 or d["ci_high"] < 0))
            rows.append(
                {
                    "scenario": scenario,
                    "kpi": kpi,
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
                    "significant": significant,
                    "welch_ci_low": w_low,
                    "welch_ci_high": w_high,
                    "welch_half_width": w_half,
                }
            )
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

    With ``derived`` the detection rates (:func:`add_derived_kpis`) are appended to the KPIs.
    The scenario-level intervals (``ci_low``/``ci_high``) are clipped to the KPI's range (every
    KPI is >= 0, shares <= 1); ``half_width`` is the unclipped t half-width. Differences are not
    clipped. This is the table written as ``comparison.csv``/``.parquet`` and the only source of
    the numbers the report quotes.
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


def significant(ci_low: float, ci_high: float) -> bool:
    """The one significance rule: a paired difference is distinguishable from zero when its
    confidence interval excludes zero (NaN bounds: not distinguishable)."""
    return bool(np.isfinite(ci_low) and np.isfinite(ci_high) and (ci_low > 0 or ci_high < 0))


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


# --------------------------------------------------------------------------------------------
# number of replications


def replications_needed(
    values: Sequence[float],
    target_half_width: float,
    confidence: float = CONFIDENCE,
    n_max: int = 100_000,
) -> int:
    """Smallest n whose t half-width t(n-1) s / sqrt(n) is at most ``target_half_width``.

    ``s`` is the sd of the finite pilot ``values`` (at least two). The sequential procedure
    runs this many replications (n may be below the pilot size when the pilot already
    suffices), re-estimates s from all of them, and repeats until the achieved half-width meets
    the target (:func:`replications_plan` does one step for a whole experiment).
    """
    x = np.asarray(values, float)
    x = x[np.isfinite(x)]
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
    rows = []
    base = (
        runs[runs["scenario"] == baseline].drop_duplicates("seed").set_index("seed")
        if baseline is not None
        else None
    )
    for scenario, group in runs.groupby("scenario", sort=False):
        if base is not None and scenario == baseline:
            continue
        g = group.drop_duplicates("seed").set_index("seed")
        for kpi, target in targets.items():
            if base is not None:
                seeds = g.index.intersection(base.index)
                values = (_numeric(g.loc[seeds], kpi) - _numeric(base.loc[seeds], kpi)).to_numpy()
            else:
                values = _numeric(g, kpi).to_numpy()
            ci = t_interval(values, confidence)
            scale = abs(t_interval(_numeric(g, kpi).to_numpy())["mean"]) if relative else 1.0
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


# --------------------------------------------------------------------------------------------
# warm-up


def welch_moving_average(
    daily_series: Sequence[Sequence[float]] | pd.DataFrame, window: int
) -> np.ndarray:
    """Welch's smoothed curve: the mean over replications, then a centred moving average.

    ``daily_series``: one series per replication (equal length m), or a DataFrame with one
    column per replication. Following Law & Kelton, point i (0-based) averages the 2w+1 points
    around it, or the 2i+1 points from 0 to 2i while i < w; the result has m - w points.
    """
    if isinstance(daily_series, pd.DataFrame):
        matrix = daily_series.to_numpy(dtype=float).T
    else:
        lengths = {len(s) for s in daily_series}
        if len(lengths) != 1:
            raise ValueError(f"replications' daily series differ in length: {sorted(lengths)}")
        matrix = np.asarray([np.asarray(s, float) for s in daily_series])
    avg = np.nanmean(matrix, axis=0)
    m = avg.size
    if not 1 <= window <= (m - 1) // 2:
        raise ValueError(f"window must be between 1 and {(m - 1) // 2} for {m} days, got {window}")
    out = np.empty(m - window)
    for i in range(m - window):
        k = min(i, window)
        out[i] = avg[i - k : i + k + 1].mean()
    return out


def welch_warmup_days(
    daily_series: Sequence[Sequence[float]] | pd.DataFrame, window: int, tolerance: float = 0.05
) -> int:
    """Warm-up (days) by Welch's method: the first day from which the smoothed curve stays
    within ``tolerance`` (relative) of its level over the second half of the series.

    Day i is the i-th value of each series (0-based), so the result is the number of leading
    days to delete. See :func:`welch_moving_average`.
    """
    smooth = welch_moving_average(daily_series, window)
    level = float(np.mean(smooth[smooth.size // 2 :]))
    band = tolerance * abs(level) if level != 0 else tolerance
    outside = np.flatnonzero(np.abs(smooth - level) > band)
    return 0 if outside.size == 0 else int(outside[-1] + 1)


SERIES_LABELS = {"yard_teu": "yard occupancy (TEU)"}


def welch_from_dailies(
    dailies: dict,
    scenario: str,
    column: str = "yard_teu",
    window: int | None = None,
    tolerance: float = 0.05,
) -> dict:
    """Welch's warm-up for ``scenario`` from the runs' daily frames (as :func:`load_runs` gives
    them), in the form :func:`sim.report.write_report` takes as ``spec_info["welch"]``.

    ``window`` defaults to a tenth of the horizon (at least 1 day).
    """
    series = [
        d[column].to_numpy(float)
        for (s, _), d in sorted(dailies.items(), key=str)
        if s == scenario and column in d.columns
    ]
    if not series:
        raise ValueError(f"no daily {column!r} series for scenario {scenario!r}")
    m = min(len(x) for x in series)
    window = window or max(1, m // 10)
    days = welch_warmup_days([x[:m] for x in series], window, tolerance)
    return {
        "series": SERIES_LABELS.get(column, column.replace("_", " ")),
        "window": window,
        "warmup_days": days,
        "replications": len(series),
    }


# --------------------------------------------------------------------------------------------
# loading an experiment from disk


def _seed_of(folder: Path) -> int | str:
    m = re.search(r"(\d+)$", folder.name)
    return int(m[1]) if m else folder.name


def load_runs(exp_dir: str | Path) -> tuple[pd.DataFrame, dict, dict]:
    """Read an experiment folder: ``(table, summaries, dailies)``.

    ``table`` is ``summary.parquet`` (or ``summary.csv``); if neither exists it is built from
    the run folders (``status`` "ok", ``replication`` = rank of the seed). ``summaries`` and
    ``dailies`` map ``(scenario, seed)`` to each run folder's ``summary.json`` (dict) and
    ``daily.csv`` (DataFrame), for every ``runs/<scenario>/<seed>/`` that has them.
    """
    exp_dir = Path(exp_dir)
    summaries: dict[tuple[str, int | str], dict] = {}
    dailies: dict[tuple[str, int | str], pd.DataFrame] = {}
    runs_dir = exp_dir / "runs"
    if runs_dir.is_dir():
        for scenario_dir in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
            for run_dir in sorted(
                (p for p in scenario_dir.iterdir() if p.is_dir()),
                key=lambda p: (str(type(_seed_of(p))), _seed_of(p)),
            ):
                key = (scenario_dir.name, _seed_of(run_dir))
                if (run_dir / "summary.json").is_file():
                    summaries[key] = json.loads((run_dir / "summary.json").read_text())
                if (run_dir / "daily.csv").is_file():
                    dailies[key] = pd.read_csv(run_dir / "daily.csv")
    if (exp_dir / "summary.parquet").is_file():
        table = pd.read_parquet(exp_dir / "summary.parquet")
    elif (exp_dir / "summary.csv").is_file():
        table = pd.read_csv(exp_dir / "summary.csv")
    else:
        table = table_from_summaries(summaries)
    return table, summaries, dailies


def table_from_summaries(summaries: dict[tuple[str, int], dict]) -> pd.DataFrame:
    """A runs table (as the runner writes it) from ``{(scenario, seed): summary}``."""
    seeds = sorted({seed for _, seed in summaries}, key=lambda s: (str(type(s)), s))
    replication = {s: i for i, s in enumerate(seeds)}
    rows = [
        {
            "scenario": scenario,
            "replication": replication[seed],
            "seed": seed,
            "status": "ok",
            "wall_s": summary.get("wall_s"),
            **kpi_row(summary),
        }
        for (scenario, seed), summary in summaries.items()
    ]
    table = pd.DataFrame(rows)
    for c in kpi_columns(table) if len(table) else []:
        table[c] = pd.to_numeric(table[c], errors="coerce").astype(float)
    return table


def stage_names(columns: Iterable[str], flow: str) -> list[str]:
    """Stage names of ``flow`` in the order their ``<flow>_stage_<name>_h`` columns appear."""
    pat = re.compile(rf"{flow}_stage_(.+)_h")
    return [m[1] for c in dict.fromkeys(columns) if (m := pat.fullmatch(c))]


def cost_components(columns: Iterable[str], flow: str) -> list[str]:
    """Cost components (sim.costs.COMPONENTS, no subtotals) present for ``flow``, in that order."""
    present = set(columns)
    return [c for c in COMPONENTS if f"{flow}_cost_{c}_cny" in present]
