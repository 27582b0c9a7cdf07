"""The report's comparison table: per scenario and KPI, mean, paired difference and percent
change with their intervals, and whether the change is distinguishable from zero (the one rule,
:func:`sim.analysis.significance.significant`)."""

from __future__ import annotations

import pandas as pd

from sim.plots.comparison import is_significant
from sim.plots.style import diff_unit, fmt, fmt_value, scenario_label

TABLE_KPIS = (
    "import_port_time_h",
    "import_clearance_time_h",
    "import_cost_total_cny",
    "import_detection_rate",
    "import_offences_missed",
    "import_fast_lane_share",
    "export_port_time_h",
    "export_clearance_time_h",
    "export_cost_total_cny",
    "export_detection_rate",
    "export_offences_missed",
    "export_fast_lane_share",
)
GREEN_KPIS = (  # green trade: activity and emissions (sim/emissions.py)
    "import_co2_kg_per_box",
    "import_truck_trips_per_box",
    "import_truck_idle_h_per_box",
    "import_yard_moves_per_box",
    "export_co2_kg_per_box",
    "export_truck_trips_per_box",
    "export_truck_idle_h_per_box",
    "export_yard_moves_per_box",
    "vessel_wait_h_per_call",
    "zone_co2_kg_per_order",
    "bunker_sox_t_per_day",
    "bunker_sox_kg_per_t",
)
VEHICLE_KPIS = (  # imported vehicles at the ro-ro terminal (sim/roro/), when the scenario has them
    "vehicle_port_time_h",
    "vehicle_clearance_time_h",
    "vehicle_stage_unloading_h",
    "vehicle_stage_clearance_preparation_h",
    "vehicle_stage_customs_clearance_h",
    "vehicle_stage_pickup_h",
    "vehicle_inspection_wait_h",
    "vehicle_cost_cny",
    "vehicle_ship_side_share",
)
HEADER = [
    "Scenario",
    "KPI",
    "Mean [95 % CI]",
    "Difference vs baseline [95 % CI]",
    "Change % [95 % CI]",
    "Distinguishable from 0",
]


def _value_cell(value, low, high, unit, sign: bool = False) -> str:
    """'12.3 h [10.1, 14.5]': value with unit, interval bounds as bare numbers."""
    if pd.isna(value):
        return "n/a"
    if pd.isna(low):
        return fmt_value(value, unit, sign)
    lo, hi = (fmt_value(v, unit, sign).split(" ")[0] for v in (low, high))
    return f"{fmt_value(value, unit, sign)} [{lo}, {hi}]"


def _pct_cell(r: dict) -> str:
    lo, hi = fmt(r["pct_ci_low"], 1, True), fmt(r["pct_ci_high"], 1, True)
    return f"{fmt(r['pct_change'], 1, True)} [{lo}, {hi}]"


def _kpi_cell(label: str, unit: str) -> str:
    if not unit or unit == "count":
        return label
    return f"{label}, {'%' if unit == 'share' else unit}"


def comparison_rows(
    comparison: pd.DataFrame, kpis=TABLE_KPIS, labels=None
) -> tuple[list[str], list[list[str]]]:
    """Header and formatted rows of the comparison table for ``kpis`` (None: every KPI)."""
    kpis = list(dict.fromkeys(comparison["kpi"])) if kpis is None else kpis
    present = [k for k in kpis if k in set(comparison["kpi"])]
    by_key: dict[tuple[str, str], dict] = {}  # each (scenario, KPI)'s first row
    for record in comparison.to_dict("records"):
        by_key.setdefault((record["scenario"], record["kpi"]), record)
    rows = []
    for scenario in dict.fromkeys(comparison["scenario"]):
        for kpi in present:
            r = by_key.get((scenario, kpi))
            if r is None or r["n"] == 0:
                continue
            unit = r["unit"]
            if bool(r["is_baseline"]):
                diff, pct, sig = "(baseline)", "", ""
            elif pd.isna(r["diff_mean"]):
                diff, pct, sig = "n/a", "n/a", ""
            else:
                diff = _value_cell(
                    r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], diff_unit(unit), True
                )
                pct = "n/a" if pd.isna(r["pct_change"]) else _pct_cell(r)
                sig = "yes" if is_significant(r) else "no"
            rows.append(
                [
                    scenario_label(scenario, labels),
                    _kpi_cell(r["label"], unit),
                    _value_cell(r["mean"], r["ci_low"], r["ci_high"], unit),
                    diff,
                    pct,
                    sig,
                ]
            )
    return list(HEADER), rows


__all__ = ["GREEN_KPIS", "TABLE_KPIS", "VEHICLE_KPIS", "comparison_rows"]
