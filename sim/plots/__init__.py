"""Figures of an experiment (matplotlib, PNG + SVG, colour-blind safe colours, findings as titles).

Each function writes ``<path>.png`` and ``<path>.svg`` and returns a :class:`FigureFiles` (the
list of written files, with the figure's ``title`` and ``caption``):

- :func:`comparison_bars` (comparison table): change from the baseline in % of it, with paired
  95 % CIs, all panels on one axis;
- :func:`ranking_chart` (comparison table): the reforms ranked on time, cost and missed
  offences (the brief's chart);
- :func:`cdf_plot` (run summaries): clearance- and port-time distributions per scenario;
- :func:`stage_breakdown` / :func:`cost_breakdown` (runs table): stacked stages / cost components;
- :func:`frontier` (comparison table): detection rate against clearance time, with CIs;
- :func:`adoption_plot` (daily frames): fast-lane adoption over time, mean and 95 % band;
- :func:`tornado` (sensitivity frame): one-at-a-time swings or Morris mu*/sigma.

:func:`make_figures` draws all that the data allow into one folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.plots.breakdown import cost_breakdown, stage_breakdown
from sim.plots.comparison import BAR_KPIS, comparison_bars, frontier, headline
from sim.plots.distributions import adoption_plot, cdf_plot
from sim.plots.ranking import ranking_chart
from sim.plots.sensitivity import tornado
from sim.plots.style import (
    OKABE_ITO,
    FigureFiles,
    fmt,
    fmt_change,
    fmt_pct,
    fmt_value,
    scenario_colours,
    scenario_label,
)


def make_figures(
    figures_dir: str | Path,
    table: pd.DataFrame,
    comparison: pd.DataFrame,
    summaries: dict | None = None,
    dailies: dict | None = None,
    sensitivity: dict[str, pd.DataFrame] | None = None,
    warmup_days: float | None = None,
    labels: dict[str, str] | None = None,
) -> list[FigureFiles]:
    """Every standard figure the inputs allow, written to ``figures_dir``; the written ones in
    report order. ``sensitivity`` maps a KPI label with unit to a tornado frame."""
    out = Path(figures_dir)
    baseline = comparison.loc[comparison["is_baseline"].astype(bool), "scenario"].iloc[0]
    order = list(dict.fromkeys(comparison["scenario"]))  # one order, so one colour per scenario
    figs = [comparison_bars(comparison, out / "comparison_bars", labels=labels)]
    if summaries:
        figs.append(cdf_plot(summaries, out / "cdf", baseline, labels=labels, scenarios=order))
    figs.append(stage_breakdown(table, out / "stage_breakdown", baseline, labels=labels))
    figs.append(cost_breakdown(table, out / "cost_breakdown", baseline, labels=labels))
    figs.append(frontier(comparison, out / "frontier", labels=labels))
    if dailies:
        figs.append(adoption_plot(dailies, out / "adoption", baseline, warmup_days, labels, order))
    for i, (kpi_label, frame) in enumerate((sensitivity or {}).items()):
        figs.append(tornado(frame, kpi_label, out / f"tornado_{i + 1}"))
    return [f for f in figs if len(f)]


__all__ = [
    "BAR_KPIS",
    "OKABE_ITO",
    "FigureFiles",
    "adoption_plot",
    "cdf_plot",
    "comparison_bars",
    "cost_breakdown",
    "fmt",
    "fmt_change",
    "fmt_pct",
    "fmt_value",
    "frontier",
    "headline",
    "make_figures",
    "ranking_chart",
    "scenario_colours",
    "scenario_label",
    "stage_breakdown",
    "tornado",
]
