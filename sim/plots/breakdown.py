"""Stacked breakdowns per scenario: time by stage (Time Release Study style) and cost by
component."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.runs import cost_components, finished_runs, stage_names
from sim.intervals import t_interval
from sim.plots.style import (
    DARK_COLOURS,
    fmt,
    fmt_change,
    new_figure,
    ordered_scenarios,
    part_colour,
    save,
    scenario_label,
    wrap_title,
)


def _parts_and_totals(runs: pd.DataFrame, scenarios, columns):
    """Mean of each part per scenario, and the mean and t half-width of their per-run sum."""
    means = runs.groupby("scenario", sort=False)[columns].mean().reindex(scenarios)
    totals = {}
    for s in scenarios:
        per_run = runs.loc[runs["scenario"] == s, columns].astype(float)
        per_run = per_run[per_run.notna().all(axis=1)].sum(axis=1)
        ci = t_interval(per_run.to_numpy())
        totals[s] = (ci["mean"], ci["half_width"])
    return means, totals


def _stacked(ax, means, totals, parts, scenarios, labels, unit, span, min_label_share=0.1):
    """Stacked bars of ``parts`` ((column, part name, display name)) per scenario, totals with
    whiskers; ``span`` is the largest total over all panels (they share the axis)."""
    y = np.arange(len(scenarios))[::-1]
    left = np.zeros(len(scenarios))
    for i, (col, part, name) in enumerate(parts):
        vals = np.nan_to_num(means[col].to_numpy(float))
        colour = part_colour(part, i)
        ax.barh(y, vals, left=left, color=colour, edgecolor="white", linewidth=0.6, label=name)
        for yi, lft, v in zip(y, left, vals):
            if v >= min_label_share * span:
                dark = colour in DARK_COLOURS
                ax.text(
                    lft + v / 2,
                    yi,
                    fmt(v, 0),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
        left += vals
    for yi, s in zip(y, scenarios):
        total, half = totals[s]
        if np.isfinite(half):
            ax.errorbar(total, yi, xerr=half, color="black", capsize=3, linewidth=1)
        ax.text(
            total + (half if np.isfinite(half) else 0) + 0.01 * span,
            yi,
            f" {fmt(total, 0)} {unit}",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [scenario_label(s, labels) for s in scenarios], fontsize=9)
    ax.set_xlim(0, span * 1.25)
    ax.grid(axis="x", alpha=0.3)


def _breakdown(
    table, path, baseline, flows, labels, parts_of, unit, xlabel, name, title_of, caption
):
    runs = finished_runs(table)
    scenarios = ordered_scenarios(runs["scenario"], baseline)
    flows = [f for f in flows if parts_of(runs.columns, f)]
    if not flows:
        raise ValueError(f"the runs table has no {name} columns")
    fig = new_figure(7.0 * len(flows), 0.5 * len(scenarios) + 2.6)
    # one axis for all panels: an import hour and an export hour have the same length
    axes = np.atleast_1d(fig.subplots(1, len(flows), sharex=True))
    data = {}
    for flow in flows:
        parts = parts_of(runs.columns, flow)
        data[flow] = (parts, *_parts_and_totals(runs, scenarios, [c for c, _, _ in parts]))
    span = max((t for _, _, totals in data.values() for t, _ in totals.values()
                if np.isfinite(t)), default=1.0)
    findings = []
    for ax, flow in zip(axes, flows):
        parts, means, totals = data[flow]
        _stacked(ax, means, totals, parts, scenarios, labels, unit, span)
        ax.set_xlabel(xlabel.format(flow=flow))
        ax.set_title(f"{flow.capitalize()}s", fontsize=10)
        ax.legend(
            fontsize=7,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16 - 0.02 * len(scenarios) / 5),
            ncols=min(4, len(parts)),
            frameon=False,
        )
        findings.append(title_of(flow, means, totals, parts, scenarios))
    title = findings[0]
    fig.suptitle(wrap_title(title, 100), fontsize=11, fontweight="bold")
    return save(fig, path, name, title, caption)


def _stage_parts(columns, flow):
    return [(f"{flow}_stage_{s}_h", s, s.replace("_", " ")) for s in stage_names(columns, flow)]


def _cost_parts(columns, flow):
    return [(f"{flow}_cost_{c}_cny", c, c.replace("_", " "))
            for c in cost_components(columns, flow)]


def _largest_part_title(kind, unit, baseline, labels, decimals):
    def title_of(flow, means, totals, parts, scenarios):
        ref = baseline if baseline in means.index else scenarios[0]
        row = means.loc[ref]
        col, _, part = max(parts, key=lambda p: row[p[0]] if np.isfinite(row[p[0]]) else -np.inf)
        total = totals[ref][0]
        text = (
            f"{part.capitalize()} is the largest {flow} {kind}: {fmt(row[col], decimals)} {unit} "
            f"of {fmt(total, decimals)} {unit} ({fmt(100 * row[col] / total, 0)} %) in "
            f"{'the baseline' if ref == baseline else scenario_label(ref, labels)}"
        )
        others = [s for s in scenarios if s != ref and np.isfinite(totals[s][0])]
        if others:
            best = min(others, key=lambda s: totals[s][0])
            change = totals[best][0] - total
            if change < 0:
                text += (
                    f"; {scenario_label(best, labels)} cuts the total most: "
                    f"{fmt_change(change, unit, 100 * change / total)}"
                )
        return text

    return title_of


def stage_breakdown(
    table: pd.DataFrame,
    path: str | Path,
    baseline: str | None = None,
    flows=("import", "export"),
    labels=None,
):
    """Mean hours per stage per scenario, stacked (Time Release Study style), with the 95 % CI of
    the total (sum of the stages per run) as a whisker; one panel per flow."""
    caption = (
        "Time Release Study view: mean hours each container spends in each stage, stacked, "
        "per scenario; whiskers: 95 % t confidence interval of the total over replications. Each "
        "stage mean covers the containers that reached the stage's end, so the total can "
        "differ a little from the mean port time of completed containers."
    )
    return _breakdown(
        table,
        path,
        baseline,
        flows,
        labels,
        _stage_parts,
        "h",
        "mean {flow} time per container (h)",
        "stage_breakdown",
        _largest_part_title("stage", "h", baseline, labels, 1),
        caption,
    )


def cost_breakdown(
    table: pd.DataFrame,
    path: str | Path,
    baseline: str | None = None,
    flows=("import", "export"),
    labels=None,
):
    """Mean cost per container by component per scenario, stacked, with the 95 % CI of the total."""
    caption = (
        "Mean cost per container (CNY) by component, stacked, per scenario; inventory is the "
        "time cost of goods late (imports: past the date their consignee needs them; exports: "
        "from ready to departure), own warehouse the consignee's cost of goods out early. "
        "Whiskers: 95 % t confidence interval of the total."
    )
    return _breakdown(
        table,
        path,
        baseline,
        flows,
        labels,
        _cost_parts,
        "CNY",
        "mean {flow} cost per container (CNY)",
        "cost_breakdown",
        _largest_part_title("cost component", "CNY", baseline, labels, 0),
        caption,
    )
