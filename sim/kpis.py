"""The key performance indicators: one registry that tables, plots and the report read.

One flat row per run: ``{kpi_name: value}`` (:func:`kpi_row`, read from a run's summary). Each
KPI declares

- ``label``: the table label, lower case with its statistic (``import port time (mean)``);
- ``title``: the same in plain words for headings and axes (``Import port time``);
- ``unit``: ``h``, ``CNY``, ``CNY/t``, ``kg CO2``, ``t SO2``, ``kg SO2/t``, ``share`` (shown
  as %), ``count`` or ``per 1,000 boxes``;
- ``better``: ``-1`` lower is better, ``+1`` higher is better, ``0`` neither (e.g. offences
  detected, a trade-off to show rather than to optimise); :attr:`KPI.direction` in words;
- ``decimals``: places to show (shares as a percentage);
- ``per_1000``: for a count normalised by volume, the summary path of the boxes it is counted
  over: the KPI is count / boxes x 1,000 (offences missed per 1,000 boxes, not per run, whose
  size depends on the port section and horizon).

Columns that are not in :data:`KPIS` (one per stage, cost component, CO2 component and the
derived detection rates) get the same fields from their name: :func:`describe`.
"""
from __future__ import annotations

import re
from typing import NamedTuple

DIRECTIONS = {-1: "lower is better", +1: "higher is better", 0: "neither"}
PER_1000_BOXES = "per 1,000 boxes"
KG_CO2 = "kg CO2"
DERIVED_SUFFIX = "_detection_rate"


class KPI(NamedTuple):
    name: str
    label: str
    unit: str
    path: tuple[str, ...]
    better: int
    title: str = ""
    decimals: int = 1
    per_1000: tuple[str, ...] | None = None

    @property
    def direction(self) -> str:
        """``better`` in words: "lower is better", "higher is better" or "neither"."""
        return DIRECTIONS[self.better]

    @property
    def axis_label(self) -> str:
        """The title with its unit, for an axis: ``Import port time (h)``."""
        unit = "%" if self.unit == "share" else self.unit
        return f"{self.title} ({unit})" if unit else self.title


def _flow_kpis(flow: str) -> list[KPI]:
    f = ("flows", flow, "all")
    boxes = (*f, "n")  # the boxes measured in the window
    F = flow.capitalize()
    return [
        KPI(f"{flow}_port_time_h", f"{flow} port time (mean)", "h", (*f, "port_time_h", "mean"), -1,
            f"{F} port time"),
        KPI(f"{flow}_port_time_p90_h", f"{flow} port time (90th percentile)", "h",
            (*f, "port_time_h", "p90"), -1, f"{F} port time, 90th percentile"),
        KPI(f"{flow}_clearance_time_h", f"{flow} clearance time (mean)", "h",
            (*f, "clearance_time_h", "mean"), -1, f"{F} clearance time"),
        KPI(f"{flow}_lodgement_to_release_h", f"{flow} lodgement to release (mean)", "h",
            (*f, "lodgement_to_release_h", "mean"), -1, f"{F} time from lodgement to release"),
        KPI(f"{flow}_released_within_24h", f"{flow} released within 24 h", "share",
            (*f, "released_within_24h"), +1, f"{F}s released within 24 h"),
        KPI(f"{flow}_released_before_arrival", f"{flow} released before arrival", "share",
            (*f, "released_before_arrival"), 0, f"{F}s released before arrival"),
        KPI(f"{flow}_unfinished", f"{flow} measured containers unfinished at the drain cap", "count",
            (*f, "unfinished"), -1, f"{F} containers unfinished at the drain cap", 0),
        KPI(f"{flow}_cost_total_cny", f"{flow} cost per container, all components", "CNY",
            (*f, "cost_cny", "total"), -1, f"{F} cost per container", 0),
        KPI(f"{flow}_cost_border_documentary_cny", f"{flow} border + documentary cost per container",
            "CNY", (*f, "cost_cny", "border_documentary"), -1,
            f"{F} border and documentary cost per container", 0),
        KPI(f"{flow}_inspected_share", f"{flow} share physically inspected", "share",
            (*f, "inspected_share"), 0, f"{F}s physically inspected"),
        KPI(f"{flow}_offences_detected", f"{flow} offences detected", "count",
            (*f, "offences", "detected"), 0, f"{F} offences detected", 0),
        KPI(f"{flow}_offences_missed", f"{flow} offences missed", "count",
            (*f, "offences", "missed"), -1, f"{F} offences missed", 0),
        KPI(f"{flow}_offences_caught_at_audit", f"{flow} offences caught at audit after release",
            "count", (*f, "offences", "caught_at_audit"), 0,
            f"{F} offences caught at a post-clearance audit", 0),
        KPI(f"{flow}_offences_detected_per_1000", f"{flow} offences detected per 1,000 boxes",
            PER_1000_BOXES, (*f, "offences", "detected"), 0,
            f"{F} offences detected per 1,000 boxes", 2, boxes),
        KPI(f"{flow}_offences_missed_per_1000", f"{flow} offences missed per 1,000 boxes",
            PER_1000_BOXES, (*f, "offences", "missed"), -1,
            f"{F} offences missed per 1,000 boxes", 2, boxes),
        KPI(f"{flow}_fast_lane_share", f"{flow} share on a fast lane", "share",
            (*f, "fast_lane_share"), 0, f"{F}s on a fast lane"),
        KPI(f"{flow}_declared_before_arrival_share", f"{flow} declared before reaching the terminal",
            "share", (*f, "declared_before_arrival_share"), 0,
            f"{F}s declared before reaching the terminal (share of boxes)"),
        KPI(f"{flow}_firms_declaring_before_arrival_share",
            f"{flow} firms declaring before arrival", "share",
            (*f, "firms_declaring_before_arrival_share"), 0,
            f"{F}ing firms that declared a box before it reached the terminal (share of firms)"),
        KPI(f"{flow}_reworked_share", f"{flow} declarations returned for rework", "share",
            (*f, "reworked_share"), -1, f"{F} declarations returned for rework"),
        KPI(f"{flow}_truck_refusals_per_box", f"{flow} truck bookings refused per box", "count",
            (*f, "truck_refusals_per_box"), -1, f"{F} truck bookings refused per box", 2),
        *_emission_kpis(flow),
    ]


def _emission_kpis(flow: str) -> list[KPI]:
    """Green-trade figures per container of ``flow`` (:mod:`sim.emissions`)."""
    e = ("flows", flow, "all", "emissions")
    F = flow.capitalize()
    return [
        KPI(f"{flow}_co2_kg_per_box", f"{flow} CO2 per container (trucks, yard, vessel waiting)",
            KG_CO2, (*e, "co2_kg", "total"), -1, f"{F} CO2 per container", 1),
        KPI(f"{flow}_truck_trips_per_box", f"{flow} truck trips per container", "count",
            (*e, "truck_trips"), -1, f"{F} truck trips per container", 2),
        KPI(f"{flow}_truck_idle_h_per_box", f"{flow} truck idling per container (gate, ship side)", "h",
            (*e, "truck_idle_h"), -1, f"{F} truck idling hours per container", 2),
        KPI(f"{flow}_yard_moves_per_box", f"{flow} yard moves per container", "count",
            (*e, "yard_moves"), -1, f"{F} yard-crane moves per container", 2),
    ]


def _forecast_kpis() -> list[KPI]:
    """What acting on a vessel's ETA costs when it is wrong: trucks waiting or leaving empty at
    the ship side, extra yard moves, calls off their berth window, export boxes that miss their
    vessel."""
    imports, exports = ("flows", "import", "all"), ("flows", "export", "all")
    return [
        KPI("import_ship_side_wait_h", "import ship-side truck waiting per box", "h",
            (*imports, "ship_side_wait_h"), -1,
            "Hours trucks wait at the ship side, per import box", 2),
        KPI("import_ship_side_failed_per_1000", "import failed ship-side pickups per 1,000 boxes",
            PER_1000_BOXES, (*imports, "ship_side_failed"), -1,
            "Ship-side trucks that left without their box, per 1,000 import boxes", 2, (*imports, "n")),
        KPI("import_rehandles_per_box", "import extra yard moves per box", "count",
            (*imports, "rehandles_per_box"), -1,
            "Extra yard moves at retrieval, per import box", 2),
        KPI("export_rehandles_per_box", "export extra yard moves per box", "count",
            (*exports, "rehandles_per_box"), -1,
            "Extra yard moves at retrieval and re-marshalling, per export box", 2),
        KPI("vessel_off_window_share", "vessel calls off their berth window (early or late)", "share",
            ("berth_plan", "off_window_share"), -1, "Vessel calls off their berth window"),
        KPI("export_rolled_over_per_1000", "export boxes rolled over per 1,000 boxes",
            PER_1000_BOXES, (*exports, "rolled_over"), -1,
            "Export boxes that missed their vessel, per 1,000 boxes", 2, (*exports, "n")),
    ]


def _vehicle_kpis() -> list[KPI]:
    """Imported vehicles at the ro-ro terminal (:mod:`sim.roro`; None when there are none)."""
    r = ("roro",)
    stages = {"unloading": "unloading (arrival to drive-off)",
              "clearance_preparation": "clearance preparation (drive-off to lodgement)",
              "customs_clearance": "customs clearance (lodgement to release)",
              "pickup": "pickup (release to car carrier)"}
    return [
        KPI("vehicle_port_time_h", "vehicle port time (mean)", "h", (*r, "port_time_h", "mean"), -1,
            "Imported vehicle port time"),
        KPI("vehicle_clearance_time_h", "vehicle clearance time (mean)", "h",
            (*r, "clearance_time_h", "mean"), -1, "Imported vehicle clearance time"),
        *[KPI(f"vehicle_stage_{name}_h", f"vehicle stage: {words}", "h", (*r, "stages_h", name), -1,
              f"Imported vehicle stage: {words}") for name, words in stages.items()],
        KPI("vehicle_inspection_wait_h", "vehicle wait for its inspection (mean)", "h",
            (*r, "inspection_wait_h", "mean"), -1, "Imported vehicle wait for its inspection"),
        KPI("vehicle_cost_cny", "port cost per vehicle, all components", "CNY",
            (*r, "cost_cny_per_vehicle", "total"), -1, "Port cost per imported vehicle", 0),
        KPI("vehicle_ship_side_share", "vehicles leaving from the ship side", "share",
            (*r, "ship_side_share"), 0, "Imported vehicles leaving from the ship side"),
        KPI("vehicle_unfinished", "vehicles unfinished when the run stopped", "count",
            (*r, "vehicles", "unfinished"), -1, "Imported vehicles still in the port when the run stopped", 0),
    ]


Z = ("bonded_zone",)
KPIS: list[KPI] = [
    *_flow_kpis("import"),
    *_flow_kpis("export"),
    *_forecast_kpis(),
    KPI("zone_order_lead_time_h", "bonded-zone order lead time (mean)", "h",
        (*Z, "lead_time_h", "mean"), -1, "Bonded-zone order lead time"),
    KPI("zone_clearance_time_h", "bonded-zone order to customs clearance (mean)", "h",
        (*Z, "clearance_time_h", "mean"), -1, "Bonded-zone time from order to customs clearance"),
    KPI("zone_trucks_per_order", "bonded-zone trucks per order", "count",
        (*Z, "per_order", "trucks"), -1, "Bonded-zone trucks per order", 2),
    KPI("zone_declarations_per_order", "bonded-zone declarations per order", "count",
        (*Z, "per_order", "declarations"), -1, "Bonded-zone declarations per order", 2),
    KPI("zone_cost_per_order_cny", "bonded-zone cost per order", "CNY",
        (*Z, "cost_cny_per_order", "total"), -1, "Bonded-zone cost per order", 0),
    KPI("zone_space_utilisation", "bonded-zone space utilisation", "share",
        (*Z, "space", "utilisation"), +1, "Bonded-zone space used"),
    KPI("zone_box_port_dwell_h", "bonded-zone boxes' port dwell, discharge to gate-out (mean)", "h",
        (*Z, "first_line", "port_dwell_h", "mean"), -1, "Port dwell of the boxes bound for the bonded zone"),
    KPI("bunker_price_cny_per_t", "VLSFO delivered price", "CNY/t",
        ("bunkering", "price_cny_per_t"), -1, "Bunker fuel (VLSFO) delivered price", 0),
    KPI("bunker_share_served", "bunker calls served", "share", ("bunkering", "share_served"), +1,
        "Bunker calls served"),
    KPI("bunker_wait_h", "bunker wait, request to pumping (mean)", "h",
        ("bunkering", "wait_h", "mean"), -1, "Bunker wait from request to pumping"),
    KPI("parcel_clearance_time_h", "e-commerce parcel clearance time (mean)", "h",
        ("ecommerce", "clearance_time_h", "mean"), -1, "E-commerce parcel time from landing to release"),
    KPI("parcel_cost_cny", "e-commerce cost per parcel", "CNY", ("ecommerce", "cost_cny_per_parcel", "total"),
        -1, "E-commerce clearance cost per parcel", 2),
    KPI("parcel_return_lead_time_h", "e-commerce return lead time (mean)", "h",
        ("ecommerce", "returns", "lead_time_h", "mean"), -1, "E-commerce return, request to back in stock"),
    KPI("parcel_returns_back_in_stock", "e-commerce returns back in bonded stock", "share",
        ("ecommerce", "returns", "share_back_in_stock"), +1, "E-commerce returns back in bonded stock"),
    KPI("parcel_missed", "e-commerce non-compliant special parcels released", "count",
        ("ecommerce", "enforcement", "missed"), -1, "E-commerce non-compliant special parcels released", 0),
    *_vehicle_kpis(),
    KPI("vessel_wait_h_per_call", "vessel wait at anchor for a berth, per call (mean)", "h",
        ("emissions", "vessel_wait_h_per_call"), -1, "Vessel wait at anchor per call", 2),
    KPI("zone_co2_kg_per_order", "bonded-zone truck CO2 per order", KG_CO2,
        ("emissions", "bonded_zone", "co2_kg_per_order"), -1, "Bonded-zone truck CO2 per order", 1),
    KPI("bunker_sox_t_per_day", "SOx (as SO2) of the bunker fuel delivered, per day", "t SO2",
        ("emissions", "bunkering", "sox_t_per_day"), -1,
        "SOx of the bunker fuel delivered per day", 2),
    KPI("bunker_sox_kg_per_t", "SOx (as SO2) per tonne of bunker fuel delivered", "kg SO2/t",
        ("emissions", "bunkering", "sox_kg_per_t"), -1, "SOx per tonne of bunker fuel delivered", 2),
]
BY_NAME = {k.name: k for k in KPIS}

_STAGE = re.compile(r"(import|export)_stage_(.+)_h")
_COST = re.compile(r"(import|export)_cost_(.+)_cny")
_CO2 = re.compile(r"(import|export)_co2_(.+)_kg")
_RATE = re.compile(r"(import|export)" + DERIVED_SUFFIX)


def describe(name: str) -> KPI | None:
    """The registry entry of a KPI column: from :data:`KPIS`, or built from the column's name for
    a stage (``import_stage_unloading_h``), a cost component (``import_cost_storage_cny``) or a
    derived detection rate (``import_detection_rate``); None if ``name`` is not a KPI."""
    if name in BY_NAME:
        return BY_NAME[name]
    if m := _STAGE.fullmatch(name):
        stage = m[2].replace("_", " ")
        return KPI(name, f"{m[1]} stage: {stage}", "h", (), -1,
                   f"{m[1].capitalize()} stage: {stage}")
    if m := _COST.fullmatch(name):
        part = m[2].replace("_", " ")
        return KPI(name, f"{m[1]} cost per container: {part}", "CNY", (), -1,
                   f"{m[1].capitalize()} {part} cost per container", 0)
    if m := _CO2.fullmatch(name):
        part = m[2].replace("_", " ")
        return KPI(name, f"{m[1]} CO2 per container: {part}", KG_CO2, (), -1,
                   f"{m[1].capitalize()} CO2 per container: {part}", 1)
    if m := _RATE.fullmatch(name):
        return KPI(name, f"{m[1]} detection rate (detected / (detected + missed))", "share", (), +1,
                   f"{m[1].capitalize()} offences detected, share of all offences")
    return None


def is_kpi(name: str) -> bool:
    """A KPI column of a runs table (other columns the runner may add are not KPIs)."""
    return describe(name) is not None


def kpi_label(name: str) -> str:
    """The table label of a KPI column; for a column that is no KPI, its name in words."""
    kpi = describe(name)
    return kpi.label if kpi else name.replace("_", " ")


_UNIT_SUFFIXES = (("_h", "h"), ("_cny", "CNY"), ("_share", "share"))


def kpi_unit(name: str) -> str:
    """The unit of a KPI column; for another column, the unit its suffix names (``_h``,
    ``_cny``, ``_share``) or ``""``."""
    kpi = describe(name)
    if kpi:
        return kpi.unit
    return next((unit for suffix, unit in _UNIT_SUFFIXES if name.endswith(suffix)), "")


def kpi_better(name: str) -> int:
    """-1 if lower is better, +1 if higher is better, 0 if neither; for another column, -1 for
    hours and CNY, else 0."""
    kpi = describe(name)
    if kpi:
        return kpi.better
    return -1 if kpi_unit(name) in ("h", "CNY") else 0


def stage_paths(summary: dict) -> dict[str, tuple[str, ...]]:
    """``{<flow>_stage_<name>_h: path}`` for every stage of every flow in ``summary``."""
    return {f"{flow}_stage_{stage}_h": ("flows", flow, "all", "stages_h", stage)
            for flow, f in summary["flows"].items() for stage in f["all"]["stages_h"]}


def cost_paths(summary: dict) -> dict[str, tuple[str, ...]]:
    """``{<flow>_cost_<component>_cny: path}`` for every cost component of every flow."""
    return {f"{flow}_cost_{c}_cny": ("flows", flow, "all", "cost_cny", c)
            for flow, f in summary["flows"].items() for c in f["all"]["cost_cny"]}


def co2_paths(summary: dict) -> dict[str, tuple[str, ...]]:
    """``{<flow>_co2_<component>_kg: path}`` for every CO2 component of every flow."""
    return {f"{flow}_co2_{c}_kg": ("flows", flow, "all", "emissions", "co2_kg", c)
            for flow, f in summary["flows"].items() if "emissions" in f["all"]
            for c in f["all"]["emissions"]["co2_kg"] if c != "total"}


def _get(summary: dict, path: tuple[str, ...]):
    value = summary
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def value_of(kpi: KPI, summary: dict) -> float | None:
    """The KPI in one run's summary (per 1,000 boxes where declared); None where undefined."""
    value = _get(summary, kpi.path)
    if kpi.per_1000 is None or value is None:
        return value
    boxes = _get(summary, kpi.per_1000)
    return 1000 * value / boxes if boxes else None


def kpi_row(summary: dict) -> dict[str, float | None]:
    """Every KPI, stage mean, cost and CO2 component of one run, flat (None where not defined)."""
    row = {k.name: value_of(k, summary) for k in KPIS}
    paths = {**stage_paths(summary), **cost_paths(summary), **co2_paths(summary)}
    row.update({name: _get(summary, path) for name, path in paths.items()})
    return row
