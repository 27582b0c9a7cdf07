"""The report's plain-language summary: one bullet per scenario, from the comparison table only.

Every number is a comparison-table value (:func:`sim.analysis.comparison.comparison_table`)
written with the one number format of :mod:`sim.plots.style`; a change is called
distinguishable from zero by the one rule, :func:`sim.analysis.significance.significant`
(through :func:`sim.plots.comparison.is_significant`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.plots.comparison import is_significant
from sim.plots.style import diff_unit, fmt, fmt_pct, fmt_value, scenario_label
from sim.report.tables import GREEN_KPIS

SPEED_KPIS = (
    "import_port_time_h",
    "import_clearance_time_h",
    "export_port_time_h",
    "export_clearance_time_h",
    "import_cost_total_cny",
    "export_cost_total_cny",
)
# named in a scenario's bullet only when it changes them (they belong to the sub-models)
SUB_MODEL_KPIS = (
    "zone_order_lead_time_h",
    "zone_clearance_time_h",
    "zone_trucks_per_order",
    "zone_declarations_per_order",
    "zone_cost_per_order_cny",
    "bunker_price_cny_per_t",
    "bunker_share_served",
    "bunker_wait_h",
    "parcel_clearance_time_h",
    "parcel_cost_cny",
    "parcel_return_lead_time_h",
    "parcel_returns_back_in_stock",
    "vehicle_port_time_h",
    "vehicle_clearance_time_h",
    "vehicle_cost_cny",
)
SHORT_LABELS = {
    "import_port_time_h": "mean import port time",
    "import_clearance_time_h": "mean import clearance time",
    "export_port_time_h": "mean export port time",
    "export_clearance_time_h": "mean export clearance time",
    "import_cost_total_cny": "import cost per container",
    "export_cost_total_cny": "export cost per container",
    "zone_order_lead_time_h": "mean bonded-zone order lead time",
    "zone_clearance_time_h": "mean bonded-zone time from order to customs clearance",
    "bunker_wait_h": "mean bunker wait from request to pumping",
    "parcel_clearance_time_h": "mean e-commerce parcel clearance time",
    "parcel_return_lead_time_h": "mean e-commerce return lead time",
    "vehicle_port_time_h": "mean imported vehicle port time",
    "vehicle_clearance_time_h": "mean imported vehicle clearance time",
    "import_co2_kg_per_box": "import CO2 per container",
    "export_co2_kg_per_box": "export CO2 per container",
    # what the punctuality forecast acts on (sim.reforms.Reform.measures): the unit says per what
    "export_rolled_over_per_1000": "export boxes rolled over",
    "vessel_off_window_share": "vessel calls off their berth window",
    "export_rehandles_per_box": "export re-handles",
    "import_ship_side_wait_h": "mean ship-side truck wait per import box",
}


def short_label(row: pd.Series) -> str:
    return SHORT_LABELS.get(row["kpi"], row["label"])


def row_of(comparison: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    """The (scenario, kpi) row when it has a paired difference over at least two seeds."""
    # numpy comparisons: the report asks for a thousand rows, pandas' masks took 5 ms each
    found = np.flatnonzero((comparison["scenario"].to_numpy() == scenario)
                           & (comparison["kpi"].to_numpy() == kpi))
    if not found.size:
        return None
    row = comparison.iloc[found[0]]
    return None if pd.isna(row["n_pairs"]) or row["n_pairs"] < 2 else row


def ci_text(low: float, high: float, unit: str, what: str = "") -> str:
    """'95 % CI −58.0 to −50.2 h' (interval of a difference, in the difference's unit)."""
    lo = fmt_value(low, diff_unit(unit), sign=True)
    hi = fmt_value(high, diff_unit(unit), sign=True)
    return f"95 % CI {what}{lo.split(' ')[0]} to {hi}"


def _verb(row: pd.Series) -> str:
    return "cuts" if row["diff_mean"] < 0 else "raises"


def _change_clause(row: pd.Series) -> str:
    """'mean import port time by 54.1 h (−38.0 %; 95 % CI of the change −58.0 to −50.2 h)'."""
    unit = row["unit"]
    pct = f"{fmt_pct(row['pct_change'], 1)}; " if pd.notna(row["pct_change"]) else ""
    return (
        f"{short_label(row)} by {fmt_value(abs(row['diff_mean']), diff_unit(unit))} "
        f"({pct}{ci_text(row['diff_ci_low'], row['diff_ci_high'], unit, 'of the change ')})"
    )


def _change_text(row: pd.Series) -> str:
    """'import CO2 per container +12.3 kg CO2 (+6.6 %; 95 % CI of the change +8.0 to +16.1 kg
    CO2)': a change with its sign, where the direction is not the sentence's verb."""
    unit = row["unit"]
    pct = f"{fmt_pct(row['pct_change'], 1)}; " if pd.notna(row["pct_change"]) else ""
    return (
        f"{short_label(row)} {fmt_value(row['diff_mean'], diff_unit(unit), sign=True)} "
        f"({pct}{ci_text(row['diff_ci_low'], row['diff_ci_high'], unit, 'of the change ')})"
    )


def _null_clause(row: pd.Series) -> str:
    return (
        f"{short_label(row)} ({fmt_value(row['diff_mean'], diff_unit(row['unit']), sign=True)}, "
        f"{ci_text(row['diff_ci_low'], row['diff_ci_high'], row['unit'])})"
    )


def _enforcement(comparison, scenario, flow) -> str | None:
    det = row_of(comparison, scenario, f"{flow}_offences_detected")
    mis = row_of(comparison, scenario, f"{flow}_offences_missed")
    if det is None or mis is None:
        return None
    parts = []
    for row, what in ((det, "detected"), (mis, "missed")):
        tag = "" if is_significant(row) else ", not distinguishable from zero"
        parts.append(
            f"{fmt(row['scenario_mean'], 1)} offences {what} per run vs "
            f"{fmt(row['baseline_mean'], 1)} in the baseline "
            f"({fmt(row['diff_mean'], 1, sign=True)}, "
            f"{ci_text(row['diff_ci_low'], row['diff_ci_high'], 'count')}{tag})"
        )
    return f"Enforcement ({flow}s): " + "; ".join(parts) + "."


def scenario_bullet(comparison: pd.DataFrame, scenario: str, labels=None) -> str:
    """The plain-language summary of one scenario against the baseline, from the table only."""
    name = scenario_label(scenario, labels)
    rows = [r for k in SPEED_KPIS if (r := row_of(comparison, scenario, k)) is not None]
    rows += [r for k in SUB_MODEL_KPIS
             if (r := row_of(comparison, scenario, k)) is not None and is_significant(r)]
    changed = [r for r in rows if is_significant(r)]
    unchanged = [r for r in rows if not is_significant(r)]
    sentences = []
    if changed:
        groups = []  # consecutive changes in the same direction share the verb
        for r in changed:
            if groups and groups[-1][0] == _verb(r):
                groups[-1][1].append(_change_clause(r))
            else:
                groups.append((_verb(r), [_change_clause(r)]))
        sentences.append(
            f"**{name}** " + "; ".join(f"{verb} " + ", ".join(c) for verb, c in groups) + "."
        )
    else:
        sentences.append(
            f"**{name}** changes no time or cost measure distinguishably from the baseline."
        )
    if unchanged:
        sentences.append(
            "No change distinguishable from zero in "
            + "; ".join(_null_clause(r) for r in unchanged)
            + "."
        )
    for flow in ("import", "export"):
        row = row_of(comparison, scenario, f"{flow}_fast_lane_share")
        if row is not None and row["scenario_mean"] > 0:
            sentences.append(
                f"{fmt(100 * row['scenario_mean'], 1)} % of {flow} boxes took a fast lane "
                f"(95 % CI {fmt(100 * row['ci_low'], 1)} to {fmt(100 * row['ci_high'], 1)} %)."
            )
    green = [_change_text(r) for k in GREEN_KPIS
             if (r := row_of(comparison, scenario, k)) is not None and is_significant(r)]
    if green:
        sentences.append("Green trade: " + "; ".join(green) + ".")
    for flow in ("import", "export"):
        text = _enforcement(comparison, scenario, flow)
        if text and (
            flow == "import"
            or any(
                is_significant(r)
                for k in ("offences_detected", "offences_missed")
                if (r := row_of(comparison, scenario, f"{flow}_{k}")) is not None
            )
        ):
            sentences.append(text)
    return " ".join(sentences)


def summary_bullets(comparison: pd.DataFrame, labels=None) -> list[str]:
    """One bullet per non-baseline scenario, in table order."""
    base = comparison.loc[comparison["is_baseline"].astype(bool), "scenario"].iloc[0]
    return [
        scenario_bullet(comparison, s, labels)
        for s in dict.fromkeys(comparison["scenario"])
        if s != base
    ]


__all__ = ["SPEED_KPIS", "SUB_MODEL_KPIS", "ci_text", "row_of", "scenario_bullet",
           "summary_bullets"]
