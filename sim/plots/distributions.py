"""Figures from the runs' own files: time distributions (CDFs) and adoption over time."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from sim.intervals import CONFIDENCE
from sim.plots.style import (
    empty,
    fmt,
    new_figure,
    ordered_scenarios,
    save,
    scenario_label,
    scenario_styles,
    wrap_title,
)

MEASURES = {"clearance_time": "clearance time", "port_time": "port time"}
# the reform behind each daily adoption column ``<route>_adoption`` whose route is no reform name
ROUTE_REFORMS = {"zone_shared": "shared_warehousing"}
LEVELS = np.arange(1, 100)  # the summaries' percentiles: 1st..99th


def _band(matrix: np.ndarray, confidence: float = CONFIDENCE):
    """Column means of ``matrix`` (replications x points) and their t half-widths (NaN if n < 2)."""
    n = np.isfinite(matrix).sum(axis=0)
    mean = np.nanmean(matrix, axis=0)
    sd = np.nanstd(matrix, axis=0, ddof=1) if matrix.shape[0] > 1 else np.full(mean.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(
            n > 1, sps.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n), np.nan
        )
    return mean, half


def percentile_curves(summaries: dict, flow: str, measure: str) -> dict[str, np.ndarray]:
    """``{scenario: replications x 99}`` of ``<measure>_percentiles_h`` (runs without one are
    skipped)."""
    curves = defaultdict(list)
    for (scenario, _seed), summary in summaries.items():
        p = summary.get("flows", {}).get(flow, {}).get("all", {}).get(f"{measure}_percentiles_h")
        if p is not None and len(p) == LEVELS.size:
            curves[scenario].append(np.asarray(p, dtype=float))
    return {s: np.vstack(v) for s, v in curves.items()}


def cdf_plot(
    summaries: dict,
    path: str | Path,
    baseline: str | None = None,
    flows=("import", "export"),
    measures=("clearance_time", "port_time"),
    labels=None,
    scenarios=None,
):
    """Distribution of clearance and port time per scenario: each run's 1st-99th percentiles,
    averaged over replications, with a 95 % band (t interval of each percentile). ``scenarios``
    fixes the order (and so the colours) as in the other figures."""
    panels = [(f, m) for f in flows for m in measures]
    curves = {(f, m): percentile_curves(summaries, f, m) for f, m in panels}
    panels = [p for p in panels if curves[p]]
    if not panels:
        raise ValueError("no run summary holds percentile curves")
    order = ordered_scenarios([s for s, _ in summaries], baseline, scenarios)
    styles = scenario_styles(order, baseline)
    ncols = len({m for _, m in panels})
    nrows = int(np.ceil(len(panels) / ncols))
    fig = new_figure(5.4 * ncols, 3.6 * nrows + 1.2)
    # one hour axis and one share axis for all panels: clearance and port times, imports and
    # exports, are read against each other
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True).ravel()
    for ax, (flow, measure) in zip(axes, panels):
        for s in order:
            if s not in curves[(flow, measure)]:
                continue
            mean, half = _band(curves[(flow, measure)][s])
            st = styles[s]
            ax.plot(
                mean,
                LEVELS,
                color=st["line_color"],
                linestyle=st["linestyle"],
                linewidth=1.7,
                label=scenario_label(s, labels),
                zorder=st["zorder"],
            )
            if np.isfinite(half).any():
                ax.fill_betweenx(
                    LEVELS, mean - half, mean + half, color=st["color"], alpha=0.15, linewidth=0
                )
        ax.set_xlim(left=0)
        ax.set_ylim(0, 100)
        ax.tick_params(labelbottom=True)
        ax.set_xlabel(f"{flow} {MEASURES[measure]} (h)")
        ax.set_ylabel("containers at or below (%)")
        ax.set_title(f"{flow.capitalize()} {MEASURES[measure]}", fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(
        handles,
        names,
        loc="outside lower center",
        ncols=min(len(names), 5),
        fontsize=8,
        frameon=False,
    )
    title = _median_title(curves, panels, baseline, labels)
    fig.suptitle(wrap_title(title, 90), fontsize=11, fontweight="bold")
    caption = (
        "Cumulative distribution of the time each container needed: share of containers "
        "(y) done within x hours; lines average the replications' percentile curves, bands "
        "are 95 % t confidence intervals of each percentile."
    )
    return save(fig, path, "cdf", title, caption)


def _median_title(curves, panels, baseline, labels):
    flow, measure = ("import", "port_time") if ("import", "port_time") in panels else panels[0]
    medians = {s: float(np.nanmean(m[:, 49])) for s, m in curves[(flow, measure)].items()}
    what = f"median {flow} {MEASURES[measure]}"
    if baseline in medians and len(medians) > 1:
        best = min((s for s in medians if s != baseline), key=medians.get)
        if medians[best] < medians[baseline]:
            return (
                f"{scenario_label(best, labels)} shifts the {what} from "
                f"{fmt(medians[baseline], 1)} h to {fmt(medians[best], 1)} h"
            )
        return f"No scenario lowers the {what} below the baseline's {fmt(medians[baseline], 1)} h"
    lo, hi = min(medians.values()), max(medians.values())
    return f"The {what} ranges from {fmt(lo, 1)} h to {fmt(hi, 1)} h across scenarios"


def adoption_series(dailies: dict) -> dict[str, dict[str, pd.DataFrame]]:
    """``{adoption column: {scenario: DataFrame(day x replication)}}`` from the daily frames."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (scenario, seed), daily in dailies.items():
        day = daily["day"] if "day" in daily.columns else pd.Series(np.arange(len(daily)) + 1)
        for col in (c for c in daily.columns if c.endswith("_adoption")):
            out[col][scenario].append(
                pd.Series(daily[col].to_numpy(float), index=day.to_numpy(), name=seed)
            )
    return {c: {s: pd.concat(v, axis=1) for s, v in per.items()} for c, per in out.items()}


def route_title(route: str) -> str:
    """``direct_pickup`` -> ``Direct pickup``, ``zone_shared`` -> ``Shared warehousing``."""
    return scenario_label(ROUTE_REFORMS.get(route, route))


def adoption_plot(
    dailies: dict,
    path: str | Path,
    baseline: str | None = None,
    warmup_days: float | None = None,
    labels=None,
    scenarios=None,
):
    """Opt-in share of each fast-lane route over time, per scenario: mean over replications and
    95 % band. Returns an empty :class:`FigureFiles` (no file) if no run records adoption."""
    series = {}  # scenarios without the reform never adopt: they would only crowd the panel
    for col, per in adoption_series(dailies).items():
        adopted = {s: f for s, f in per.items() if np.nanmax(f.to_numpy(float), initial=0) > 0}
        if adopted:
            series[col] = adopted
    if not series:
        return empty("adoption", "No run records an adoption share (no learning-based policy on).")
    order = ordered_scenarios([s for s, _ in dailies], baseline, scenarios)
    styles = scenario_styles(order, baseline)
    fig = new_figure(5.4 * len(series), 4.4)
    # one share axis: the routes' adoption levels are meant to be compared
    axes = np.atleast_1d(fig.subplots(1, len(series), sharey=True))
    finals = []
    for ax, (col, per) in zip(axes, series.items()):
        route = route_title(col[: -len("_adoption")])
        # lines that coincide (a reform alone and in the package: the same firms may decide alike)
        # stay visible: each later line is thinner, drawn on top, its markers shifted along the line
        for k, s in enumerate(s for s in order if s in per):
            frame = per[s]
            mean, half = _band(frame.to_numpy(float).T)
            lo, hi = (
                np.clip(mean - half, 0, 1),
                np.clip(mean + half, 0, 1),
            )  # a share stays in [0, 1]
            days = frame.index.to_numpy(float)
            st = styles[s]
            step = max(1, len(days) // 12)
            ax.plot(
                days,
                100 * mean,
                color=st["line_color"],
                linestyle=st["linestyle"],
                marker=st["marker"],
                markevery=(k * step // 2 % step, step),
                markersize=5,
                markerfacecolor="none",
                linewidth=max(3.4 - 1.4 * k, 1.2),
                label=scenario_label(s, labels),
            )
            if np.isfinite(half).any():
                ax.fill_between(
                    days, 100 * lo, 100 * hi, color=styles[s]["color"], alpha=0.2, linewidth=0
                )
            finals.append((mean[-1], lo[-1], hi[-1], days[-1], route, s))
        if warmup_days:
            ax.axvspan(0, warmup_days, color="0.85", zorder=0, label="warm-up (not measured)")
        ax.set_xlabel("simulated day")
        ax.set_ylabel("opted-in share of eligible volume (%)")
        ax.set_title(route, fontsize=10)
        ax.set_ylim(0, 100)
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    mean, lo, hi, day, route, s = max(finals, key=lambda f: f[0])
    band = f" (95 % CI {fmt(100 * lo, 0)} to {fmt(100 * hi, 0)} %)" if np.isfinite(lo) else ""
    title = (
        f"{route} adoption reaches {fmt(100 * mean, 0)} %{band} of eligible volume "
        f"by day {day:g} under {scenario_label(s, labels)}"
    )
    fig.suptitle(wrap_title(title, int(12 * 5.4 * len(series))), fontsize=11, fontweight="bold")
    caption = (
        "Firms opt in to a fast lane when the saving they learn to expect repays the switching "
        "cost: volume-weighted share of eligible firms opted in at the end of each day; line: "
        "mean over replications, band: 95 % t confidence interval (clipped to 0-100 %)."
    )
    return save(fig, path, "adoption", title, caption)
