"""Green-trade figures: the port activity each container causes and the CO2 it emits, and the
scenario's bonded-zone trucks, vessel waiting and bunker-fuel SOx.

Computed after the run from what the model simulated, like the costs (:mod:`sim.costs`): a
reform changes emissions only through the trips, waits and lifts its mechanism changes. Activity
per container, counted in the log as it happens (:mod:`sim.agents.terminal`,
:mod:`sim.policies.direct_pickup`, :mod:`sim.flows.exports`):

- ``truck_trips``: trucks that came for the box: the pickup truck (import), the delivering truck
  (export, through the gate or the direct-loading lane), a ship-side truck booked for direct
  pickup, also one that left empty because the box could not go on it.
- ``shuttle_trips``: rides between the stack and the inspection area, two per physically
  inspected box (as :mod:`sim.costs` charges them).
- ``truck_idle_h``: hours its trucks stood waiting: at the gate (queue and check,
  ``gate_wait_h``) and at the ship side (``ship_side_wait_h``), every hour counted as idling
  with the engine running (an upper bound for the long ship-side waits of a late vessel).
- ``yard_moves``: yard-crane lifts (stacked, retrieved, onto and off an inspection shuttle,
  ``yard_lifts``) plus the re-handles its retrieval needed (``rehandles``: a fuller yard's, and an
  export box's re-marshalling when its call came a shift off the yard plan). A box taken at the
  ship side has none. The quay-crane move (one per box, whatever the route) is not counted.
- ``vessel_wait_h``: the box's share of its vessel call's wait at anchor for a berth (arrival
  -> berth): the call's wait split equally over the boxes it discharged and loaded.

CO2 in kg per component (factors: :class:`sim.schema.emissions.EmissionsConfig`):
``truck_driving`` = (truck trips x ``truck_km_per_trip`` + shuttle trips x
``shuttle_km_per_trip``) x ``truck_co2_kg_per_km``; ``truck_idling`` = idle hours x
``truck_idle_co2_kg_per_h``; ``yard_handling`` = yard moves x ``yard_move_co2_kg``;
``vessel_waiting`` = vessel wait share x ``vessel_wait_co2_kg_per_h``; and ``total``.

Per scenario (:func:`scenario_emissions`): the mean berth wait of the calls that arrived in the
measurement window; the bonded zone's outbound trucks and their CO2 per order (consolidated
shipping fills trucks); and the SOx of the bunker fuel delivered to the calls of the window,
counted as the SO2 its sulfur makes when burnt: :data:`SO2_PER_SULFUR` x sulfur mass fraction x
tonnes.
"""
from __future__ import annotations

import numpy as np

from sim.cohort import window_h
from sim.per_row import per_row
from sim.records import IMPORT
from sim.schema.emissions import EmissionsConfig

SO2_PER_SULFUR = 64.064 / 32.06  # kg SO2 per kg sulfur burnt (molar masses, g/mol): about 2
ACTIVITIES = ("truck_trips", "shuttle_trips", "truck_idle_h", "yard_moves", "vessel_wait_h")
COMPONENTS = ("truck_driving", "truck_idling", "yard_handling", "vessel_waiting")


def call_wait_h(log: dict[str, np.ndarray]) -> np.ndarray:
    """Hours each vessel call (indexed by call id) waited at anchor, arrival -> berth; NaN for a
    call that has not berthed or brought no import box (its arrival is logged with them)."""
    calls = log["vessel"]
    n_calls = int(calls.max()) + 1 if calls.size else 0
    berthed = (calls >= 0) & (log["flow"] == IMPORT) & np.isfinite(log["berth"])
    wait = (log["berth"] - log["vessel_arrival"]).astype(np.float64)
    total = np.bincount(calls[berthed], weights=wait[berthed], minlength=n_calls)
    boxes = np.bincount(calls[berthed], minlength=n_calls)
    return np.divide(total, boxes, out=np.full(n_calls, np.nan), where=boxes > 0)


def call_wait_share_h(log: dict[str, np.ndarray]) -> np.ndarray:
    """Per vessel call (indexed by call id): its hours at anchor split equally over the boxes it
    discharged and loaded (0 for a call that has not berthed)."""
    calls = log["vessel"]
    wait = np.nan_to_num(call_wait_h(log))
    boxes = np.bincount(calls[calls >= 0], minlength=wait.size)
    return np.divide(wait, boxes, out=np.zeros(wait.size), where=boxes > 0)


def container_activity(log: dict[str, np.ndarray], wait_share_h: np.ndarray) -> dict[str, np.ndarray]:
    """Per container (float64): truck and shuttle trips, truck idle hours, yard moves and its
    share of its vessel call's hours at anchor (``wait_share_h``: :func:`call_wait_share_h` of
    the whole log; see the module docstring)."""
    calls = log["vessel"]
    on_call = calls >= 0
    vessel_wait = np.zeros(calls.size)
    vessel_wait[on_call] = wait_share_h[calls[on_call]]
    return {
        "truck_trips": log["truck_trips"].astype(np.float64),
        "shuttle_trips": 2.0 * np.isfinite(log["inspection_start"]),
        "truck_idle_h": log["gate_wait_h"].astype(np.float64) + log["ship_side_wait_h"],
        "yard_moves": log["yard_lifts"] + log["rehandles"].astype(np.float64),
        "vessel_wait_h": vessel_wait,
    }


def container_co2_kg(activity: dict[str, np.ndarray], cfg: EmissionsConfig) -> dict[str, np.ndarray]:
    """Per container, kg CO2 of each component of :data:`COMPONENTS`, and ``total``."""
    road_km = (activity["truck_trips"] * cfg.truck_km_per_trip
               + activity["shuttle_trips"] * cfg.shuttle_km_per_trip)
    co2 = {
        "truck_driving": road_km * cfg.truck_co2_kg_per_km,
        "truck_idling": activity["truck_idle_h"] * cfg.truck_idle_co2_kg_per_h,
        "yard_handling": activity["yard_moves"] * cfg.yard_move_co2_kg,
        "vessel_waiting": activity["vessel_wait_h"] * cfg.vessel_wait_co2_kg_per_h,
    }
    co2["total"] = sum(co2[c] for c in COMPONENTS)
    return co2


def container_emissions(log: dict[str, np.ndarray], cfg: EmissionsConfig, rows: np.ndarray | None = None,
                        dtype=np.float64) -> dict[str, np.ndarray]:
    """Per container: each activity of :data:`ACTIVITIES` and ``co2_<component>_kg`` for each
    component of :data:`COMPONENTS` and the total, for the rows ``rows`` (indices; all by
    default) as arrays of ``dtype`` aligned with them; computed in float64 a chunk of rows at a
    time (:func:`sim.per_row.per_row`)."""
    wait_share_h = call_wait_share_h(log)

    def emissions(part: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        activity = container_activity(part, wait_share_h)
        co2 = container_co2_kg(activity, cfg)
        return {**activity, **{f"co2_{name}_kg": values for name, values in co2.items()}}

    return per_row(emissions, log, rows, dtype)


def _mean(x: np.ndarray) -> float | None:
    return float(x.mean()) if x.size else None


def flow_emissions(per_box: dict[str, np.ndarray], rows: np.ndarray) -> dict:
    """Means per container over the boxes ``rows``: activities, and CO2 (kg) by component."""
    return {**{a: _mean(per_box[a][rows]) for a in ACTIVITIES},
            "co2_kg": {c: _mean(per_box[f"co2_{c}_kg"][rows]) for c in (*COMPONENTS, "total")}}


def scenario_emissions(log: dict[str, np.ndarray], cfg, sub_models: dict) -> dict:
    """The scenario's figures that are no container's: berth wait per call, bonded-zone trucks
    per order, bunker SOx (None where a sub-model is off or nothing was measured).

    ``cfg``: the run's :class:`sim.schema.ClearwayConfig`; ``sub_models``: the sub-models'
    summaries over the measurement window (``bonded_zone``, ``bunkering``; absent when off).
    """
    start_h, end_h = window_h(cfg.run)
    wait = call_wait_h(log)
    arrived = np.full(wait.size, np.nan)
    imports = (log["vessel"] >= 0) & (log["flow"] == IMPORT)
    arrived[log["vessel"][imports]] = log["vessel_arrival"][imports]
    measured = np.isfinite(wait) & (arrived >= start_h) & (arrived < end_h)
    figures = {"vessel_wait_h_per_call": _mean(wait[measured]), "bonded_zone": None, "bunkering": None}
    zone = sub_models.get("bonded_zone")
    if zone is not None and zone["per_order"]["trucks"] is not None:
        trucks = zone["per_order"]["trucks"]
        figures["bonded_zone"] = {
            "truck_trips_per_order": trucks,
            "co2_kg_per_order": trucks * cfg.emissions.zone_truck_km_per_trip * cfg.emissions.truck_co2_kg_per_km,
        }
    fuel = sub_models.get("bunkering")
    if fuel is not None and fuel["sulfur_pct"]["mean"] is not None:
        days = (end_h - start_h) / 24
        sox_t = SO2_PER_SULFUR * fuel["tonnes_sold"] * fuel["sulfur_pct"]["mean"] / 100
        figures["bunkering"] = {"sox_t": sox_t, "sox_t_per_day": sox_t / days,
                                "sox_kg_per_t": 1000 * sox_t / fuel["tonnes_sold"]}
    return figures
