"""Two bands per reform effect: simulation noise and assumption uncertainty.

Input: the samples of a robustness experiment (:mod:`sim.experiment.robustness`), one row per
point x scenario x seed with the KPIs. A reform's *effect* at a point is the mean, over the
point's seeds, of the paired difference reform - baseline (same seed, same assumptions: common
random numbers). Per reform and KPI, ``robustness.csv`` then holds:

- ``nominal``: the effect at the nominal point (the configs as they are);
- ``noise_low``, ``noise_high``: its paired 95 % t confidence interval over the nominal seeds
  (what chance alone moves);
- ``assumption_low``, ``assumption_high``: the 5th and 95th percentiles of the effect across
  the sample points (what the assumptions move, with a little noise left in each point);
- ``sign_flips``: the share of sample points where the effect's sign differs from the nominal
  effect's (an effect of exactly zero differs from a cut). An effect with ``sign_flips > 0``
  depends on an assumption for its direction.

With a Sobol design, :func:`sobol_indices` apportions the effect's variance across points to
the parameters (first-order S1 and total ST, SALib); ``sobol.csv`` names each parameter by its
config path (``parameter``) and in plain words (``name``, from the ranges file).
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.robustness_figures import kpi_in_sentence
from sim.experiment.robustness import NOMINAL
from sim.outputs import atomic_write
from sim.reforms import scenario_title

log = logging.getLogger(__name__)

ROBUSTNESS_CSV = "robustness.csv"
SOBOL_CSV = "sobol.csv"
COLUMNS = ["scenario", "kpi", "nominal", "noise_low", "noise_high", "assumption_low",
           "assumption_high", "sign_flips", "points", "nominal_seeds"]
BAND = (5.0, 95.0)  # percentiles of the assumption band


def paired_differences(samples: pd.DataFrame, baseline: str, kpis: list[str]) -> pd.DataFrame:
    """One row per point x reform x seed: ``<kpi>`` = reform - baseline at the same point and
    seed (rows whose baseline run is missing are left out)."""
    keys = ["point", "seed"]
    base = samples[samples["scenario"] == baseline][[*keys, *kpis]]
    reforms = samples[samples["scenario"] != baseline]
    merged = reforms.merge(base, on=keys, suffixes=("", "__base"))
    out = merged[["point", "scenario", "seed"]].copy()
    for kpi in kpis:
        out[kpi] = merged[kpi] - merged[f"{kpi}__base"]
    return out


def point_effects(samples: pd.DataFrame, baseline: str, kpis: list[str]) -> pd.DataFrame:
    """One row per point x reform: the mean paired difference over the point's seeds."""
    diffs = paired_differences(samples, baseline, kpis)
    return diffs.groupby(["point", "scenario"], sort=False)[kpis].mean().reset_index()


def paired_ci(differences, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and t confidence interval of paired differences (NaN bounds with fewer than two;
    the mean itself when they do not vary)."""
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if len(d) == 0:
        return math.nan, math.nan, math.nan
    mean = float(d.mean())
    if len(d) < 2:
        return mean, math.nan, math.nan
    if np.ptp(d) == 0:
        return mean, mean, mean
    low, high = stats.ttest_1samp(d, 0.0).confidence_interval(confidence)
    return mean, float(low), float(high)


def bands(samples: pd.DataFrame, baseline: str, kpis: list[str]) -> pd.DataFrame:
    """The rows of ``robustness.csv``: per reform and KPI, both bands and the sign flips."""
    diffs = paired_differences(samples, baseline, kpis)
    effects = point_effects(samples, baseline, kpis)
    rows = []
    for scenario in dict.fromkeys(diffs["scenario"]):
        nominal = diffs[(diffs["point"] == NOMINAL) & (diffs["scenario"] == scenario)]
        spread = effects[(effects["point"] != NOMINAL) & (effects["scenario"] == scenario)]
        for kpi in kpis:
            mean, low, high = paired_ci(nominal[kpi])
            values = spread[kpi].to_numpy(float)
            values = values[np.isfinite(values)]
            a_low, a_high = (np.percentile(values, BAND) if len(values) else (math.nan, math.nan))
            flips = (float(np.mean(np.sign(values) != np.sign(mean)))
                     if len(values) and math.isfinite(mean) else math.nan)
            rows.append([scenario, kpi, mean, low, high, float(a_low), float(a_high), flips,
                         len(values), int(nominal[kpi].notna().sum())])
    return pd.DataFrame(rows, columns=COLUMNS)


def sobol_indices(problem: dict, effects: pd.DataFrame, point_names: list[str],
                  kpis: list[str], seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of each reform's effect (one row per reform x KPI x
    parameter). Needs every point of the Saltelli design (``point_names`` in design order)."""
    from SALib.analyze import sobol

    rows = []
    for scenario in dict.fromkeys(effects["scenario"]):
        frame = effects[effects["scenario"] == scenario].set_index("point")
        for kpi in kpis:
            y = frame[kpi].reindex(point_names).to_numpy(float)
            if not np.isfinite(y).all():
                raise ValueError(f"Sobol indices of {scenario} {kpi}: some design points have no "
                                 "effect (missing runs); rerun the experiment to finish them")
            res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            for name, s1, s1c, st, stc in zip(problem["names"], res["S1"], res["S1_conf"],
                                              res["ST"], res["ST_conf"]):
                rows.append([scenario, kpi, name, s1, s1c, st, stc])
    columns = ["scenario", "kpi", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    return pd.DataFrame(rows, columns=columns)


def write_bands(out_dir: str | Path, samples: pd.DataFrame, baseline: str,
                kpis: list[str]) -> pd.DataFrame:
    """Compute and write ``robustness.csv``; return it."""
    table = bands(samples, baseline, kpis)
    atomic_write(Path(out_dir) / ROBUSTNESS_CSV, lambda p: table.to_csv(p, index=False))
    return table


def sign_flip_lines(table: pd.DataFrame) -> list[str]:
    """Plain lines for the effects whose sign depends on an assumption."""
    lines = []
    for _, r in table[table["sign_flips"] > 0].iterrows():
        within_noise = r["noise_low"] <= 0 <= r["noise_high"]
        lines.append(f"{scenario_title(r['scenario'])}: the sign of its effect on "
                     f"{kpi_in_sentence(r['kpi'])} "
                     f"({r['nominal']:+.3g} at the nominal point) flips at "
                     f"{r['sign_flips']:.0%} of the sample points"
                     + ("; its noise CI already spans zero" if within_noise else ""))
    return lines


@dataclass
class RobustnessResult:
    """What :func:`analyse_robustness` wrote into the experiment folder."""

    bands: pd.DataFrame  # robustness.csv
    boxes: pd.DataFrame | None  # prim_boxes.csv (None without ema_workbench)
    sobol: pd.DataFrame | None  # sobol.csv (Sobol design only)
    figures: list[Path]


def analyse_robustness(out_dir: str | Path, study, samples: pd.DataFrame) -> RobustnessResult:
    """Write robustness.csv, prim_boxes.csv, sobol.csv (Sobol design) and the two figures
    (``figures/robustness.png``, ``figures/prim_boxes.png``) of a finished ``study``."""
    from sim.analysis.robustness_figures import bands_figure, prim_figure

    out_dir = Path(out_dir)
    s, baseline = study.settings, study.experiment.baseline
    table = write_bands(out_dir, samples, baseline, s.kpis)
    figures = [bands_figure(table, out_dir / "figures" / "robustness.png")]
    sobol = None
    if s.design == "sobol":
        effects = point_effects(samples, baseline, s.kpis)
        sobol = sobol_indices(study.ranges.problem(), effects, study.point_names, s.kpis,
                              s.sample_seed)
        sobol.insert(3, "name", sobol["parameter"].map(study.ranges.names))
        atomic_write(out_dir / SOBOL_CSV, lambda p: sobol.to_csv(p, index=False))
    try:
        from sim.analysis.scenario_discovery import discover, write_boxes
    except ImportError:
        log.warning("ema_workbench is not installed: no PRIM boxes "
                    "(pip install 'clearway[robustness]')")
        return RobustnessResult(table, None, sobol, figures)
    boxes = discover(samples, study.ranges, baseline, s.kpis, s.missed_threshold_per_1000,
                     s.prim_threshold)
    write_boxes(out_dir, boxes)
    figures.append(prim_figure(boxes, out_dir / "figures" / "prim_boxes.png"))
    return RobustnessResult(table, boxes, sobol, figures)


__all__ = ["BAND", "COLUMNS", "ROBUSTNESS_CSV", "SOBOL_CSV", "RobustnessResult",
           "analyse_robustness", "bands", "paired_ci", "paired_differences", "point_effects",
           "sign_flip_lines", "sobol_indices", "write_bands"]
