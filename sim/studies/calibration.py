"""The calibration check's own parts: the calibration table and figure, the baseline-only report,
and the fit of the unsourced behaviour (``experiments/calibration.py`` runs them).

``run_calibration(spec, out)`` runs (resuming) the unchanged baseline, then writes
``calibration.csv`` (:func:`sim.reference.calibration_table`), ``figures/calibration.png``/``.svg``
and the standard report with the calibration figure first; ``fit_behaviour()`` is ``--fit``.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.comparison import comparison_table, write_comparison
from sim.analysis.runs import load_runs
from sim.analysis.warmup import welch_from_dailies
from sim.experiment.runner import run_runs
from sim.experiment.spec import ExperimentSpec
from sim.fitting import TARGETS as FIT_TARGETS
from sim.fitting import fit
from sim.loading import load_config
from sim.outputs import atomic_write
from sim.plots import cdf_plot, cost_breakdown, stage_breakdown
from sim.plots.style import MINUS, OKABE_ITO, FigureFiles, fmt, new_figure, save, wrap_title
from sim.reference import calibration_table
from sim.report import write_report
from sim.scaling import scaled_overrides
from sim.studies.findings import analyse

OUTPUT = "calibration.csv"
WITHIN, OUTSIDE = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
BAND = "#D9D9D9"


def _value(x: float, unit: str, reference: float) -> str:
    if unit == "share":
        return f"{fmt(100 * x, 1)} %"
    decimals = 0 if unit == "USD" else (2 if abs(reference) < 1 else 1)
    return f"{fmt(x, decimals)} {unit}"


def _band(row: pd.Series) -> tuple[float, float]:
    """The tolerance band in % of the reference (one-sided for the within-3-h share)."""
    tol = float(row["tolerance_pct"])
    return (-tol, 0.0) if row["unit"] == "share" else (-tol, tol)


def calibration_figure(table: pd.DataFrame, path: str | Path, replications: int | None = None
                       ) -> FigureFiles:
    """Each reference figure as one row: the model's deviation from the reference (%) with its
    95 % CI, over the grey tolerance band; model and reference values written at the right."""
    d = table.reset_index(drop=True)
    n, within = len(d), int(d["within"].astype(bool).sum())
    fig = new_figure(8.6, 0.52 * n + 2.0)
    ax = fig.subplots()
    y = np.arange(n)[::-1]  # first figure on top
    err = d["error_pct"].to_numpy(float)
    ci = (100 * d["ci95_half_width"] / d["reference"]).to_numpy(float)
    lows, highs = [], []
    for i, (_, r) in enumerate(d.iterrows()):
        lo, hi = _band(r)
        ax.barh(y[i], hi - lo, left=lo, height=0.7, color=BAND, edgecolor="none", zorder=1,
                label="tolerance around the reference" if i == 0 else None)
        ok = bool(r["within"])
        ax.errorbar(err[i], y[i], xerr=None if math.isnan(ci[i]) else ci[i], fmt="o" if ok else "X",
                    color=WITHIN if ok else OUTSIDE, markersize=7, capsize=3, zorder=3,
                    markeredgecolor="black", markeredgewidth=0.5)
        lows += [lo, err[i] - (0 if math.isnan(ci[i]) else ci[i])]
        highs += [hi, err[i] + (0 if math.isnan(ci[i]) else ci[i])]
    # legend proxies for the two verdicts
    ax.plot([], [], "o", color=WITHIN, markeredgecolor="black", markeredgewidth=0.5,
            label="model mean, within tolerance (95 % CI)")
    if not d["within"].astype(bool).all():
        ax.plot([], [], "X", color=OUTSIDE, markeredgecolor="black", markeredgewidth=0.5,
                label="model mean, outside tolerance")
    ax.axvline(0, color="black", linewidth=1, zorder=2, label="reference")
    # group separators: import stages | export stages | cost and inspection standard
    groups = d["figure"].str.split().str[0].where(d["unit"] == "h", "other").tolist()
    for i in range(1, n):
        if groups[i] != groups[i - 1]:
            ax.axhline((y[i] + y[i - 1]) / 2, color="0.6", linewidth=0.6, linestyle=":")
    lo_x = min(np.nanmin(lows), -30.0)
    hi_x = max(np.nanmax(highs), 30.0)
    pad = 0.06 * (hi_x - lo_x)
    ax.set_xlim(lo_x - pad, hi_x + pad)
    ax.set_ylim(-0.6, n - 0.4)
    labels = [str(f)[:1].upper() + str(f)[1:] for f in d["figure"]]
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlabel("model mean relative to the reference figure (%)")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:+.0f}".replace("-", MINUS) if v else "0")
    ax.grid(axis="x", alpha=0.3)
    # model vs reference values in a column at the right of the axes
    ax.text(1.02, 1.0, "model / reference", transform=ax.transAxes, fontsize=8.5,
            fontweight="bold", va="bottom", ha="left")
    for i, (_, r) in enumerate(d.iterrows()):
        reference = _value(r["reference"], r["unit"], r["reference"])
        if r["unit"] == "share":  # a standard: the share must reach 1 - tolerance
            reference += f" (min {fmt(100 - float(r['tolerance_pct']), 0)} %)"
        ax.text(1.02, y[i], f"{_value(r['model'], r['unit'], r['reference'])} / {reference}",
                transform=ax.get_yaxis_transform(), fontsize=8.5, va="center", ha="left")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=2, frameon=False)
    outside = d[~d["within"].astype(bool)]
    title = f"{within} of {n} reference figures are within tolerance"
    if len(outside):
        worst = outside.loc[outside["error_pct"].abs().idxmax()]
        title += (f"; furthest off: {worst['figure']} "
                  f"({fmt(float(worst['error_pct']), 0, sign=True)} %)")
    else:
        worst = d.loc[d["error_pct"].abs().idxmax()]
        title = (f"All {n} reference figures are within tolerance (largest deviation: "
                 f"{worst['figure']}, {fmt(float(worst['error_pct']), 1, sign=True)} %)")
    fig.suptitle(wrap_title(title, 80), fontsize=11, fontweight="bold")
    reps = f"{replications} replications" if replications else "the replications"
    caption = (f"Model mean over {reps} with its 95 % CI, as a deviation from the 2017 reference "
               "figure (0 = reference; sources in calibration.csv). Grey band: the tolerance, "
               "\u00b115 % per stage, \u00b125 % on cost, at least 95 % of inspections within 3 h.")
    return save(fig, path, "calibration", title, caption)


def run_calibration(spec: ExperimentSpec, out: str | Path, progress: bool | None = True,
                    **run_kwargs):
    """Run (resuming), write calibration.csv, the calibration figure and the standard report;
    return (calibration table, figure, md, html)."""
    run_runs(spec, out, progress=progress, **run_kwargs)
    out = Path(out).expanduser().absolute()
    table, summaries, _ = load_runs(out)
    done = table[table["scenario"] == spec.baseline]
    runs = [summaries[(spec.baseline, int(s))] for s in sorted(done["seed"])]
    cny_per_usd = load_config(spec.base, spec.scenario_overrides(spec.baseline)).costs.cny_per_usd
    cal = calibration_table(runs, cny_per_usd)
    atomic_write(out / OUTPUT, lambda p: cal.to_csv(p, index=False))
    figure = calibration_figure(cal, out / "figures" / "calibration", replications=len(runs))
    if len(spec.scenarios) > 1:  # a comparison after all: the standard report
        md, html, _ = analyse(out, spec)
    else:
        md, html = baseline_report(out, spec, figure)
    return cal, figure, md, html


def baseline_report(out: Path, spec: ExperimentSpec, calibration_fig: FigureFiles):
    """The standard report (sim.report) for a baseline-only experiment: the calibration figure
    first, then the figures that describe one scenario (stage and cost breakdowns, time
    distributions); the comparison figures (differences, frontier) have nothing to compare."""
    table, summaries, dailies = load_runs(out)
    finished = set(zip(table["scenario"], table["seed"]))
    summaries = {k: v for k, v in summaries.items() if k in finished}
    comparison = comparison_table(table, spec.baseline)
    write_comparison(comparison, out)
    folder = out / "figures"
    figures = [calibration_fig,
               stage_breakdown(table, folder / "stage_breakdown", spec.baseline),
               cost_breakdown(table, folder / "cost_breakdown", spec.baseline),
               cdf_plot(summaries, folder / "cdf", spec.baseline, scenarios=[spec.baseline])]
    run_cfg = load_config(spec.base, list(spec.overrides)).run
    provenance_file = out / "provenance.json"
    provenance = json.loads(provenance_file.read_text()) if provenance_file.exists() else {}
    info = {"name": spec.name, "scenarios": spec.scenarios,
            "seeds": sorted(table["seed"].unique().tolist()),
            "horizon_days": run_cfg.horizon_days, "warmup_days": run_cfg.warmup_days,
            "cooldown_days": run_cfg.cooldown_days,
            "welch": welch_from_dailies(dailies, spec.baseline)}
    md, html = write_report(out, table, comparison, [f for f in figures if len(f)], provenance, info)
    return Path(md), Path(html)


FIT_SCALE = 0.35  # the fit runs the policy comparison's section (capacities scaled with it)
FIT_RUN = ["run.horizon_days=24", "run.warmup_days=14", "run.cooldown_days=3",
           "bonded_zone.enabled=false", "bunkering.enabled=false", "run.write_log=false"]
FIT_SEEDS = [1, 2]


def fit_behaviour() -> None:
    """``--fit``: the procedure of :mod:`sim.fitting`, then the model-vs-reference table of the
    fitted figures, and the values to put into configs/scenario/shanghai.yaml."""
    base = scaled_overrides(load_config(), FIT_SCALE) + FIT_RUN
    print(f"Fitting on a {FIT_SCALE:g}x section, seeds {FIT_SEEDS}, common random numbers")
    values, summaries = fit(base, FIT_SEEDS)
    table = calibration_table(summaries, load_config().costs.cny_per_usd)
    fitted = {t.figure.replace("-", " ") for t in FIT_TARGETS}  # the table writes "post release"
    print("\nfigure                                 reference      model   error  tolerance")
    for _, row in table.iterrows():
        status = "ok" if row["within"] else "OUTSIDE"
        print(f"{row['figure']:38s} {row['reference']:9.4g} {row['unit']:5s} {row['model']:8.4g} "
              f"{row['error_pct']:+6.1f} %   +-{row['tolerance_pct']:.0f} %  {status}"
              + ("  (fitted)" if row["figure"].replace("-", " ") in fitted else ""))
    print("\nFitted values (put them into configs/scenario/shanghai.yaml, labelled calibrated):")
    for path, value in values.items():
        print(f"  {path}: {value:.4g}")
