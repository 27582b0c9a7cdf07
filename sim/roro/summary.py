"""Key figures of the imported vehicles. Times in hours, costs in CNY per vehicle.

The cohort is every vehicle whose ship arrived in the measurement window, followed (like the
containers, :mod:`sim.cohort`) through the drain after the horizon to its pickup; vehicles still
in the port when the run stops are counted as ``unfinished``, never dropped. ``port_time_h`` runs
from the ship's arrival to the car carrier's pickup, ``clearance_time_h`` from arrival to release
(WCO Time Release Study), ``stages_h`` split the port time of the vehicles that left (they add
up to its mean). The vehicle yard's mean occupancy is over warm-up .. horizon. Conservation
places every vehicle of the run in exactly one state, counted from the log and, independently,
by the terminal's own counts of vehicles on board and in the yard.
"""
from __future__ import annotations

import numpy as np

from sim.roro.costs import COMPONENTS, vehicle_costs
from sim.summary import describe, running_stage_means

DEFINITIONS = {
    "cohort": "vehicles whose ship arrived in [warmup_days, horizon_days - cooldown_days) x 24 h, followed "
              "through the drain to their pickup",
    "port_time_h": {"start": "vessel_arrival", "end": "picked_up (by a car carrier)"},
    "clearance_time_h": {"start": "vessel_arrival", "end": "release (= inspection_end)"},
    "lodgement_to_release_h": {"start": "declaration_lodged", "end": "release"},
    "stages_h": "means over the cohort vehicles that left; they add up to their mean port time",
    "cost_cny_per_vehicle": "means over the cohort vehicles that left (sim/roro/costs.py)",
    "yard": "mean over warm-up .. horizon; peak over the run",
}
STAGES = {  # stage -> the milestone that ends it (from the ship's arrival)
    "unloading": "discharge",
    "clearance_preparation": "declaration_lodged",
    "customs_clearance": "release",
    "pickup": "picked_up",
}


def _mean(x: np.ndarray) -> float | None:
    return float(x.mean()) if x.size else None


def states(terminal) -> dict:
    """Where every vehicle of the run is now, from the log, and the terminal's own count."""
    v = terminal.log.view()
    done = {m: np.isfinite(v[m]) for m in ("discharge", "release", "picked_up")}
    counts = {
        "arrived": int(v["vessel_arrival"].size),
        "on_ship": int((~done["discharge"]).sum()),
        "in_clearance": int((done["discharge"] & ~done["release"]).sum()),
        "awaiting_car_carrier": int((done["release"] & ~done["picked_up"]).sum()),
        "picked_up": int(done["picked_up"].sum()),
    }
    counts["in_port"] = counts["on_ship"] + counts["in_clearance"] + counts["awaiting_car_carrier"]
    counts["in_port_by_places"] = terminal.on_ship + terminal.in_yard
    counts["balanced"] = (counts["arrived"] == counts["picked_up"] + counts["in_port"]
                          and counts["in_port"] == counts["in_port_by_places"])
    return counts


def mean_in_yard(t: dict[str, np.ndarray], start_h: float, end_h: float) -> float:
    """Time-average number of vehicles in the yard over ``[start_h, end_h)``."""
    inside = np.clip(np.fmin(t["picked_up"], end_h), start_h, end_h) - np.clip(t["discharge"], start_h, end_h)
    return float(np.nansum(np.maximum(inside, 0.0)) / (end_h - start_h))


def vehicle_summary(terminal, window_start_h: float, window_end_h: float, horizon_h: float) -> dict:
    v = terminal.log.view()
    t = {k: x.astype(np.float64) for k, x in v.items() if x.dtype == np.float32}
    costs = vehicle_costs(v, terminal.cfg.costs)
    rows = (t["vessel_arrival"] >= window_start_h) & (t["vessel_arrival"] < window_end_h)
    left = rows & np.isfinite(t["picked_up"])
    released = rows & np.isfinite(t["release"])
    inspected = rows & np.isfinite(t["inspection_start"])
    n, unfinished, undecided = int(rows.sum()), int((rows & ~left).sum()), int((rows & ~released).sum())
    yard_mean = mean_in_yard(t, window_start_h, horizon_h) if horizon_h > window_start_h else None
    return {
        "vehicles": {"arrived": n, "released": int(released.sum()), "picked_up": int(left.sum()),
                     "unfinished": unfinished},
        "port_time_h": describe((t["picked_up"] - t["vessel_arrival"])[rows], unfinished),
        "clearance_time_h": describe((t["release"] - t["vessel_arrival"])[rows], undecided),
        "lodgement_to_release_h": describe((t["release"] - t["declaration_lodged"])[rows], undecided),
        "stages_h": running_stage_means({k: x[left] for k, x in t.items()}, "vessel_arrival", STAGES),
        "inspection_wait_h": describe((t["inspection_start"] - t["inspection_queued"])[inspected]),
        "car_carrier_refusals_per_vehicle": _mean(v["car_carrier_refusals"][rows].astype(np.float64)),
        "ship_side_share": _mean(v["ship_side"][rows].astype(np.float64)),
        "cost_cny_per_vehicle": {k: _mean(costs[k][left]) for k in (*COMPONENTS, "total")},
        "yard": {"mean_vehicles": yard_mean, "peak_vehicles": terminal.yard_peak,
                 "capacity_vehicles": terminal.cfg.yard_capacity_vehicles,
                 "utilisation": None if yard_mean is None else yard_mean / terminal.cfg.yard_capacity_vehicles},
        "conservation": states(terminal),
        "definitions": DEFINITIONS,
    }
