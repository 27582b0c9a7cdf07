"""Figures from the comparison table: differences against the baseline, the speed-versus-control
frontier, and the sensitivity tornado."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.plots.style import (
    BASELINE_COLOUR,
    MINUS,
    OKABE_ITO,
    fmt,
    fmt_value,
    new_figure,
    ordered_scenarios,
    save,
    scenario_label,
    scenario_styles,
    wrap_title,
)
from sim.stats import kpi_better, kpi_label, kpi_unit

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


def _baseline(comparison: pd.DataFrame) -> str:
    rows = comparison[comparison["is_baseline"].astype(bool)]
    if rows.empty:
        raise ValueError("the comparison table has no baseline rows")
    return rows["scenario"].iloc[0]


def _diff_unit(unit: str) -> str:
    """A difference of shares is in percentage points."""
    return "share_pp" if unit == "share" else unit


def _label_plain(kpi: str) -> str:
    """``import port time (mean)`` -> ``mean import port time``."""
    label = kpi_label(kpi)
    for stat in ("mean", "90th percentile"):
        if label.endswith(f" ({stat})"):
            return f"{stat} {label[: -len(stat) - 3]}"
    return label


def best_change(comparison: pd.DataFrame, kpi: str) -> pd.Series | None:
    """The non-baseline row with the largest significant improvement in ``kpi`` (None if none)."""
    rows = comparison[(comparison["kpi"] == kpi) & ~comparison["is_baseline"].astype(bool)]
    rows = rows[rows["significant"].fillna(False).astype(bool)]
    better = kpi_better(kpi) or -1
    rows = rows[np.sign(rows["diff_mean"]) == better]
    if rows.empty:
        return None
    return rows.loc[(rows["diff_mean"] * better).idxmax()]


def headline(comparison: pd.DataFrame, kpi: str, labels=None) -> str:
    """'Direct pickup cuts mean import port time most: −54.0 h (−38 %)', from the numbers."""
    unit = kpi_unit(kpi)
    row = best_change(comparison, kpi)
    if row is None:
        return (
            f"No scenario changes {_label_plain(kpi)} distinguishably from the baseline "
            f"(every 95 % CI includes 0)"
        )
    verb = "cuts" if row["diff_mean"] < 0 else "raises"
    return (
        f"{scenario_label(row['scenario'], labels)} {verb} {_label_plain(kpi)} most: "
        f"{fmt_value(row['diff_mean'], _diff_unit(unit), sign=True)}"
        + (f" ({fmt(row['pct_change'], 0, True)} %)" if np.isfinite(row["pct_change"]) else "")
    )


def comparison_bars(comparison: pd.DataFrame, path: str | Path, kpis=BAR_KPIS, labels=None):
    """Each scenario's mean difference from the baseline (same seeds) with its paired 95 % CI,
    one panel per KPI; hatched bars are not distinguishable from zero."""
    base = _baseline(comparison)
    kpis = [k for k in kpis if k in set(comparison["kpi"])]
    if not kpis:
        raise ValueError("none of the KPIs to plot is in the comparison table")
    scenarios = [s for s in ordered_scenarios(comparison["scenario"], base) if s != base]
    styles = scenario_styles(ordered_scenarios(comparison["scenario"], base), base)
    ncols = 2 if len(kpis) > 1 else 1
    nrows = math.ceil(len(kpis) / ncols)
    fig = new_figure(6.2 * ncols, 0.55 * len(scenarios) * nrows + 1.4 * nrows + 1.0)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True)).ravel()
    y = np.arange(len(scenarios))[::-1]
    for ax, kpi in zip(axes, kpis):
        unit = kpi_unit(kpi)
        rows = comparison[comparison["kpi"] == kpi].set_index("scenario")
        diffs = np.array(
            [rows.at[s, "diff_mean"] if s in rows.index else np.nan for s in scenarios]
        )
        half = np.array(
            [rows.at[s, "diff_half_width"] if s in rows.index else np.nan for s in scenarios]
        )
        sig = [
            bool(rows.at[s, "significant"])
            if s in rows.index and not pd.isna(rows.at[s, "significant"])
            else False
            for s in scenarios
        ]
        for yi, s, d, h, ok in zip(y, scenarios, diffs, half, sig):
            ax.barh(
                yi,
                d if np.isfinite(d) else 0,
                color=styles[s]["color"] if ok else "white",
                edgecolor=styles[s]["color"],
                hatch=None if ok else "///",
                linewidth=1.2,
            )
            if np.isfinite(h):
                ax.errorbar(d, yi, xerr=h, color="black", capsize=3, linewidth=1)
        ax.axvline(0, color="black", linewidth=0.8)
        span = np.nanmax(np.abs(np.r_[diffs + np.nan_to_num(half), diffs - np.nan_to_num(half), 1e-9]))
        ax.set_xlim(-1.45 * span, 1.45 * span)
        for yi, s, d, h, ok in zip(y, scenarios, diffs, half, sig):
            if not np.isfinite(d):
                continue
            pct = rows.at[s, "pct_change"]
            text = fmt_value(d, _diff_unit(unit), sign=True) + (
                f" ({fmt(pct, 0, True)} %)" if np.isfinite(pct) else ""
            )
            text += "" if ok else " n.s."
            # on the other side of zero, clear of the bar and its whisker
            h = h if np.isfinite(h) else 0.0
            if d < 0:
                ax.text(max(0.0, d + h) + 0.03 * span, yi, text, va="center", ha="left", fontsize=8)
            else:
                ax.text(
                    min(0.0, d - h) - 0.03 * span, yi, text, va="center", ha="right", fontsize=8
                )
        base_mean = rows.at[base, "mean"] if base in rows.index else np.nan
        ax.set_title(
            f"{kpi_label(kpi)[:1].upper() + kpi_label(kpi)[1:]}\n"
            f"baseline {fmt_value(base_mean, unit)}",
            fontsize=9,
        )
        ax.set_xlabel(
            f"difference from baseline ({'percentage points' if unit == 'share' else unit})",
            fontsize=9,
        )
        ax.set_yticks(y, [scenario_label(s, labels) for s in scenarios], fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(kpis) :]:
        ax.set_visible(False)
    title = headline(comparison, next((k for k in HEADLINE_KPIS if k in kpis), kpis[0]), labels)
    fig.suptitle(wrap_title(title, 90), fontsize=11, fontweight="bold")
    caption = (
        f"Difference of each scenario's mean from the baseline ({scenario_label(base, labels)}), "
        "paired on seed (common random numbers); whiskers: 95 % paired t confidence "
        "intervals; hatched bars marked n.s.: interval includes zero."
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
    base = _baseline(comparison)
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
    title = _frontier_title(comparison, flows[0], base, labels)
    fig.suptitle(wrap_title(title, 90), fontsize=11, fontweight="bold")
    caption = (
        "Speed versus control: each point is a scenario's mean over replications; whiskers "
        "are 95 % t confidence intervals. Up is more offences caught, left is faster."
    )
    return save(fig, path, "frontier", title, caption)


def _frontier_title(comparison, flow, base, labels):
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
    distinct = bool(d["significant"]) if not pd.isna(d["significant"]) else False
    return (
        text
        + f"; detection rate {fmt(100 * d['mean'], 0)} % vs {fmt(100 * d['baseline_mean'], 0)} %"
        + ("" if distinct else " (difference not distinguishable from 0)")
    )


def _parameter_label(p) -> str:
    """``customs.inspection_teams`` -> ``customs inspection teams``."""
    return str(p).replace(".", " ").replace("_", " ")


def _split_unit(kpi_label: str) -> tuple[str, str]:
    """``mean import port time (h)`` -> (``mean import port time``, ``h``)."""
    m = re.fullmatch(r"(.*\S)\s*\(([^()]+)\)", kpi_label.strip())
    return (m[1], m[2]) if m else (kpi_label, "")


def tornado(df: pd.DataFrame, kpi_label: str, path: str | Path):
    """Sensitivity tornado.

    One-at-a-time: ``df`` has columns ``parameter``, ``low``, ``high`` (parameter values),
    ``kpi_low``, ``kpi_high`` (the KPI at each) and optionally ``kpi_base``; bars span the KPI
    range, widest on top. Morris screening: columns ``parameter``, ``mu_star`` and optionally
    ``sigma``; bars show mu* with sigma as a marker. ``kpi_label`` names the KPI with its unit,
    e.g. ``"mean import port time (h)"``.
    """
    if {"mu_star"} <= set(df.columns):
        return _morris(df, kpi_label, path)
    need = {"parameter", "low", "high", "kpi_low", "kpi_high"}
    if not need <= set(df.columns):
        raise ValueError(f"tornado needs columns {sorted(need)} or parameter/mu_star/sigma")
    d = df.copy()
    d["swing"] = (d["kpi_high"] - d["kpi_low"]).abs()
    d = d.sort_values("swing", ascending=True).reset_index(drop=True)
    base = (
        float(d["kpi_base"].iloc[0])
        if "kpi_base" in d.columns
        else float(np.mean(np.r_[d["kpi_low"], d["kpi_high"]].mean()))
    )
    fig = new_figure(7.5, 0.45 * len(d) + 1.8)
    ax = fig.subplots()
    lo_c, hi_c = OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]
    for i, r in d.iterrows():
        ax.barh(
            i,
            r["kpi_low"] - base,
            left=base,
            color=lo_c,
            edgecolor="black",
            linewidth=0.5,
            label="parameter at low value" if i == 0 else None,
        )
        ax.barh(
            i,
            r["kpi_high"] - base,
            left=base,
            color=hi_c,
            edgecolor="black",
            linewidth=0.5,
            label="parameter at high value" if i == 0 else None,
        )
        # the parameter value at each outer end of the bar
        (left_v, left_p), (right_v, right_p) = sorted(
            ((r["kpi_low"], r["low"]), (r["kpi_high"], r["high"])), key=lambda t: t[0]
        )
        ax.text(min(left_v, base), i, f"{left_p:g} ", va="center", ha="right", fontsize=8)
        ax.text(max(right_v, base), i, f" {right_p:g}", va="center", ha="left", fontsize=8)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(range(len(d)), [_parameter_label(p) for p in d["parameter"]], fontsize=9)
    ax.set_xlabel(kpi_label)
    lo, hi = (
        np.nanmin(d[["kpi_low", "kpi_high"]].to_numpy()),
        np.nanmax(d[["kpi_low", "kpi_high"]].to_numpy()),
    )
    pad = 0.15 * (hi - lo if hi > lo else 1)
    ax.set_xlim(min(lo, base) - pad, max(hi, base) + pad)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    top = d.iloc[-1]
    a, b = sorted((top["kpi_low"], top["kpi_high"]))
    name, unit = _split_unit(kpi_label)
    unit = f" {unit}" if unit else ""
    title = (
        f"{_parameter_label(top['parameter']).capitalize()} moves {name} most: "
        f"{fmt(a, 1)}{unit} to {fmt(b, 1)}{unit} (swing {fmt(top['swing'], 1)}{unit})"
    )
    fig.suptitle(wrap_title(title, 80), fontsize=11, fontweight="bold")
    caption = (
        "One-at-a-time sensitivity: each bar spans the KPI between the parameter's low and "
        f"high value (labels at bar ends); the line marks the base case ({fmt(base, 1)})."
    )
    return save(fig, path, "tornado", title, caption)


def _morris(df, kpi_label, path):
    d = df.sort_values("mu_star", ascending=True).reset_index(drop=True)
    fig = new_figure(7.5, 0.45 * len(d) + 1.8)
    ax = fig.subplots()
    ax.barh(
        range(len(d)),
        d["mu_star"],
        color=OKABE_ITO["blue"],
        label="\u03bc* (mean |elementary effect|)",
    )
    if "mu_star_conf" in d.columns:
        ax.errorbar(
            d["mu_star"],
            range(len(d)),
            xerr=d["mu_star_conf"],
            fmt="none",
            color="black",
            capsize=3,
            label="95 % CI of \u03bc*",
        )
    if "sigma" in d.columns:
        ax.plot(
            d["sigma"],
            range(len(d)),
            "D",
            color=OKABE_ITO["orange"],
            label="\u03c3 (interaction / non-linearity)",
        )
    ax.set_yticks(range(len(d)), [_parameter_label(p) for p in d["parameter"]], fontsize=9)
    ax.set_xlabel(f"elementary effect on {kpi_label}")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    top = d.iloc[-1]
    name, unit = _split_unit(kpi_label)
    title = (
        f"{_parameter_label(top['parameter']).capitalize()} influences {name} most "
        f"(\u03bc* = {fmt(top['mu_star'], 1)}{' ' + unit if unit else ''})"
    )
    fig.suptitle(wrap_title(title, 80), fontsize=11, fontweight="bold")
    caption = (
        "Morris screening: \u03bc* ranks influence; \u03c3 flags interactions or non-linear "
        "effects."
    )
    return save(fig, path, "tornado", title, caption)


__all__ = [
    "BAR_KPIS",
    "BASELINE_COLOUR",
    "MINUS",
    "best_change",
    "comparison_bars",
    "frontier",
    "headline",
    "tornado",
]
