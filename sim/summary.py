"""Key figures of one run: the measured cohort's journeys, and the port over the horizon.

Per flow and channel, every figure describes the **cohort** (see :mod:`sim.cohort`): the boxes
that arrived in the measurement window, each followed to the end of its journey through the
drain after the horizon. Boxes still open at the drain cap are counted (``unfinished``, and by
the stage they are stuck in), never dropped: a share is always over all cohort boxes, a mean
over the boxes that reached its end event states how many did not, and a percentile that falls
among the unfinished boxes is ``None``. Times are in hours, costs in CNY per container, emissions
in kg CO2 per container (:mod:`sim.emissions`, which also gives the scenario's own figures:
berth wait per call, bonded-zone CO2 per order, bunker SOx).

Stations, yard and the sub-models are time averages of the port itself over warm-up ..
horizon (:func:`horizon_figures`, taken before the drain). The ro-ro vehicles (``roro``, when the
scenario has them: :mod:`sim.roro.summary`) are a cohort followed through the drain, like the
containers. Conservation is checked at the
horizon and at the end of the drain (:func:`sim.places.conservation`).

Stages (:data:`sim.cohort.STAGES`): when a declaration is lodged (or released) before the box
arrives or is discharged, stages overlap; as in a Time Release Study, each stage then runs from
the end of the previous one to its own milestone or not at all: a stage ends at max(previous
boundary, its milestone), so stages are never negative and add up to the port time.
The start and end event of each time figure are stated in the summary's ``definitions``.
"""
from __future__ import annotations

import numpy as np

from sim.agents.terminal import EARLY, LATE, ON_WINDOW
from sim.cohort import ENTRY, EXIT, STAGES, cohort, stuck_in, window_h
from sim.costs import COMPONENTS, container_costs
from sim.emissions import container_emissions, flow_emissions, scenario_emissions
from sim.places import conservation
from sim.policies import enabled_policies
from sim.records import CAUGHT_AT_AUDIT, CHANNELS, DETECTED, FLOWS, MISSED, USUAL_ROUTE

__all__ = ["ENTRY", "EXIT", "STAGES", "DEFINITIONS", "cohort_figures", "describe", "flow_figures",
           "horizon_figures", "running_stage_means", "summarise"]

ARRIVAL = "vessel_arrival (import) / gate_in (export)"
DEFINITIONS = {
    "cohort": "boxes whose entry (vessel_arrival / gate_in, or declaration_lodged if earlier) is in "
              "[warmup_days, horizon_days - cooldown_days) x 24 h, followed to the end of their journey "
              "(gate_out / vessel_departure, or detention); after the horizon the run drains until "
              "they are done or drain_cap_days have passed",
    "clearance_time_h": {
        "definition": "arrival to release (WCO Time Release Study)", "start": ARRIVAL, "end": "release",
        "over": "released cohort boxes; a box released before it arrived (pre-arrival processing) counts "
                "as released on arrival (0 h) and is counted in released_before_arrival"},
    "lodgement_to_release_h": {
        "definition": "lodgement to release (customs' own processing)", "start": "declaration_lodged",
        "end": "release", "over": "released cohort boxes"},
    "port_time_h": {"definition": "arrival to leaving the port", "start": ARRIVAL,
                    "end": "gate_out (import) / vessel_departure (export)",
                    "over": "cohort boxes that left the port"},
    "released_before_arrival": "cohort boxes released before their arrival milestone / all cohort boxes",
    "released_within_24h": "cohort boxes released at most 24 h after arrival / all cohort boxes "
                           "(detained and never-released boxes count as not released within 24 h)",
    "stages_h": "means over the cohort boxes that left the port; they add up to the mean port time",
    "cost_cny": "means over the cohort boxes that left the port",
    "emissions": "per flow: activity (truck and shuttle trips, truck idle hours, yard moves, share of "
                 "the vessel call's berth wait) and CO2 (kg) per container, means over the cohort "
                 "boxes that left the port (sim/emissions.py); top-level 'emissions': berth wait per "
                 "call arrived in the window, bonded-zone trucks and CO2 per order, SOx (as SO2) of "
                 "the bunker fuel delivered to the calls requested in the window",
    "unfinished": "cohort boxes that had not ended their journey when the drain stopped; a mean's "
                  "'unfinished' counts the boxes that never reached its end event",
    "berth_plan": "vessel calls that arrived in the window (vessel mode): shares that came earlier or "
                  "later than their berth window's tolerance and both (off window, so behind the "
                  "calls on theirs); berth_wait_h: mean wait for a berth (arrival -> berth) of the "
                  "calls on and off their window, with their number",
    "stations": "time averages over warm-up .. horizon",
    "offences": "cohort boxes carrying an offence: detected (at the document check or inspection, box "
                "detained), missed (released and never found) and caught_at_audit (released, found by "
                "a post-clearance audit scheduled at release, whether or not it falls inside the run)",
}


def stage_means(t: dict[str, np.ndarray], flow: int) -> dict[str, float | None]:
    """Mean duration of each stage (h) over the given journeys; stages end at the running maximum
    of their milestones. Over completed journeys, the stage means add up to the mean port time."""
    return running_stage_means(t, ENTRY[flow], STAGES[flow])


def running_stage_means(t: dict[str, np.ndarray], entry: str,
                        stages: dict[str, str]) -> dict[str, float | None]:
    """Mean duration (h) of each stage ``name -> end milestone``, from milestone ``entry``: a
    stage ends at the running maximum of the milestones so far (never negative)."""
    boundary = t[entry]
    means = {}
    for name, milestone in stages.items():
        end = np.maximum(boundary, t[milestone])
        means[name] = _mean(end - boundary)
        boundary = end
    return means


def describe(x: np.ndarray, unfinished: int = 0) -> dict[str, float]:
    """Mean and percentiles of the finite values of ``x``, and ``unfinished``: boxes whose value is
    unknown because they never reached the end event (it is at least the time they waited, so
    the percentiles rank them last, and one that falls among them is None). The mean is over the
    finished values only, which ``unfinished`` > 0 flags."""
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"n": 0, "mean": None, "p50": None, "p90": None, "p95": None, "unfinished": unfinished}
    p50, p90, p95 = _ranked(x, unfinished, [50, 90, 95])
    return {"n": int(x.size), "mean": float(x.mean()), "p50": p50, "p90": p90, "p95": p95,
            "unfinished": unfinished}


def percentiles(x: np.ndarray, unfinished: int = 0) -> list[float | None] | None:
    """The 1st to 99th percentiles of the finite values of ``x`` and ``unfinished`` boxes ranked
    last (None where a percentile falls among them; None if there are no values)."""
    x = x[np.isfinite(x)]
    return _ranked(x, unfinished, np.arange(1, 100)) if x.size else None


def _ranked(x: np.ndarray, unfinished: int, q) -> list[float | None]:
    """Percentiles ``q`` of ``x`` and ``unfinished`` larger values (None where they matter)."""
    q = np.asarray(q, dtype=np.float64)
    if not unfinished:
        return np.percentile(x, q).tolist()
    position = (x.size + unfinished - 1) * q / 100  # linear interpolation between ranked values
    known = np.ceil(position) <= x.size - 1
    values = np.percentile(x, 100 * position[known] / max(x.size - 1, 1)).tolist()
    return [values.pop(0) if k else None for k in known]


def _mean(x: np.ndarray) -> float | None:
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else None


def _share(count: int, n: int) -> float | None:
    return count / n if n else None


class Milestones(dict):
    """The float32 log columns of the rows selected by boolean mask ``rows`` as float64, each
    converted when read (a summary reads a third of them: no copy of every column), and kept
    for the next read unless ``keep`` is false."""

    def __init__(self, log: dict[str, np.ndarray], rows: np.ndarray, keep: bool = True):
        super().__init__()
        self._log, self._rows, self._keep = log, rows, keep

    def __missing__(self, name: str) -> np.ndarray:
        values = self._log[name][self._rows].astype(np.float64)
        if self._keep:
            self[name] = values
        return values


def cohort_figures(log: dict[str, np.ndarray], cfg, flow: int, measured: np.ndarray) -> dict[str, dict]:
    """Figures (:func:`flow_figures`) of the cohort boxes of ``flow`` (boolean mask
    ``measured``), ``all`` and per channel; ``cfg``: the run's :class:`sim.schema.ClearwayConfig`.

    Costs and emissions are means over the boxes that left the port, so they are computed for
    those boxes only, the costs first, then the emissions (memory: a year at Yangshan volume
    has about 6 M such boxes a flow, 8 bytes a box for each of 22 figures).
    """
    left = np.flatnonzero(measured & np.isfinite(log[EXIT[flow]]))
    channel = log["channel"][left]
    groups = {"all": slice(None), **{name: channel == ch for ch, name in enumerate(CHANNELS)}}
    costs = container_costs(log, cfg.costs, left)
    cost_cny = {group: {k: _mean(costs[k][of_left]) for k in (*COMPONENTS, "border_documentary", "total")}
                for group, of_left in groups.items()}
    del costs
    emissions = container_emissions(log, cfg.emissions, left)
    emission_means = {group: flow_emissions(emissions, of_left) for group, of_left in groups.items()}
    del emissions
    rows = {"all": measured, **{name: measured & (log["channel"] == ch) for ch, name in enumerate(CHANNELS)}}
    return {group: flow_figures(log, flow, rows[group], cost_cny[group], emission_means[group]) for group in groups}


def flow_figures(log: dict[str, np.ndarray], flow: int, rows: np.ndarray, cost_cny: dict,
                 emissions: dict) -> dict:
    """Figures for the cohort boxes selected by boolean mask ``rows`` (all of one flow), with
    their mean costs (CNY) and emissions per container that left the port, as
    :func:`cohort_figures` computes them.

    ``unfinished`` boxes have not ended their journey; ``undecided`` ones have no customs
    decision (neither released nor detained) either.
    """
    t = Milestones(log, rows)
    entry, release, leave = t[ENTRY[flow]], t["release"], t[EXIT[flow]]
    n = int(rows.sum())
    outcome = log["outcome"][rows]
    detained = outcome == DETECTED
    released = np.isfinite(release)
    completed = np.isfinite(leave)
    unfinished = int((~completed & ~detained).sum())
    undecided = int((~released & ~detained).sum())
    # released before the box reached the port, or before it has reached it yet (a direct-loading
    # export released at the factory whose vessel is still to come): no clearance time in port
    before_arrival = released & ~(release >= entry)
    arrival_to_release = np.where(before_arrival, 0.0, release - entry)  # released on arrival
    port_time = leave - entry
    return {
        "n": n,
        "released": int(released.sum()),
        "detained": int(detained.sum()),
        "completed": int(completed.sum()),
        "unfinished": unfinished,
        "unfinished_by_stage": stuck_in(log, flow, rows),
        "clearance_time_h": describe(arrival_to_release, undecided),
        "lodgement_to_release_h": describe(release - t["declaration_lodged"], undecided),
        "released_before_arrival": _share(int(before_arrival.sum()), n),
        "port_time_h": describe(port_time, unfinished),
        "port_time_percentiles_h": percentiles(port_time, unfinished),  # 1st..99th, for CDF plots
        "clearance_time_percentiles_h": percentiles(arrival_to_release, undecided),
        "released_within_24h": _share(int((arrival_to_release <= 24).sum()), n),
        # over the boxes that left the port: the stage means add up to the mean port time
        "stages_h": stage_means(Milestones(log, rows & np.isfinite(log[EXIT[flow]]), keep=False), flow),
        "fast_lane_share": _share(int((log["fast_lane"][rows] != USUAL_ROUTE).sum()), n),
        **decisions(log, t, rows, n),
        "inspected_share": _share(int(np.isfinite(t["inspection_start"]).sum()), n),
        "cost_cny": cost_cny,
        "emissions": emissions,
        "offences": {"detected": int(detained.sum()),
                     "missed": int(((outcome == MISSED) & released).sum()),
                     "caught_at_audit": int((outcome == CAUGHT_AT_AUDIT).sum())},
    }


def decisions(log: dict[str, np.ndarray], t: dict[str, np.ndarray], rows: np.ndarray, n: int) -> dict:
    """What the traders and their brokers and fleets decided for the boxes ``rows``: declared
    before the box reached the terminal (by boxes and by firms: pre-arrival uptake), declarations
    returned for rework, truck bookings refused, hours ship-side trucks waited (per box) and
    trucks that left the ship side without their box, boxes that missed their vessel (export:
    rolled over at least once), extra yard moves per box at retrieval."""
    at_terminal = np.fmin(t["discharge"], t["gate_in"])  # import: discharge; export: gate-in
    advance = t["declaration_lodged"] < at_terminal
    firms = log["firm"][rows]
    n_firms = np.unique(firms).size
    return {
        "declared_before_arrival_share": _share(int(advance.sum()), n),
        "firms_declaring_before_arrival_share": _share(np.unique(firms[advance]).size, n_firms),
        "reworked_share": _share(int((log["reworks"][rows] > 0).sum()), n),
        "truck_refusals_per_box": float(log["truck_refusals"][rows].mean()) if n else None,
        "ship_side_wait_h": float(log["ship_side_wait_h"][rows].sum() / n) if n else None,
        "ship_side_failed": int(log["ship_side_failed"][rows].sum()),
        "rolled_over": int((log["rolled_over"][rows] > 0).sum()),
        "rehandles_per_box": float(log["rehandles"][rows].mean()) if n else None,
    }


def berth_plan_figures(calls: list, run_cfg) -> dict:
    """The vessel calls that arrived in the measurement window against the terminal's berth plan
    (:meth:`sim.agents.terminal.Terminal.queue_for_berth`): how many; the shares that came early,
    late, and off their window (either); the mean hours the calls on and off their window waited
    for a berth (arrival -> berth), each with the number of calls it is over (the mean is None
    when that number is 0: under a perfect forecast no call is off its window)."""
    start_h, end_h = window_h(run_cfg)
    measured = [c for c in calls if start_h <= c.arrival_h < end_h]
    n = len(measured)
    windows = [c.window for c in measured]
    early, late = windows.count(EARLY), windows.count(LATE)
    berth_wait_h = {}
    for name, on in (("on_window", True), ("off_window", False)):
        waits = np.array([c.berth_h - c.arrival_h for c in measured if (c.window == ON_WINDOW) == on])
        berth_wait_h[name] = {"n": int(waits.size), "mean": _mean(waits)}
    return {"calls": n, "early_share": _share(early, n), "late_share": _share(late, n),
            "off_window_share": _share(early + late, n), "berth_wait_h": berth_wait_h}


def horizon_figures(model) -> dict:
    """What describes the port itself, taken at the horizon before the drain: station and yard
    time averages since the warm-up, the sub-models' figures, and conservation at the horizon."""
    start_h, end_h = window_h(model.config.run)
    return {
        "stations": {s.name: s.statistics() for s in model.stations},
        "yard": {"mean_teu": model.terminal.mean_yard_teu(model.warmup_h),
                 "peak_teu": model.terminal.yard_peak_teu},
        "sub_models": {name: sub.summary(start_h, end_h) for name, sub in model.sub_models.items()},
        "conservation": conservation(model.log.view(), model.places),
    }


def summarise(model, at_horizon: dict) -> dict:
    """The run's summary: the cohort per flow and channel, and ``at_horizon`` (see
    :func:`horizon_figures`) for stations, yard and sub-models."""
    cfg = model.config
    log = model.log.view()
    at_end = conservation(log, model.places)
    flows = {}
    inspection_h = []
    for flow, flow_name in enumerate(FLOWS):
        measured = cohort(log, flow, cfg.run)
        per_flow = cohort_figures(log, cfg, flow, measured)
        all_ = per_flow["all"]
        per_flow["unfinished"] = {"total": all_["unfinished"], **all_["unfinished_by_stage"]}
        per_flow["conservation"] = at_end[flow_name]
        per_flow["conservation_at_horizon"] = at_horizon["conservation"][flow_name]
        flows[flow_name] = per_flow
        inspected = measured & np.isfinite(log["inspection_end"])
        inspection_h.append(log["inspection_end"][inspected] - log["inspection_start"][inspected])
        model.log.forget()  # the pages this flow read (see sim.records)
    inspection_h = np.concatenate(inspection_h).astype(np.float64)
    return {
        "scenario": cfg.scenario,
        "policies": enabled_policies(cfg.policies),
        "seed": model.seed,
        "horizon_days": cfg.run.horizon_days,
        "warmup_days": cfg.run.warmup_days,
        "cooldown_days": cfg.run.cooldown_days,
        "drain_cap_days": cfg.run.drain_cap_days,
        "drain_days": model.steps - cfg.run.horizon_days,
        "definitions": DEFINITIONS,
        "flows": flows,
        "stations": at_horizon["stations"],
        "yard": at_horizon["yard"],
        "inspection_within_3h": float(np.mean(inspection_h <= 3)) if inspection_h.size else None,
        **at_horizon["sub_models"],
        **({} if model.roro is None else
           {"roro": model.roro.summary(*window_h(cfg.run), cfg.run.horizon_days * 24.0)}),
        "berth_plan": berth_plan_figures(model.calls, cfg.run),
        "emissions": scenario_emissions(log, cfg, at_horizon["sub_models"]),
    }
