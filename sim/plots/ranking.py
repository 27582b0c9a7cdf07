"""The brief's ranking chart: every reform on time, cost and missed offences at a glance.

One row per reform, ranked by how much it cuts the time in port; three panels (time in port,
cost per container, offences missed), each with the import and the export change in % of the
baseline mean and its paired 95 % CI, on one shared axis. Colours per scenario as in every
other figure (:func:`sim.plots.style.scenario_colours`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.comparison import lookup
from sim.plots.comparison import MIN_SPAN_PCT, baseline_of, is_significant, pct_of_baseline
from sim.plots.style import (
    fmt_pct,
    new_figure,
    ordered_scenarios,
    save,
    scenario_label,
    scenario_styles,
    wrap_title,
)

OUTCOMES = {
    "Time in port": ("import_port_time_h", "export_port_time_h"),
    "Cost per container": ("import_cost_total_cny", "export_cost_total_cny"),
    "Offences missed": ("import_offences_missed", "export_offences_missed"),
}
FLOW_MARKERS = {"import": ("o", "full"), "export": ("s", "none")}


def time_rank(comparison: pd.DataFrame, scenario: str) -> float:
    """The larger of the import and export port-time changes in % that are distinguishable from
    zero, 0 if neither is (lower ranks first): a cut within the noise ranks no reform first."""
    values = [pct_of_baseline(row)[0] for kpi in OUTCOMES["Time in port"]
              if (row := lookup(comparison, scenario, kpi)) is not None and is_significant(row)]
    values = [v for v in values if np.isfinite(v)]
    return min(values) if values else 0.0


def ranked_reforms(comparison: pd.DataFrame) -> list[str]:
    """Non-baseline scenarios, the largest cut in time in port first."""
    base = baseline_of(comparison)
    others = [s for s in ordered_scenarios(comparison["scenario"], base) if s != base]
    return sorted(others, key=lambda s: time_rank(comparison, s))


def ranking_chart(comparison: pd.DataFrame, path: str | Path, labels=None):
    """Write the ranking chart (PNG + SVG); return its :class:`FigureFiles`."""
    base = baseline_of(comparison)
    styles = scenario_styles(ordered_scenarios(comparison["scenario"], base), base)
    reforms = ranked_reforms(comparison)
    if not reforms:
        raise ValueError("the comparison table has no scenario besides the baseline")
    y = {s: i for i, s in enumerate(reversed(reforms))}
    points = []  # (panel, scenario, flow, pct, low, high, significant)
    for panel, kpis in OUTCOMES.items():
        for kpi in kpis:
            for s in reforms:
                row = lookup(comparison, s, kpi)
                if row is not None and np.isfinite(row["diff_mean"]):
                    points.append((panel, s, kpi.split("_")[0], *pct_of_baseline(row),
                                   is_significant(row)))
    reach = [abs(v) for p in points for v in p[3:6] if np.isfinite(v)]
    span = max([MIN_SPAN_PCT, *reach])
    fig = new_figure(11.0, 0.38 * len(reforms) + 2.2)
    axes = np.atleast_1d(fig.subplots(1, len(OUTCOMES), sharex=True, sharey=True))
    for ax, panel in zip(axes, OUTCOMES):
        for p, s, flow, pct, low, high, ok in points:
            if p != panel or not np.isfinite(pct):
                continue
            marker, fill = FLOW_MARKERS[flow]
            offset = 0.15 if flow == "import" else -0.15
            colour = styles[s]["color"]
            ax.errorbar(pct, y[s] + offset, xerr=[[pct - low], [high - pct]], fmt=marker,
                        color=colour, markerfacecolor=colour if fill == "full" else "white",
                        markersize=6, capsize=2, linewidth=1, alpha=1.0 if ok else 0.45)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(panel, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel("change (% of baseline)", fontsize=8.5)
    axes[0].set_xlim(-1.1 * span, 1.1 * span)
    axes[0].set_yticks(list(y.values()), [scenario_label(s, labels) for s in y], fontsize=9)
    axes[0].set_ylim(-0.6, len(reforms) - 0.4)
    handles = [axes[0].errorbar([], [], fmt=m, color="black",
                                markerfacecolor="black" if f == "full" else "white")
               for m, f in FLOW_MARKERS.values()]
    fig.legend(handles, ["imports", "exports"], loc="outside lower center", ncols=2,
               fontsize=8, frameon=False)
    best = reforms[0]
    if time_rank(comparison, best) < 0:
        title = (f"{scenario_label(best, labels)} cuts time in port most "
                 f"({fmt_pct(time_rank(comparison, best))}); reforms ranked by that cut")
    else:
        title = "No reform cuts time in port distinguishably from the baseline"
    fig.suptitle(wrap_title(title, 100), fontsize=11, fontweight="bold")
    caption = (
        "Each reform's change against the baseline in % of the baseline mean (filled circles: "
        "imports, open squares: exports), paired on seed, with 95 % confidence intervals; "
        "faded points: the interval includes zero. Left is better for all three outcomes."
    )
    return save(fig, path, "ranking", title, caption)


__all__ = ["OUTCOMES", "ranked_reforms", "ranking_chart", "time_rank"]
