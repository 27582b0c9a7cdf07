"""Markdown tables the dashboard pages show: paired differences, what-if beside baseline, bands."""
from __future__ import annotations

import math

import pandas as pd

from sim.plots import fmt, fmt_value
from sim.plots.style import diff_unit


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"


def markdown_table(header: list[str], rows: list[list]) -> str:
    return "\n".join([_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)])


def differences_table(diffs: pd.DataFrame) -> str:
    """Per KPI: baseline mean, scenario mean, paired difference with its 95 % CI, % change."""
    rows = []
    for r in diffs.itertuples():
        unit = r.unit if isinstance(r.unit, str) else ""
        du = diff_unit(unit)
        ci = _band(r.diff_ci_low, r.diff_ci_high, du)
        pct = f"{fmt(r.pct_change, 0, True)} %" if _finite(r.pct_change) else ""
        mark = "yes" if str(r.significant).lower() == "true" else "no"
        rows.append([r.label, fmt_value(r.baseline_mean, unit), fmt_value(r.scenario_mean, unit),
                     f"**{fmt_value(r.diff_mean, du, True)}**", ci, pct, mark])
    return markdown_table(["KPI", "baseline", "scenario", "difference", "95 % CI (paired)",
                           "change", "CI excludes 0"], rows)


def whatif_table(table: pd.DataFrame) -> str:
    """The what-if's KPIs beside the baseline's (one seed each, same random numbers)."""
    rows = [[r.label, fmt_value(r.baseline, r.unit), fmt_value(r.whatif, r.unit),
             f"**{fmt_value(r.difference, diff_unit(r.unit), True)}**"]
            for r in table.itertuples()]
    return markdown_table(["KPI", "baseline", "what-if", "difference"], rows)


def robustness_table(rows: pd.DataFrame, units: dict[str, str], labels: dict[str, str]) -> str:
    """Per KPI: the simulation-noise band beside the assumption band, and the sign-flip share."""
    out = []
    for r in rows.itertuples():
        du = diff_unit(units.get(r.kpi, ""))
        out.append([labels.get(r.kpi, r.kpi), _band(r.noise_low, r.noise_high, du),
                    _band(r.assumption_low, r.assumption_high, du),
                    f"{fmt(100 * r.sign_flips, 0)} %"])
    return markdown_table(["KPI", "simulation noise (95 % CI)", "assumptions (5-95 %)",
                           "sign flips"], out)


def _band(low: float, high: float, unit: str) -> str:
    return f"{fmt_value(low, unit, True)} to {fmt_value(high, unit, True)}"


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)
