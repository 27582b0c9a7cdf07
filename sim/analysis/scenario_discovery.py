"""Scenario discovery: which regions of the assumptions make a reform fail (PRIM, EMA Workbench).

Over the sample points of a robustness experiment, two failures per reform are cases of interest:

- ``no_time_cut``: the reform does not cut the time KPI (its mean paired effect is >= 0);
- ``missed_above``: the reform misses more offences per 1,000 boxes than a threshold (by
  default the baseline's at the same point, i.e. the reform weakens control there).

PRIM (the patient rule induction method; Friedman and Fisher 1999, as in EMA Workbench) peels
the parameter space down to a box where the cases of interest are dense. ``coverage`` is the
share of all cases of interest that fall in a box, ``density`` the share of cases in the box that
are of interest, ``mass`` the share of all points in it.

Over a few hundred assumptions and a hundred points, peeling finds dense boxes in pure noise: with
so many parameters to cut on, some cut always happens to separate the cases. So a restriction is
kept only if it beats chance: its quasi-p value (EMA Workbench's binomial test of the box against
the same box without that restriction) is below ``ALPHA`` divided by the number of parameters
PRIM could choose from (Bonferroni; ``p_value`` is that product, capped at 1). Of the boxes on the
peeling trajectory the one kept is the largest (highest coverage) whose density, with only its
restrictions that beat chance, still reaches the threshold; no box, if none does.

``prim_boxes.csv`` has one row per restricted parameter of each box: its config path
(``parameter``), its name in plain words (``name``, from the ranges file) and its ``p_value``.
"""
from __future__ import annotations

import logging
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.ema import to_ema
from sim.outputs import atomic_write
from sim.reforms import scenario_title

log = logging.getLogger(__name__)

PRIM_CSV = "prim_boxes.csv"
COLUMNS = ["scenario", "outcome", "parameter", "name", "box_low", "box_high", "range_low", "range_high",
           "coverage", "density", "mass", "cases", "cases_of_interest", "p_value"]
MIN_CASES_OF_INTEREST = 2
ALPHA = 0.05  # family-wise chance of reporting a restriction that is noise


def find_box(x: pd.DataFrame, y, threshold: float = 0.6) -> dict | None:
    """The largest PRIM box whose restrictions beat chance and whose density reaches
    ``threshold`` (see the module docstring), as ``{limits: {parameter: (low, high)},
    p_values: {parameter: p}, coverage, density, mass}`` (restricted parameters only), or None
    when no box qualifies or there are too few cases of interest."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench notes that ipyparallel is not installed
        from ema_workbench.analysis import prim

    y = np.asarray(y, dtype=int)
    if y.sum() < MIN_CASES_OF_INTEREST or y.sum() == len(y):
        return None
    x = x.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, y, threshold=threshold,
                           obj_function=prim.PRIMObjectiveFunctions.LENIENT2)
        box = finder.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    init = finder.box_init
    for i in trajectory.index[trajectory["density"] >= threshold]:
        lims = box.box_lims[i]
        p_values = {str(name): min(1.0, _quasi_p(box.qp[i][name]) * x.shape[1])
                    for name in x.columns
                    if lims[name][0] > init[name][0] or lims[name][1] < init[name][1]}
        limits = {name: (float(lims[name][0]), float(lims[name][1]))
                  for name, p in p_values.items() if p < ALPHA}
        if not limits:
            continue
        inside = np.ones(len(x), dtype=bool)
        for name, (low, high) in limits.items():
            inside &= (x[name] >= low).to_numpy() & (x[name] <= high).to_numpy()
        density = float(y[inside].mean())
        if density >= threshold:
            return {"limits": limits, "p_values": {n: p_values[n] for n in limits},
                    "coverage": float(y[inside].sum() / y.sum()), "density": density,
                    "mass": float(inside.mean())}
    return None


def _quasi_p(qp_pair) -> float:
    """The smaller quasi-p value of a restriction's two ends (EMA marks an end left open -1)."""
    return min(p for p in qp_pair if p >= 0)


def failure_cases(outcomes: dict, policies: np.ndarray, reform: str, time_kpi: str,
                  missed_kpi: str | None, missed_threshold: float | None) -> dict[str, np.ndarray]:
    """The cases of interest of ``reform`` per outcome name (boolean arrays over its rows)."""
    rows = policies == reform
    cases = {"no_time_cut": outcomes[f"{time_kpi}_effect"][rows] >= 0}
    if missed_kpi is not None:
        if missed_threshold is None:
            cases["missed_above"] = outcomes[f"{missed_kpi}_effect"][rows] > 0
        else:
            cases["missed_above"] = outcomes[missed_kpi][rows] > missed_threshold
    return cases


def discover(samples: pd.DataFrame, ranges, baseline: str, kpis: list[str],
             missed_threshold: float | None = None, threshold: float = 0.6) -> pd.DataFrame:
    """PRIM boxes of every reform's failures over the sample points (see the module docstring).

    ``kpis[0]`` is the time KPI; the first ``*_offences_missed_per_1000`` KPI, if any, is control.
    """
    parameters = ranges.paths
    experiments, outcomes = to_ema(samples, parameters, baseline, kpis)
    missed = next((k for k in kpis if k.endswith("_offences_missed_per_1000")), None)
    bounds = {p.path: (p.low, p.high) for p in ranges.parameters}
    policies = experiments["policy"].to_numpy()
    rows = []
    for reform in dict.fromkeys(policies):
        if reform == baseline:
            continue
        x = experiments.loc[policies == reform, parameters]
        for outcome, y in failure_cases(outcomes, policies, reform, kpis[0], missed,
                                        missed_threshold).items():
            box = find_box(x, y, threshold)
            n_interest = int(np.sum(y))
            if box is None:
                log.info("PRIM %s %s: no box (%d of %d points are cases of interest)",
                         reform, outcome, n_interest, len(y))
                continue
            for path, (low, high) in box["limits"].items():
                rows.append([reform, outcome, path, ranges.names[path], low, high, *bounds[path],
                             box["coverage"], box["density"], box["mass"], len(y), n_interest,
                             box["p_values"][path]])
    return pd.DataFrame(rows, columns=COLUMNS)


def write_boxes(out_dir: str | Path, boxes: pd.DataFrame) -> Path:
    path = Path(out_dir) / PRIM_CSV
    atomic_write(path, lambda p: boxes.to_csv(p, index=False))
    return path


def box_lines(boxes: pd.DataFrame, label=scenario_title) -> list[str]:
    """One plain line per box: where the reform fails (``label``: scenario name -> its label),
    each restricted parameter by its name."""
    lines = []
    for (scenario, outcome), box in boxes.groupby(["scenario", "outcome"], sort=False):
        what = "does not cut time" if outcome == "no_time_cut" else "misses more offences"
        limits = "; ".join(f"{r['name']} {_g(r['box_low'])}-{_g(r['box_high'])}"
                           for _, r in box.iterrows())
        first = box.iloc[0]
        lines.append(f"{label(scenario)} {what} where {limits} (coverage {first['coverage']:.0%}, "
                     f"density {first['density']:.0%}, {int(first['cases_of_interest'])} of "
                     f"{int(first['cases'])} points; chance p = {box['p_value'].max():.2g})")
    return lines


def _g(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


__all__ = ["PRIM_CSV", "box_lines", "discover", "failure_cases", "find_box", "write_boxes"]
