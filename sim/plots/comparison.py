"""Figures from the comparison table: each scenario's change against the baseline, and the
speed-versus-control frontier.

Significance everywhere is :func:`sim.analysis.significance.significant` on the paired
difference's interval. Changes are drawn in % of the baseline mean on one axis for all panels,
so a 47-second change looks as small as it is next to a two-day one; labels give the change in
the KPI's own unit.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.significance import significant
from sim.kpis import kpi_better, kpi_label, kpi_unit
from sim.plots.style import (
    fmt,
    fmt_change,
    fmt_value,
    new_figure,
    ordered_scenarios,
    save,
    scenario_label,
    scenario_styles,
    wrap_title,
)

BAR_KPIS = (
    "import_clearance_time_h",
    "export_clearance_time_h",
    "import_port_time_h",
    "export_port_time_h",
    "import_cost_total_cny",
    "export_cost_total_cny",
)
HEADLINE_KPIS = (
    "import_port_time_h",
    "import_clearance_time_h",
    "export_port_time_h",
    "export_clearance_time_h",
    "import_cost_total_cny",
    "export_cost_total_cny",
)
MIN_SPAN_PCT = 10.0  # the change axis spans at least +-10 % of the baseline


def baseline_of(comparison: pd.DataFrame) -> str:
    rows = comparison[comparison["is_baseline"].astype(bool)]
    if rows.empty:
        raise ValueError("the comparison table has no baseline rows")
    return rows["scenario"].iloc[0]


def is_significant(row) -> bool:
    """The one rule (:func:`sim.analysis.significance.significant`) applied to a
    comparison-table row."""
    return significant(row["diff_ci_low"], row["diff_ci_high"])


def plain_label(kpi: str) -> str:
    """``import port time (mean)`` -> ``mean import port time``."""
    label = kpi_label(kpi)
    for stat in ("mean", "90th percentile"):
        if label.endswith(f" ({stat})"):
            return f"{stat} {label[: -len(stat) - 3]}"
    return label


def pct_of_baseline(row) -> tuple[float, float, float]:
    """The paired difference and its interval in % of the baseline mean (NaN if that is 0)."""
    base = row["baseline_mean"]
    if not np.isfinite(base) or base == 0:
        return math.nan, math.nan, math.nan
    return tuple(100 * row[c] / abs(base) for c in ("diff_mean", "diff_ci_low", "diff_ci_high"))


def best_change(comparison: pd.DataFrame, kpi: str) -> pd.Series | None:
    """The non-baseline row with the largest significant improvement in ``kpi`` (None if none)."""
    rows = comparison[(comparison["kpi"] == kpi) & ~comparison["is_baseline"].astype(bool)]
    rows = rows[[is_significant(r) for _, r in rows.iterrows()]] if len(rows) else rows
    better = kpi_better(kpi) or -1
    rows = rows[np.sign(rows["diff_mean"]) == better]
    if rows.empty:
        return None
    return rows.loc[(rows["diff_mean"] * better).idxmax()]


def headline(comparison: pd.DataFrame, kpi: str, labels=None) -> str:
    """'Direct pickup cuts mean import port time most: −54.0 h (−38 %)', from the numbers."""
    row = best_change(comparison, kpi)
    if row is None:
        return (
            f"No scenario changes {plain_label(kpi)} distinguishably from the baseline "
            f"(every 95 % CI includes 0)"
        )
    verb = "cuts" if row["diff_mean"] < 0 else "raises"
    return (
        f"{scenario_label(row['scenario'], labels)} {verb} {plain_label(kpi)} most: "
        f"{fmt_change(row['diff_mean'], kpi_unit(kpi), row['pct_change'])}"
    )


def comparison_bars(comparison: pd.DataFrame, path: str | Path, kpis=BAR_KPIS, labels=None):
    """Each scenario's mean difference from the baseline (same seeds) in % of the baseline,
    with its paired 95 % CI, one panel per KPI on a shared axis; hatched bars are not
    distinguishable from zero."""
    base = baseline_of(comparison)
    kpis = [k for k in kpis if k in set(comparison["kpi"])]
    if not kpis:
        raise ValueError("none of the KPIs to plot is in the comparison table")
    order = ordered_scenarios(comparison["scenario"], base)
    scenarios = [s for s in order if s != base]
    styles = scenario_styles(order, base)
    panels = {}
    for kpi in kpis:
        rows = comparison[comparison["kpi"] == kpi].set_index("scenario")
        panels[kpi] = [
            (s, rows.loc[s]) for s in scenarios
            if s in rows.index and np.isfinite(rows.at[s, "diff_mean"])
        ]
    reach = [abs(v) for p in panels.values() for _, r in p for v in pct_of_baseline(r)
             if np.isfinite(v)]
    span = max([MIN_SPAN_PCT, *reach])
    ncols = 2 if len(kpis) > 1 else 1
    nrows = math.ceil(len(kpis) / ncols)
    fig = new_figure(6.4 * ncols, 0.42 * len(scenarios) * nrows + 1.3 * nrows + 1.0)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True)).ravel()
    y = {s: i for i, s in enumerate(reversed(scenarios))}
    for ax, kpi in zip(axes, kpis):
        unit = kpi_unit(kpi)
        for s, row in panels[kpi]:
            pct, low, high = pct_of_baseline(row)
            ok = is_significant(row)
            colour = styles[s]["color"]
            width = pct if np.isfinite(pct) else 0.0
            ax.barh(y[s], width, color=colour if ok else "white", edgecolor=colour,
                    hatch=None if ok else "///", linewidth=1.2)
            if np.isfinite(low):
                ax.errorbar(width, y[s], xerr=[[width - low], [high - width]], color="black",
                            capsize=3, linewidth=1)
            text = fmt_change(row["diff_mean"], unit, row["pct_change"]) + ("" if ok else " n.s.")
            # on the other side of zero, clear of the bar and its whisker
            if width < 0:
                edge = max(0.0, high if np.isfinite(high) else 0.0)
                ax.text(edge + 0.03 * span, y[s], text, va="center", ha="left", fontsize=7.5)
            else:
                edge = min(0.0, low if np.isfinite(low) else 0.0)
                ax.text(edge - 0.03 * span, y[s], text, va="center", ha="right", fontsize=7.5)
        ax.axvline(0, color="black", linewidth=0.8)
        base_row = comparison[(comparison["kpi"] == kpi) & (comparison["scenario"] == base)]
        base_mean = base_row["mean"].iloc[0] if len(base_row) else math.nan
        name = plain_label(kpi)
        ax.set_title(f"{name[:1].upper() + name[1:]}\nbaseline {fmt_value(base_mean, unit)}",
                     fontsize=9)
        ax.set_xlabel("change from baseline (% of the baseline mean)", fontsize=8.5)
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="y", labelsize=9)  # every row's scenario names, not only the first's
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_xlim(-1.5 * span, 1.5 * span)
    axes[0].set_yticks(list(y.values()), [scenario_label(s, labels) for s in y], fontsize=9)
    axes[0].set_ylim(-0.6, len(scenarios) - 0.4)
    for ax in axes[len(kpis):]:
        ax.set_visible(False)
    title = headline(comparison, next((k for k in HEADLINE_KPIS if k in kpis), kpis[0]), labels)
    fig.suptitle(wrap_title(title, 90), fontsize=11, fontweight="bold")
    caption = (
        f"Change of each scenario's mean from the baseline ({scenario_label(base, labels)}), "
        "paired on seed (common random numbers), in % of the baseline mean on one axis for "
        "all panels; labels give the change in the measure's unit. Whiskers: 95 % paired t "
        "confidence intervals; hatched bars marked n.s.: the interval includes zero."
    )
    return save(fig, path, "comparison_bars", title, caption)


def _detection_rows(comparison, flow):
    rows = comparison[
        comparison["kpi"].isin([f"{flow}_clearance_time_h", f"{flow}_detection_rate"])
    ]
    return rows.pivot(index="scenario", columns="kpi")


def frontier(comparison: pd.DataFrame, path: str | Path, flows=("import", "export"), labels=None):
    """Speed versus control: detection rate (detected / (detected + missed)) against mean
    clearance time per scenario, with 95 % CIs on both axes, one panel per flow."""
    base = baseline_of(comparison)
    order = ordered_scenarios(comparison["scenario"], base)
    styles = scenario_styles(order, base)
    flows = [
        f
        for f in flows
        if {f"{f}_clearance_time_h", f"{f}_detection_rate"} <= set(comparison["kpi"])
    ]
    if not flows:
        raise ValueError("the comparison table lacks clearance time or detection rate")
    fig = new_figure(5.6 * len(flows), 5.0)
    axes = np.atleast_1d(fig.subplots(1, len(flows)))
    for ax, flow in zip(axes, flows):
        t = _detection_rows(comparison, flow)
        ck, dk = f"{flow}_clearance_time_h", f"{flow}_detection_rate"
        for s in order:
            if s not in t.index:
                continue
            x, y = t.at[s, ("mean", ck)], 100 * t.at[s, ("mean", dk)]
            xe, ye = t.at[s, ("half_width", ck)], 100 * t.at[s, ("half_width", dk)]
            st = styles[s]
            ax.errorbar(
                x,
                y,
                xerr=xe if np.isfinite(xe) else None,
                yerr=ye if np.isfinite(ye) else None,
                fmt=st["marker"],
                color=st["color"],
                capsize=3,
                markersize=8 if s == base else 6,
                markerfacecolor="none" if s == base else st["color"],
                markeredgewidth=1.6,
                zorder=st["zorder"],
                label=scenario_label(s, labels),
            )
        ax.set_xlabel(f"mean {flow} clearance time (h)")
        ax.set_ylabel(f"{flow} offences detected (% of detected + missed)")
        ax.set_title(f"{flow.capitalize()}s", fontsize=10)
        ax.grid(alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(
        handles,
        names,
        loc="outside lower center",
        ncols=min(len(names), 5),
        fontsize=8,
        frameon=False,
    )
    title = _frontier_title(comparison, flows[0], labels)
    fig.suptitle(wrap_title(title, 90), fontsize=11, fontweight="bold")
    caption = (
        "Speed versus control: each point is a scenario's mean over replications; whiskers "
        "are 95 % t confidence intervals. Up is more offences caught, left is faster."
    )
    return save(fig, path, "frontier", title, caption)


def _frontier_title(comparison, flow, labels):
    row = best_change(comparison, f"{flow}_clearance_time_h")
    if row is None:
        return f"No scenario clears {flow}s distinguishably faster than the baseline"
    s = row["scenario"]
    det = comparison[
        (comparison["scenario"] == s) & (comparison["kpi"] == f"{flow}_detection_rate")
    ]
    text = (
        f"{scenario_label(s, labels)} clears {flow}s fastest "
        f"({fmt_value(row['diff_mean'], 'h', sign=True)} vs baseline)"
    )
    if det.empty or not np.isfinite(det["mean"].iloc[0]):
        return text
    d = det.iloc[0]
    return (
        text
        + f"; detection rate {fmt(100 * d['mean'], 0)} % vs {fmt(100 * d['baseline_mean'], 0)} %"
        + ("" if is_significant(d) else " (difference not distinguishable from 0)")
    )


__all__ = [
    "BAR_KPIS",
    "baseline_of",
    "best_change",
    "comparison_bars",
    "frontier",
    "headline",
    "is_significant",
    "pct_of_baseline",
    "plain_label",
]
