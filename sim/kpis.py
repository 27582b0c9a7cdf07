"""The key performance indicators an experiment compares, read from a run's summary.

One flat row per run: ``{kpi_name: value}``. Each KPI has a label and a unit for tables and
plots, and a ``better`` direction (``-1``: lower is better, ``+1``: higher is better, ``0``:
neither, e.g. offences detected, which is a trade-off to show rather than to optimise).
"""
from __future__ import annotations

from typing import NamedTuple


class KPI(NamedTuple):
    name: str
    label: str
    unit: str
    path: tuple[str, ...]
    better: int


def _flow_kpis(flow: str) -> list[KPI]:
    f = ("flows", flow, "all")
    return [
        KPI(f"{flow}_port_time_h", f"{flow} port time (mean)", "h", (*f, "port_time_h", "mean"), -1),
        KPI(f"{flow}_port_time_p90_h", f"{flow} port time (90th percentile)", "h", (*f, "port_time_h", "p90"), -1),
        KPI(f"{flow}_clearance_time_h", f"{flow} clearance time (mean)", "h", (*f, "clearance_time_h", "mean"), -1),
        KPI(f"{flow}_lodgement_to_release_h", f"{flow} lodgement to release (mean)", "h",
            (*f, "lodgement_to_release_h", "mean"), -1),
        KPI(f"{flow}_released_within_24h", f"{flow} released within 24 h", "share", (*f, "released_within_24h"), +1),
        KPI(f"{flow}_released_before_arrival", f"{flow} released before arrival", "share",
            (*f, "released_before_arrival"), 0),
        KPI(f"{flow}_unfinished", f"{flow} measured containers unfinished at the drain cap", "count",
            (*f, "unfinished"), -1),
        KPI(f"{flow}_cost_total_cny", f"{flow} cost per container, all components", "CNY", (*f, "cost_cny", "total"), -1),
        KPI(f"{flow}_cost_border_documentary_cny", f"{flow} border + documentary cost per container", "CNY",
            (*f, "cost_cny", "border_documentary"), -1),
        KPI(f"{flow}_inspected_share", f"{flow} share physically inspected", "share", (*f, "inspected_share"), 0),
        KPI(f"{flow}_offences_detected", f"{flow} offences detected", "count", (*f, "offences", "detected"), 0),
        KPI(f"{flow}_offences_missed", f"{flow} offences missed", "count", (*f, "offences", "missed"), -1),
        KPI(f"{flow}_fast_lane_share", f"{flow} share on a fast lane", "share", (*f, "fast_lane_share"), 0),
    ]


Z = ("bonded_zone",)
KPIS: list[KPI] = [
    *_flow_kpis("import"),
    *_flow_kpis("export"),
    KPI("zone_order_lead_time_h", "bonded-zone order lead time (mean)", "h", (*Z, "lead_time_h", "mean"), -1),
    KPI("zone_clearance_time_h", "bonded-zone order to customs clearance (mean)", "h",
        (*Z, "clearance_time_h", "mean"), -1),
    KPI("zone_trucks_per_order", "bonded-zone trucks per order", "count", (*Z, "per_order", "trucks"), -1),
    KPI("zone_declarations_per_order", "bonded-zone declarations per order", "count",
        (*Z, "per_order", "declarations"), -1),
    KPI("zone_cost_per_order_cny", "bonded-zone cost per order", "CNY", (*Z, "cost_cny_per_order", "total"), -1),
    KPI("zone_space_utilisation", "bonded-zone space utilisation", "share", (*Z, "space", "utilisation"), +1),
    KPI("bunker_price_cny_per_t", "VLSFO delivered price", "CNY/t", ("bunkering", "price_cny_per_t"), -1),
    KPI("bunker_share_served", "bunker calls served", "share", ("bunkering", "share_served"), +1),
    KPI("bunker_wait_h", "bunker wait, request to pumping (mean)", "h", ("bunkering", "wait_h", "mean"), -1),
]
BY_NAME = {k.name: k for k in KPIS}


def stage_paths(summary: dict) -> dict[str, tuple[str, ...]]:
    """``{<flow>_stage_<name>_h: path}`` for every stage of every flow in ``summary``."""
    return {f"{flow}_stage_{stage}_h": ("flows", flow, "all", "stages_h", stage)
            for flow, f in summary["flows"].items() for stage in f["all"]["stages_h"]}


def cost_paths(summary: dict) -> dict[str, tuple[str, ...]]:
    """``{<flow>_cost_<component>_cny: path}`` for every cost component of every flow."""
    return {f"{flow}_cost_{c}_cny": ("flows", flow, "all", "cost_cny", c)
            for flow, f in summary["flows"].items() for c in f["all"]["cost_cny"]}


def _get(summary: dict, path: tuple[str, ...]):
    value = summary
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def kpi_row(summary: dict) -> dict[str, float | None]:
    """Every KPI, stage mean and cost component of one run, flat (None where not defined)."""
    paths = {k.name: k.path for k in KPIS}
    paths.update(stage_paths(summary))
    paths.update(cost_paths(summary))
    return {name: _get(summary, path) for name, path in paths.items()}
