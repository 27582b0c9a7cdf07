"""Shared look of Clearway's figures: colour-blind safe colours, number formats, saving.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend
switch): they render with the Agg canvas, hold no global state, and are freed with the object.
Every figure is written as PNG and SVG; the plotting functions return a :class:`FigureFiles`,
a list of the written paths that also carries the figure's title and caption for the report.
Inside ``with png_only():`` figures are written as PNG alone (the report embeds the PNG; the SVG
copy costs about 40 % of saving a figure): for quick checks that read no SVG.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from matplotlib.figure import Figure

from sim.reforms import scenario_title

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
# Paul Tol's "muted" scheme (2021), also colour-blind safe: extends Okabe-Ito past 7 scenarios
TOL_MUTED = {
    "indigo": "#332288",
    "wine": "#882255",
    "olive": "#999933",
    "teal": "#44AA99",
    "green": "#117733",
    "rose": "#CC6677",
    "purple": "#AA4499",
    "cyan": "#88CCEE",
    "sand": "#DDCC77",
}
BASELINE_COLOUR = "#7F7F7F"  # neutral grey: the baseline is the reference, not a contender
# one colour per non-baseline scenario, in this order; the close pairs (the three greens
# bluish green/teal/green, yellow/sand, sky blue/cyan) sit far apart, so that up to 12
# scenarios (the policy comparison's) meet one green only
SCENARIO_COLOURS = [
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    TOL_MUTED["indigo"],
    TOL_MUTED["wine"],
    TOL_MUTED["olive"],
    OKABE_ITO["yellow"],
    TOL_MUTED["rose"],
    TOL_MUTED["purple"],
    TOL_MUTED["teal"],
    TOL_MUTED["green"],
    TOL_MUTED["cyan"],
    TOL_MUTED["sand"],
]
# stages of the same kind share a colour in the import and the export panel
STAGE_KINDS = {
    "unloading": "ship",
    "vessel_departure": "ship",
    "clearance_preparation": "preparation",
    "customs_clearance": "customs",
    "pickup_and_leaving": "after_release",
    "post_release": "after_release",
}
STAGE_COLOURS = {
    "ship": OKABE_ITO["blue"],
    "preparation": OKABE_ITO["orange"],
    "customs": OKABE_ITO["vermillion"],
    "after_release": OKABE_ITO["sky_blue"],
}
COST_COLOURS = {
    "storage": OKABE_ITO["blue"],
    "handling": OKABE_ITO["orange"],
    "inspection": OKABE_ITO["vermillion"],
    "detention": OKABE_ITO["sky_blue"],
    "brokerage": OKABE_ITO["bluish_green"],
    "truck_waiting": OKABE_ITO["reddish_purple"],
    "inventory": OKABE_ITO["yellow"],
    "own_warehouse": TOL_MUTED["olive"],
}
OTHER_PART_COLOURS = [TOL_MUTED[k] for k in ("indigo", "wine", "olive", "teal", "rose")]
DARK_COLOURS = frozenset(
    {OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "black")}
    | {TOL_MUTED[k] for k in ("indigo", "wine", "green", "purple")}
)
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">"]
MINUS = "\u2212"
DPI = 150


def part_colour(name: str, index: int) -> str:
    """Colour of a stage or cost component: by its kind (stages) or name (costs), so the same
    kind of part has the same colour in every panel; unknown parts by position."""
    if name in STAGE_KINDS:
        return STAGE_COLOURS[STAGE_KINDS[name]]
    if name in COST_COLOURS:
        return COST_COLOURS[name]
    return OTHER_PART_COLOURS[index % len(OTHER_PART_COLOURS)]


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
    """A scenario's name in plain words: ``labels[name]`` when given, a reform's title
    (``two_step`` -> ``Two-step declaration``), else ``my_case`` -> ``My case``."""
    if labels and name in labels:
        return labels[name]
    return scenario_title(name)


def scenario_colours(scenarios, baseline: str | None) -> dict[str, str]:
    """The one assignment of colours to scenarios: the baseline grey, the others in the order
    given (pass the experiment's scenario order to every figure), each a different colour of
    :data:`SCENARIO_COLOURS` (16; past that colours repeat and the line style tells apart)."""
    colours, i = {}, 0
    for s in dict.fromkeys(scenarios):
        if s == baseline:
            colours[s] = BASELINE_COLOUR
        else:
            colours[s] = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
            i += 1
    return colours


def scenario_styles(scenarios, baseline: str | None) -> dict[str, dict]:
    """Colour (:func:`scenario_colours`), marker and line style per scenario. The baseline is
    grey in bars and points and a black dashed line (``line_color``) in curves, drawn on top."""
    colours = scenario_colours(scenarios, baseline)
    styles = {}
    for i, s in enumerate(s for s in colours if s != baseline):
        styles[s] = {
            "color": colours[s],
            "line_color": colours[s],
            "linestyle": LINESTYLES[(i // len(SCENARIO_COLOURS)) % len(LINESTYLES)],
            "marker": MARKERS[(i + 1) % len(MARKERS)],
            "zorder": 3,
        }
    if baseline in colours:
        styles[baseline] = {
            "color": BASELINE_COLOUR,
            "line_color": "#000000",
            "linestyle": "--",
            "marker": "s",
            "zorder": 5,
        }
    return {s: styles[s] for s in colours}


def ordered_scenarios(scenarios, baseline: str | None, order=None) -> list[str]:
    """Baseline first, then the others in ``order`` (if given) or as they come, without repeats."""
    seen = list(dict.fromkeys(scenarios))
    if order is not None:
        rank = {s: i for i, s in enumerate(order)}
        seen.sort(key=lambda s: rank.get(s, len(rank)))
    return ([baseline] if baseline in seen else []) + [s for s in seen if s != baseline]


def fmt(x: float | None, decimals: int = 1, sign: bool = False) -> str:
    """The one number format: ``decimals`` places, thousands separators, a typographic minus,
    a ``+`` on positive numbers when ``sign``; 'n/a' if missing.

    Zero is written without a sign. A non-zero value is never shown as zero: it gets up to two
    more places (``-0.04`` -> ``−0.04``), and below that ``−<0.001``, so a sign always
    agrees with the value it stands next to.
    """
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    x = float(x)
    if x == 0:
        return f"{0:.{decimals}f}"
    places = decimals
    while _is_zero(f"{abs(x):.{places}f}") and places < decimals + 2:
        places += 1
    body = f"{abs(x):,.{places}f}"
    if _is_zero(body):
        body = f"<{10 ** -places:.{places}f}"
    return (MINUS if x < 0 else "+" if sign else "") + body


def _is_zero(text: str) -> bool:
    return text.strip("0.,") == ""


def fmt_pct(pct: float | None, decimals: int = 0, sign: bool = True) -> str:
    """A percent change: ``−23 %``, ``+0.7 %``; 'n/a' if missing."""
    text = fmt(pct, decimals, sign)
    return text if text == "n/a" else f"{text} %"


def decimals_for(unit: str) -> int:
    """Places shown for a value in ``unit``: CNY 0, everything else (h, counts, % of shares) 1."""
    return 0 if unit in ("CNY", "CNY/t") else 1


def fmt_value(x: float | None, unit: str, sign: bool = False) -> str:
    """A KPI value with its unit: ``12.3 h``, ``1,234 CNY``, ``8.2 %`` (shares), ``42.6``;
    ``share_pp`` is a difference of shares, in percentage points."""
    if unit in ("share", "share_pp"):
        number = fmt(None if x is None else 100 * x, 1, sign)
        return f"{number} {'%' if unit == 'share' else 'pp'}"
    number = fmt(x, decimals_for(unit), sign)
    return number if unit in ("count", "") else f"{number} {unit}"


def diff_unit(unit: str) -> str:
    """The unit of a difference: shares differ in percentage points."""
    return "share_pp" if unit == "share" else unit


def fmt_change(diff: float, unit: str, pct: float | None = None, pct_decimals: int = 0) -> str:
    """A change against the baseline with its percent: ``−54.4 h (−40 %)``, ``−10 CNY
    (−0.1 %)``; the percent is left out when undefined (baseline 0)."""
    text = fmt_value(diff, diff_unit(unit), sign=True)
    if pct is not None and math.isfinite(pct):
        text += f" ({fmt_pct(pct, pct_decimals)})"
    return text


def wrap_title(text: str, width: int = 72) -> str:
    return "\n".join(textwrap.wrap(text, width))


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig


FIGURE_FORMATS: ContextVar[tuple[str, ...]] = ContextVar("figure_formats", default=(".png", ".svg"))


@contextmanager
def png_only() -> Iterator[None]:
    """Inside the block :func:`save` writes each figure as PNG alone, no SVG copy."""
    token = FIGURE_FORMATS.set((".png",))
    try:
        yield
    finally:
        FIGURE_FORMATS.reset(token)


def save(fig: Figure, path: str | Path, name: str, title: str, caption: str) -> FigureFiles:
    """Write ``fig`` as ``<path>.png`` and ``<path>.svg`` (any suffix of ``path`` is replaced;
    PNG alone inside :func:`png_only`)."""
    stem = Path(path)
    stem = stem.with_suffix("") if stem.suffix in (".png", ".svg", ".pdf") else stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    # Lay the figure out once, for every format: with a layout engine on, each savefig would
    # draw the figure twice (once to lay it out, once to write it), and the constrained layout
    # takes about half of a draw.
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    files = []
    for ext in FIGURE_FORMATS.get():
        out = stem.parent / (stem.name + ext)
        fig.savefig(out, dpi=DPI, metadata={"Date": None} if ext == ".svg" else None)
        files.append(out)
    return FigureFiles(files, name=name, title=title, caption=caption)


def empty(name: str, reason: str) -> FigureFiles:
    """No figure (e.g. no adoption series in the experiment): nothing written."""
    return FigureFiles([], name=name, title="", caption=reason)
