"""The one-page brief for policymakers: ``brief.md`` and a self-contained ``brief.html``, also
the first page of the report.

It holds one headline sentence, what was simulated, the ranking chart of the reforms on time,
cost and missed offences, three to five takeaways, one line per reform (its WTO Trade
Facilitation Agreement article, its main effect and how robust that is) and what the model does
not cover. Every number is a comparison-table value written with the one number format, and
"distinguishable from zero" is the one rule (:func:`sim.analysis.significance.significant`).
When the folder holds ``robustness.csv`` (scenario, kpi, noise_low, noise_high, assumption_low,
assumption_high, sign_flips: the robustness experiment), its bands fill the reform lines'
assumption column; else those of another robustness experiment's folder (``bands_dir``, e.g.
the committed reference), named under the table with its commit; without either, that column
says the uncertainty is not yet measured.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.scenario_discovery import PRIM_CSV, box_lines
from sim.experiment.robustness import DESIGN_CSV, NOMINAL
from sim.plots.comparison import baseline_of, is_significant
from sim.plots.ranking import ranked_reforms
from sim.plots.style import (
    FigureFiles,
    diff_unit,
    fmt,
    fmt_change,
    fmt_pct,
    fmt_value,
    scenario_label,
)
from sim.reforms import REFORMS, tfa_tag
from sim.report.context import NOT_COVERED
from sim.report.provenance import JSON_NAME, provenance_facts
from sim.report.sentences import SPEED_KPIS, SUB_MODEL_KPIS, ci_text, row_of, short_label

ROBUSTNESS_COLUMNS = ("scenario", "kpi", "noise_low", "noise_high", "assumption_low",
                      "assumption_high", "sign_flips")
FIRM, CLEAR = 0.25, 0.75  # CI half-width relative to the effect: firm below, clear direction below


@dataclass
class ReformLine:
    """One reform in the brief's table."""
    label: str
    tfa: str
    effect: str
    noise: str
    assumptions: str


@dataclass
class Brief:
    title: str
    headline: str
    context: list[str]
    failures: list[str]
    chart: FigureFiles | None
    takeaways: list[str]
    reforms: list[ReformLine] = field(default_factory=list)
    where_reforms_fail: list[str] = field(default_factory=list)  # PRIM boxes, in words
    prim_points: int = 0  # sample points the PRIM boxes were found over
    prim_source: str = ""  # the robustness experiment PRIM ran over
    prim_reforms: list[str] = field(default_factory=list)  # the reforms it sampled, as labels
    not_covered: tuple[str, ...] = NOT_COVERED
    bands_source: str = "this experiment's robustness.csv"

    @property
    def prim_caveat(self) -> str:
        """How the boxes were tested against chance, and over how many points."""
        return (f"Over {self.prim_points} sample points. A region is shown only if each of its "
                f"limits beats chance: {CHANCE_TEST}.")

    @property
    def prim_none(self) -> str:
        """What it means that PRIM found no region."""
        reforms = f" ({', '.join(self.prim_reforms)})" if self.prim_reforms else ""
        return (f"Over {self.prim_points} sample points, no region of the assumptions where a "
                f"reform{reforms} fails to cut time in port, or lets more offences through than "
                f"the baseline, beats chance ({CHANCE_TEST}). More sample points can find smaller "
                "regions.")

    @property
    def note(self) -> str:
        return ("Ranked by the cut in time in port. Main effect: the reform's largest "
                "distinguishable change. Against simulation noise: the 95 % interval of the paired "
                "change and its half-width relative to the effect; against the assumptions: the "
                f"bands of {self.bands_source}.")


@dataclass
class AssumptionBands:
    """A robustness experiment's bands (``robustness.csv``), its PRIM boxes (``prim_boxes.csv``,
    None if it has none), over how many sample points PRIM looked for them (0: PRIM did not run)
    and which experiment they are from."""
    table: pd.DataFrame
    boxes: pd.DataFrame | None
    prim_points: int
    source: str


CHANCE_TEST = ("a binomial test at 5 %, corrected for the number of assumptions PRIM chose its "
               "limits from")  # sim.analysis.scenario_discovery.find_box


def _is_package(scenario: str) -> bool:
    reform = REFORMS.get(scenario)
    return reform is not None and not reform.articles


MAIN_KPIS = (  # the effect a reader asks about first: time in port, then the sub-models' cost
    ("import_port_time_h", "export_port_time_h"),
    ("zone_cost_per_order_cny", "bunker_price_cny_per_t", "parcel_cost_cny"),
    (*SPEED_KPIS, *SUB_MODEL_KPIS),
)


def _improves(row: pd.Series) -> bool:
    return is_significant(row) and np.sign(row["diff_mean"]) == (row["better"] or -1)


def main_effect(comparison: pd.DataFrame, scenario: str) -> pd.Series | None:
    """The scenario's largest distinguishable improvement (in %), time in port first, then the
    sub-models' cost, then any time or cost, then the measures its mechanism acts on first
    (:attr:`sim.reforms.Reform.measures`); else its largest time or cost change."""
    reform = REFORMS.get(scenario)
    for kpis in (*MAIN_KPIS, reform.measures if reform else ()):
        rows = [r for k in kpis if (r := row_of(comparison, scenario, k)) is not None
                and _improves(r) and np.isfinite(r["pct_change"])]
        if rows:
            return max(rows, key=lambda r: abs(r["pct_change"]))
    rows = [r for k in SPEED_KPIS if (r := row_of(comparison, scenario, k)) is not None
            and np.isfinite(r["pct_change"])]
    return max(rows, key=lambda r: abs(r["pct_change"])) if rows else None


def side_effect(comparison: pd.DataFrame, scenario: str,
                main: pd.Series | None = None) -> pd.Series | None:
    """The scenario's largest distinguishable worsening of a time or cost measure other than
    ``main`` (its main effect, which may itself be a worsening), if any."""
    rows = [r for k in (*SPEED_KPIS, *SUB_MODEL_KPIS)
            if (r := row_of(comparison, scenario, k)) is not None and is_significant(r)
            and not _improves(r) and r["better"] and np.isfinite(r["pct_change"])
            and (main is None or r["kpi"] != main["kpi"])]
    return max(rows, key=lambda r: abs(r["pct_change"])) if rows else None


def _moves(row: pd.Series, unit: str | None = None) -> str:
    """'cuts the mean import port time by 89.2 h (−65 %)'."""
    verb = "cuts" if row["diff_mean"] < 0 else "raises"
    return (f"{verb} the {short_label(row)} by "
            f"{fmt_value(abs(row['diff_mean']), diff_unit(unit or row['unit']))} "
            f"({fmt_pct(row['pct_change'])})")


def change_text(row: pd.Series) -> str:
    """'import port time −54.4 h (−40 %)'."""
    return f"{short_label(row)} {fmt_change(row['diff_mean'], row['unit'], row['pct_change'])}"


def noise_text(row: pd.Series) -> str:
    """How the effect stands against simulation noise: its CI and the CI's width relative to it."""
    ci = ci_text(row["diff_ci_low"], row["diff_ci_high"], row["unit"])
    if not is_significant(row):
        return f"not distinguishable from zero ({ci})"
    relative = row["diff_half_width"] / abs(row["diff_mean"])
    verdict = ("firm" if relative < FIRM else
               "direction clear, size uncertain" if relative < CLEAR else "barely distinguishable")
    return f"{verdict}: {ci}, \u00b1{fmt(100 * relative, 0)} % of the effect"


def read_robustness(exp_dir: Path, bands_dir: Path | None = None) -> AssumptionBands | None:
    """This experiment's ``robustness.csv``, else ``bands_dir``'s (described with its section,
    run length and commit, as its runs differ from this experiment's), else None."""
    if (exp_dir / "robustness.csv").is_file():
        return _bands(exp_dir, "this experiment's robustness runs")
    if bands_dir is None or not (Path(bands_dir) / "robustness.csv").is_file():
        return None
    return _bands(Path(bands_dir), _describe(Path(bands_dir)))


def _bands(folder: Path, source: str) -> AssumptionBands:
    boxes, design = folder / PRIM_CSV, folder / DESIGN_CSV
    points = (int((pd.read_csv(design, usecols=["point"])["point"] != NOMINAL).sum())
              if boxes.is_file() and design.is_file() else 0)
    return AssumptionBands(pd.read_csv(folder / "robustness.csv"),
                           pd.read_csv(boxes) if boxes.is_file() else None, points, source)


def _describe(folder: Path) -> str:
    """'the robustness experiment results/robustness/reference (commit 1a2b3c4, ...)'."""
    # its own provenance, or (a robustness experiment) that of its first sub-experiment
    found = [p for p in (folder / JSON_NAME, *sorted(folder.glob(f"*/{JSON_NAME}"))) if p.is_file()]
    facts = provenance_facts(json.loads(found[0].read_text()) if found else {})
    return (f"the robustness experiment {'/'.join(folder.parts[-3:])} (commit "
            f"{facts['commit'][:7]}), run on its own section and horizon; reforms it did not "
            "sample say so")


def assumption_text(bands: AssumptionBands | None, row: pd.Series) -> str:
    """The assumption band of the effect from ``robustness.csv``, or the slot left for it."""
    if bands is None:
        return "not measured yet (robustness experiment)"
    robustness = bands.table
    sampled = robustness[robustness["scenario"] == row["scenario"]]
    if sampled.empty:
        return "not sampled by the robustness experiment"
    band = sampled[sampled["kpi"] == row["kpi"]]
    if band.empty:
        return f"the robustness experiment did not measure the {short_label(row)}"
    b, unit = band.iloc[0], diff_unit(row["unit"])
    flips = b["sign_flips"]
    return (f"noise band {fmt_value(b['noise_low'], unit, True)} to "
            f"{fmt_value(b['noise_high'], unit, True)}; assumption band "
            f"{fmt_value(b['assumption_low'], unit, True)} to "
            f"{fmt_value(b['assumption_high'], unit, True)}"
            + (f"; **sign depends on the assumptions** ({flips} sign flips)" if flips else
               "; same sign under every assumption"))


def headline(comparison: pd.DataFrame, labels=None) -> str:
    """One sentence: the reform that cuts time in port most, its cost effect and what it costs
    in missed offences, for the flow where the cut is largest."""
    best = ranked_reforms(comparison)[0]
    time_rows = [r for k in ("import_port_time_h", "export_port_time_h")
                 if (r := row_of(comparison, best, k)) is not None and is_significant(r)
                 and r["diff_mean"] < 0]
    if not time_rows:
        return "No reform cuts the time in port distinguishably from the baseline."
    time_row = min(time_rows, key=lambda r: r["pct_change"])
    flow = time_row["kpi"].split("_")[0]
    text = f"{scenario_label(best, labels)} {_moves(time_row)}"
    cost = row_of(comparison, best, f"{flow}_cost_total_cny")
    if cost is not None and is_significant(cost):
        text += f" and {_moves(cost)}"
    missed = row_of(comparison, best, f"{flow}_offences_missed")
    if missed is not None and is_significant(missed):
        verb = "rise" if missed["diff_mean"] > 0 else "fall"
        text += (f", while missed {flow} offences {verb} by {fmt(abs(missed['diff_mean']), 1)} "
                 f"per run ({fmt_pct(missed['pct_change'])})")
    elif missed is not None:
        text += f", with no distinguishable change in missed {flow} offences"
    return text + "."


def _best_single(comparison, kpi):
    rows = [r for s in ranked_reforms(comparison) if not _is_package(s)
            if (r := row_of(comparison, s, kpi)) is not None and is_significant(r)
            and r["diff_mean"] < 0]
    return min(rows, key=lambda r: r["pct_change"]) if rows else None


def takeaways(comparison: pd.DataFrame, labels=None) -> list[str]:
    """Three to five plain sentences from the numbers: for whom, at what cost in control."""
    out = []
    for flow, whom in (("import", "importers"), ("export", "exporters")):
        best = _best_single(comparison, f"{flow}_port_time_h")
        if best is None:
            continue
        text = (f"**For {whom}**, {scenario_label(best['scenario'], labels)} does most on its own: "
                f"{change_text(best)}")
        cost = row_of(comparison, best["scenario"], f"{flow}_cost_total_cny")
        if cost is not None and is_significant(cost):
            text += f", {change_text(cost)}"
        out.append(text + ".")
    out.append(_control_takeaway(comparison, labels))
    sub = []
    for s in ranked_reforms(comparison):
        speed = [r for k in SPEED_KPIS if (r := row_of(comparison, s, k)) is not None
                 and is_significant(r)]
        effect = main_effect(comparison, s)
        if not speed and effect is not None and is_significant(effect):
            side = side_effect(comparison, s, effect)
            sub.append(f"{scenario_label(s, labels)} {_moves(effect)}"
                       + (f" but {_moves(side)}" if side is not None else ""))
    if sub:
        out.append("**Beyond the container terminal**: " + "; ".join(sub)
                   + "; container clearance stays as it is.")
    packages = [s for s in ranked_reforms(comparison) if _is_package(s)]
    single = _best_single(comparison, "import_port_time_h")
    for s in packages[:1]:
        row = row_of(comparison, s, "import_port_time_h")
        if row is not None and is_significant(row) and single is not None:
            package = fmt_change(row["diff_mean"], "h", row["pct_change"])
            alone = fmt_change(single["diff_mean"], "h", single["pct_change"])
            out.append(f"**Together**, the {scenario_label(s, labels).lower()} changes the "
                       f"{short_label(row)} by {package} against {alone} for the best single "
                       f"reform ({scenario_label(single['scenario'], labels)}).")
    return out[:5]


def _control_takeaway(comparison, labels) -> str:
    more, fewer = [], []
    for s in ranked_reforms(comparison):
        for flow in ("import", "export"):
            row = row_of(comparison, s, f"{flow}_offences_missed")
            if row is not None and is_significant(row):
                text = (f"{scenario_label(s, labels)} ({fmt(row['diff_mean'], 1, sign=True)} "
                        f"missed {flow} offences per run, {fmt_pct(row['pct_change'])})")
                (more if row["diff_mean"] > 0 else fewer).append(text)
    if not more and not fewer:
        return ("**What it costs in control**: no reform changes the number of missed offences "
                "distinguishably from the baseline.")
    text = "**What it costs in control**: "
    if more:
        text += "more offences slip through under " + "; ".join(more)
    if fewer:
        text += ("; " if more else "") + "fewer under " + "; ".join(fewer)
    return text + "; no other reform changes missed offences distinguishably."


def reform_lines(comparison: pd.DataFrame, robustness: AssumptionBands | None,
                 labels=None) -> list[ReformLine]:
    lines = []
    for s in ranked_reforms(comparison):
        row = main_effect(comparison, s)
        side = side_effect(comparison, s, row)
        lines.append(ReformLine(
            label=scenario_label(s, labels),
            tfa=tfa_tag(s) or "no TFA article (not a listed reform)",
            effect=(change_text(row) if row is not None else "n/a")
            + (f"; but {change_text(side)}" if side is not None else ""),
            noise=noise_text(row) if row is not None else "n/a",
            assumptions=assumption_text(robustness, row) if row is not None else "n/a",
        ))
    return lines


def build_brief(exp_dir: Path, comparison: pd.DataFrame, chart: FigureFiles | None,
                context: list[str], failures: list[str], name: str, labels=None,
                bands_dir: Path | None = None, discovery_dir: Path | None = None) -> Brief:
    """The brief of an experiment whose comparison has at least one reform besides the baseline;
    ``bands_dir``: a robustness experiment's folder, for the bands when ``exp_dir`` has none;
    ``discovery_dir``: a robustness experiment's folder whose PRIM boxes say where reforms fail
    (else those of the bands' folder)."""
    has_reforms = len(set(comparison["scenario"]) - {baseline_of(comparison)}) > 0
    bands = read_robustness(exp_dir, bands_dir)
    prim = bands
    if discovery_dir is not None and (Path(discovery_dir) / PRIM_CSV).is_file():
        prim = _bands(Path(discovery_dir), _describe(Path(discovery_dir)))
    return Brief(
        title=f"Clearway brief: {name}",
        headline=headline(comparison, labels) if has_reforms else
        "No reform could be compared with the baseline.",
        context=context,
        failures=failures,
        chart=chart,
        takeaways=takeaways(comparison, labels) if has_reforms else [],
        reforms=reform_lines(comparison, bands, labels) if has_reforms else [],
        bands_source=bands.source if bands is not None else "a robustness experiment (none yet)",
        where_reforms_fail=(box_lines(prim.boxes, lambda s: scenario_label(s, labels))
                            if prim is not None and prim.boxes is not None else []),
        prim_points=prim.prim_points if prim is not None else 0,
        prim_source=prim.source.split(",")[0] if prim is not None else "",
        prim_reforms=([scenario_label(s, labels) for s in dict.fromkeys(prim.table["scenario"])]
                      if prim is not None else []),
    )


__all__ = ["AssumptionBands", "Brief", "ReformLine", "build_brief", "headline", "main_effect", "noise_text",
           "reform_lines", "takeaways"]
