"""Figures of a robustness experiment: two bands per reform effect, and PRIM's failure boxes.

Colours are Okabe-Ito (colour-blind safe): blue for simulation noise, orange for assumption
uncertainty; the same two in every panel, so a band's colour always means the same thing.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.reforms import scenario_title

NOISE_COLOUR = "#0072B2"  # Okabe-Ito blue
ASSUMPTION_COLOUR = "#E69F00"  # Okabe-Ito orange
FLIP_COLOUR = "#D55E00"  # Okabe-Ito vermilion: a sign that depends on an assumption
KPI_TITLES = {
    "import_port_time_h": "Import port time (h)",
    "import_clearance_time_h": "Import clearance time (h)",
    "import_cost_total_cny": "Import cost per container (CNY)",
    "import_offences_missed_per_1000": "Import offences missed per 1,000 boxes",
    "export_port_time_h": "Export port time (h)",
    "export_offences_missed_per_1000": "Export offences missed per 1,000 boxes",
}


def kpi_title(kpi: str) -> str:
    return KPI_TITLES.get(kpi, kpi.replace("_", " "))


def kpi_in_sentence(kpi: str) -> str:
    """The KPI's title inside a sentence: ``import port time (h)``."""
    title = kpi_title(kpi)
    return title[:1].lower() + title[1:]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def bands_figure(table: pd.DataFrame, path: str | Path) -> Path:
    """One panel per KPI, one row per reform: the assumption band (5-95 % across points, wide
    orange bar), the noise band (95 % CI at the nominal point, narrow blue bar) and the nominal
    effect (dot); a reform whose sign flips at some points is marked in its label. Rows carry
    the reforms' titles (:func:`sim.reforms.scenario_title`), as the comparison figures do."""
    plt = _plt()
    kpis = list(dict.fromkeys(table["kpi"]))
    reforms = list(dict.fromkeys(table["scenario"]))
    fig, axes = plt.subplots(1, len(kpis), figsize=(4.2 * len(kpis), 0.7 * len(reforms) + 1.8),
                             sharey=True, squeeze=False)
    for ax, kpi in zip(axes[0], kpis):
        rows = table[table["kpi"] == kpi].set_index("scenario").reindex(reforms)
        y = np.arange(len(reforms))
        ax.barh(y + 0.15, rows["assumption_high"] - rows["assumption_low"],
                left=rows["assumption_low"], height=0.28, color=ASSUMPTION_COLOUR,
                label="assumptions (5-95 % of points)")
        ax.barh(y - 0.15, rows["noise_high"] - rows["noise_low"], left=rows["noise_low"],
                height=0.28, color=NOISE_COLOUR, label="simulation noise (95 % CI, nominal)")
        ax.plot(rows["nominal"], y - 0.15, "o", color="black", markersize=4, label="nominal effect")
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_title(f"Change in {kpi_in_sentence(kpi)}", fontsize=10)
        ax.grid(axis="x", color="0.9")
        ax.locator_params(axis="x", nbins=5)  # four-digit costs: more ticks run into each other
        for i, flips in enumerate(rows["sign_flips"]):
            if flips > 0:
                ax.annotate(f"sign flips at {flips:.0%}", (1, y[i] + 0.38),
                            xycoords=("axes fraction", "data"), ha="right", fontsize=7,
                            color=FLIP_COLOUR)
    axes[0][0].set_yticks(np.arange(len(reforms)), [scenario_title(r) for r in reforms])
    axes[0][0].invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("Reform effects against the baseline: chance vs. assumptions", fontsize=11)
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    return _save(fig, path)


def prim_figure(boxes: pd.DataFrame, path: str | Path) -> Path:
    """One panel per (reform, failure): each restricted parameter's box as a bar over its whole
    range (0 = the range's low end, 1 = its high end), labelled with its name in plain words."""
    plt = _plt()
    groups = list(boxes.groupby(["scenario", "outcome"], sort=False)) if len(boxes) else []
    if not groups:
        fig, ax = plt.subplots(figsize=(6, 1.6))
        ax.axis("off")
        ax.text(0.5, 0.5, "PRIM found no box where a reform fails\n(too few failing points, "
                "or none dense enough and beyond chance)", ha="center", va="center", fontsize=10)
        return _save(fig, path)
    heights = [max(len(b), 1) * 0.35 + 1.1 for _, b in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(7.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, ((scenario, outcome), box) in zip(axes[:, 0], groups):
        span = (box["range_high"] - box["range_low"]).to_numpy(float)
        low = (box["box_low"].to_numpy(float) - box["range_low"].to_numpy(float)) / span
        high = (box["box_high"].to_numpy(float) - box["range_low"].to_numpy(float)) / span
        y = np.arange(len(box))
        ax.barh(y, np.ones(len(box)), color="0.92", height=0.6)
        ax.barh(y, high - low, left=low, color=FLIP_COLOUR, height=0.6)
        labels = [f"{name}  [{lo:.3g}, {hi:.3g}]" for name, lo, hi in
                  zip(box["name"], box["box_low"], box["box_high"])]
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        what = "does not cut time" if outcome == "no_time_cut" else "misses more offences"
        first = box.iloc[0]
        ax.set_title(f"{scenario_title(scenario)} {what}\ncoverage {first['coverage']:.0%}, "
                     f"density {first['density']:.0%}", fontsize=9, loc="left")
    axes[-1, 0].set_xlabel("position in the parameter's range (0 = low end, 1 = high end)")
    fig.tight_layout()
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    import matplotlib.pyplot as plt

    from sim.outputs import atomic_write

    path = Path(path)
    try:
        kind = path.suffix.lstrip(".") or "png"
        atomic_write(path, lambda p: fig.savefig(p, dpi=110, format=kind))
    finally:
        plt.close(fig)
    return path


__all__ = ["bands_figure", "kpi_in_sentence", "kpi_title", "prim_figure"]
