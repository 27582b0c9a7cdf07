"""Key figures of one run, computed from the consignment log and the stations' statistics.

Only consignments that entered within the measurement window count: after the warm-up and at
least ``run.cooldown_days`` before the horizon, so that their journeys are not cut short (entry =
vessel arrival for imports, gate-in for exports, or the declaration if customs saw the box
first). Conservation counts every arrival. Times are in hours, costs in CNY per container. Stages follow China's port
release-time evaluation (the series reference/figures.md quotes):

import: unloading (arrival -> discharge), clearance preparation (discharge -> declaration),
customs clearance (declaration -> release), pickup and leaving (release -> gate-out);
export: clearance preparation (gate-in -> declaration), customs clearance (declaration ->
release), post-release (release -> load), vessel departure (load -> departure).

When a declaration is lodged (or released) before the box arrives or is discharged, stages
overlap; as in a Time Release Study, each stage then runs from the end of the previous one to
its own milestone or not at all: a stage ends at max(previous boundary, its milestone), so
stages are never negative and add up to the port time. Clearance time is likewise counted from
the box's arrival: max(release, entry) - entry (zero for a box released before it arrives).
"""
from __future__ import annotations

import numpy as np

from sim.costs import COMPONENTS, container_costs
from sim.policies import enabled_policies
from sim.records import CHANNELS, DETECTED, EXPORT, FLOWS, IMPORT, MISSED, USUAL_ROUTE

STAGES = {  # stage name -> the milestone that ends it; each flow starts at its ENTRY
    IMPORT: {"unloading": "discharge", "clearance_preparation": "declaration_lodged",
             "customs_clearance": "release", "pickup_and_leaving": "gate_out"},
    EXPORT: {"clearance_preparation": "declaration_lodged", "customs_clearance": "release",
             "post_release": "load", "vessel_departure": "vessel_departure"},
}
ENTRY = {IMPORT: "vessel_arrival", EXPORT: "gate_in"}
EXIT = {IMPORT: "gate_out", EXPORT: "vessel_departure"}


def stage_means(t: dict[str, np.ndarray], flow: int) -> dict[str, float | None]:
    """Mean duration of each stage (h) over the given journeys; stages end at the running maximum
    of their milestones. Over completed journeys, the stage means add up to the mean port time."""
    boundary = t[ENTRY[flow]]
    means = {}
    for name, milestone in STAGES[flow].items():
        end = np.maximum(boundary, t[milestone])
        means[name] = _mean(end - boundary)
        boundary = end
    return means


def describe(x: np.ndarray) -> dict[str, float]:
    """Mean and percentiles of the finite values of ``x``."""
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"n": 0, "mean": None, "p50": None, "p90": None, "p95": None}
    p50, p90, p95 = np.percentile(x, [50, 90, 95])
    return {"n": int(x.size), "mean": float(x.mean()), "p50": float(p50), "p90": float(p90), "p95": float(p95)}


def percentiles(x: np.ndarray) -> list[float] | None:
    """The 1st to 99th percentiles of the finite values of ``x`` (None if there are none)."""
    x = x[np.isfinite(x)]
    return np.percentile(x, np.arange(1, 100)).tolist() if x.size else None


def _mean(x: np.ndarray) -> float | None:
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else None


def flow_figures(log: dict[str, np.ndarray], costs: dict[str, np.ndarray], flow: int,
                 rows: np.ndarray) -> dict:
    """Figures for the consignments selected by boolean mask ``rows`` (all of one flow)."""
    t = {k: v[rows].astype(np.float64) for k, v in log.items() if v.dtype == np.float32}
    entry, release, leave = t[ENTRY[flow]], t["release"], t[EXIT[flow]]
    clearance = np.maximum(release, entry) - entry
    completed = np.isfinite(leave)
    outcome = log["outcome"][rows]
    released = np.isfinite(release)
    return {
        "n": int(rows.sum()),
        "released": int(released.sum()),
        "detained": int((outcome == DETECTED).sum()),
        "completed": int(completed.sum()),
        "clearance_time_h": describe(clearance),
        "port_time_h": describe(leave - entry),
        "port_time_percentiles_h": percentiles(leave - entry),  # 1st..99th, for CDF plots
        "clearance_time_percentiles_h": percentiles(clearance),
        "released_within_24h": float(np.mean(clearance[released] <= 24)) if released.any() else None,
        "stages_h": stage_means({k: v[completed] for k, v in t.items()}, flow),  # add up to port time
        "fast_lane_share": float(np.mean(log["fast_lane"][rows] != USUAL_ROUTE)) if rows.any() else None,
        "inspected_share": float(np.mean(np.isfinite(t["inspection_start"]))) if rows.any() else None,
        "cost_cny": {k: _mean(np.where(completed, costs[k][rows], np.nan))
                     for k in (*COMPONENTS, "border_documentary", "total")},
        "offences": {"detected": int((outcome == DETECTED).sum()),
                     "missed": int(((outcome == MISSED) & released).sum())},
    }


def conservation(log: dict[str, np.ndarray], arrived: np.ndarray) -> dict[str, int]:
    """Every arrival is released, detained, or still in the system at the horizon."""
    released = int((arrived & np.isfinite(log["release"])).sum())
    detained = int((arrived & (log["outcome"] == DETECTED)).sum())
    n = int(arrived.sum())
    return {"arrived": n, "released": released, "detained": detained, "in_system": n - released - detained}


def summarise(model) -> dict:
    """The run's summary: per flow and channel, per station, yard, and enforcement."""
    cfg = model.config
    log = model.log.view()
    costs = container_costs(log, cfg.costs)
    window_end_h = (cfg.run.horizon_days - cfg.run.cooldown_days) * 24.0
    flows = {}
    for flow, flow_name in enumerate(FLOWS):
        # a box counts from its arrival, or from its declaration if customs saw it first
        # (declared in advance and released or detained before it reached the port)
        entry = np.fmin(log[ENTRY[flow]], log["declaration_lodged"]).astype(np.float64)
        arrived = (log["flow"] == flow) & np.isfinite(entry)
        measured = arrived & (entry >= model.warmup_h) & (entry < window_end_h)
        per_flow = {"all": flow_figures(log, costs, flow, measured)}
        for ch, ch_name in enumerate(CHANNELS):
            per_flow[ch_name] = flow_figures(log, costs, flow, measured & (log["channel"] == ch))
        per_flow["conservation"] = conservation(log, arrived)
        flows[flow_name] = per_flow
    inspected = (np.isfinite(log["inspection_end"]) & (log["inspection_start"] >= model.warmup_h)
                 & (log["inspection_start"] < window_end_h))
    inspection_h = (log["inspection_end"][inspected] - log["inspection_start"][inspected]).astype(np.float64)
    return {
        "scenario": cfg.scenario,
        "policies": enabled_policies(cfg.policies),
        "seed": model.seed,
        "horizon_days": cfg.run.horizon_days,
        "warmup_days": cfg.run.warmup_days,
        "cooldown_days": cfg.run.cooldown_days,
        "flows": flows,
        "stations": {s.name: s.statistics() for s in model.stations},
        "yard": {"mean_teu": model.terminal.mean_yard_teu(model.warmup_h),
                 "peak_teu": model.terminal.yard_peak_teu},
        "inspection_within_3h": float(np.mean(inspection_h <= 3)) if inspection_h.size else None,
        **{name: sub.summary(model.warmup_h, window_end_h) for name, sub in model.sub_models.items()},
    }
