"""Shared look of Clearway's figures: colour-blind safe colours, number formats, saving.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend
switch): they render with the Agg canvas, hold no global state, and are freed with the object.
Every figure is written as PNG and SVG; the plotting functions return a :class:`FigureFiles`,
a list of the written paths that also carries the figure's title and caption for the report.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour-vision deficiency
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
BASELINE_COLOUR = "#7F7F7F"  # neutral grey: the baseline is the reference, not a contender
SCENARIO_COLOURS = [
    OKABE_ITO[k]
    for k in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "reddish_purple",
        "sky_blue",
        "yellow",
    )
]
PART_COLOURS = [
    OKABE_ITO[k]
    for k in (
        "blue",
        "orange",
        "bluish_green",
        "sky_blue",
        "vermillion",
        "reddish_purple",
        "yellow",
        "black",
    )
]
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">"]
MINUS = "\u2212"
DPI = 150


class FigureFiles(list):
    """The files one figure was written to (PNG first), with its ``name``, ``title`` and
    ``caption``."""

    def __init__(self, files=(), name: str = "", title: str = "", caption: str = ""):
        super().__init__(files)
        self.name, self.title, self.caption = name, title, caption

    @property
    def png(self) -> Path | None:
        return next((Path(p) for p in self if str(p).endswith(".png")), None)


def scenario_label(name: str, labels: dict[str, str] | None = None) -> str:
    """``direct_pickup`` -> ``Direct pickup`` (or ``labels[name]`` when given)."""
    if labels and name in labels:
        return labels[name]
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def scenario_styles(scenarios, baseline: str | None) -> dict[str, dict]:
    """Colour, marker and line style per scenario, fixed by its position in ``scenarios`` (pass
    the same order to every figure). The baseline is grey in bars and points and a black
    dashed line (``line_color``) in curves, drawn on top."""
    styles, i = {}, 0
    for s in scenarios:
        if s == baseline:
            styles[s] = {
                "color": BASELINE_COLOUR,
                "line_color": "#000000",
                "linestyle": "--",
                "marker": "s",
                "zorder": 5,
            }
        else:
            colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
            styles[s] = {
                "color": colour,
                "line_color": colour,
                "linestyle": LINESTYLES[(i // len(SCENARIO_COLOURS)) % len(LINESTYLES)],
                "marker": MARKERS[(i + 1) % len(MARKERS)],
                "zorder": 3,
            }
            i += 1
    return styles


def ordered_scenarios(scenarios, baseline: str | None, order=None) -> list[str]:
    """Baseline first, then the others in ``order`` (if given) or as they come, without repeats."""
    seen = list(dict.fromkeys(scenarios))
    if order is not None:
        rank = {s: i for i, s in enumerate(order)}
        seen.sort(key=lambda s: rank.get(s, len(rank)))
    return ([baseline] if baseline in seen else []) + [s for s in seen if s != baseline]


def signed(text: str) -> str:
    """Typographic minus instead of a hyphen."""
    return text.replace("-", MINUS) if text.startswith("-") else text


def fmt(x: float, decimals: int = 1, sign: bool = False) -> str:
    """``x`` with ``decimals`` places, thousands separators, a typographic minus; 'n/a' if NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    text = f"{x:+,.{decimals}f}" if sign else f"{x:,.{decimals}f}"
    if text.lstrip("+-").strip("0.,") == "":  # -0.0 -> 0.0
        text = text.replace("-", "+" if sign else "")
    return text.replace("-", MINUS)


def decimals_for(unit: str, value: float | None = None) -> int:
    """Places shown for a value in ``unit``: hours and counts 1, CNY 0, shares (as %) 1."""
    if unit in ("CNY", "CNY/t"):
        return 0
    return 1


def fmt_value(x: float, unit: str, sign: bool = False) -> str:
    """A KPI value with its unit: ``12.3 h``, ``1,234 CNY``, ``8.2 %`` (shares), ``42.6``."""
    if unit == "share":
        return f"{fmt(100 * x if x is not None else x, 1, sign)} %"
    if unit == "share_pp":
        return f"{fmt(100 * x if x is not None else x, 1, sign)} pp"
    number = fmt(x, decimals_for(unit), sign)
    return number if unit in ("count", "") else f"{number} {unit}"


def wrap_title(text: str, width: int = 72) -> str:
    return "\n".join(textwrap.wrap(text, width))


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig


def save(fig: Figure, path: str | Path, name: str, title: str, caption: str) -> FigureFiles:
    """Write ``fig`` as ``<path>.png`` and ``<path>.svg`` (any suffix of ``path`` is replaced)."""
    stem = Path(path)
    stem = stem.with_suffix("") if stem.suffix in (".png", ".svg", ".pdf") else stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    files = []
    for ext in (".png", ".svg"):
        out = stem.parent / (stem.name + ext)
        fig.savefig(out, dpi=DPI, metadata={"Date": None} if ext == ".svg" else None)
        files.append(out)
    return FigureFiles(files, name=name, title=title, caption=caption)


def empty(name: str, reason: str) -> FigureFiles:
    """No figure (e.g. no adoption series in the experiment): nothing written."""
    return FigureFiles([], name=name, title="", caption=reason)
