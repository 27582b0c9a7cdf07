"""The measured cohort: the boxes that arrive in the measurement window, followed to their end.

A box *arrives* at its entry: vessel arrival (import) or gate-in (export), or its declaration if
customs saw it first (declared in advance and released or detained before it reached the
port). The cohort of a run is every box whose entry falls in the measurement window
``[run.warmup_days, run.horizon_days - run.cooldown_days)`` (in hours: x 24). Its journey
*ends* when it leaves the port (import gate-out, export vessel departure) or when customs
detains it.

Arrivals go on after the window (the cool-down days, then the drain) so the cohort meets a
loaded port to the end. After the horizon the run drains: it keeps simulating, arrivals
included, until every cohort box has ended its journey or ``run.drain_cap_days`` have passed.
Cohort boxes still open at the cap are *unfinished*; :func:`stuck_in` says in which stage.
Averaging only the boxes that happened to finish before the horizon would bias every long
stage low (survivor bias); the cohort does not, and with the drain the cool-down is no longer
needed for that: it only keeps the port loaded up to the horizon.

Stages follow China's port release-time evaluation (the series reference/figures.md quotes).
import: unloading (arrival -> discharge), clearance preparation (discharge -> declaration),
customs clearance (declaration -> release), pickup and leaving (release -> gate-out); export:
clearance preparation (gate-in -> declaration), customs clearance (declaration -> release),
post-release (release -> load), vessel departure (load -> departure).
"""
from __future__ import annotations

import numpy as np

from sim.records import DETECTED, EXPORT, FLOWS, IMPORT

STAGES = {  # stage name -> the milestone that ends it; each flow starts at its ENTRY
    IMPORT: {"unloading": "discharge", "clearance_preparation": "declaration_lodged",
             "customs_clearance": "release", "pickup_and_leaving": "gate_out"},
    EXPORT: {"clearance_preparation": "declaration_lodged", "customs_clearance": "release",
             "post_release": "load", "vessel_departure": "vessel_departure"},
}
ENTRY = {IMPORT: "vessel_arrival", EXPORT: "gate_in"}
EXIT = {IMPORT: "gate_out", EXPORT: "vessel_departure"}


def window_h(run_cfg) -> tuple[float, float]:
    """The measurement window ``[start, end)`` in hours since the start of the run."""
    return run_cfg.warmup_days * 24.0, (run_cfg.horizon_days - run_cfg.cooldown_days) * 24.0


def entry_h(log: dict[str, np.ndarray], flow: int) -> np.ndarray:
    """Each row's entry time (h, float64; NaN if it has not arrived): arrival, or the declaration
    if customs saw the box first."""
    return np.fmin(log[ENTRY[flow]], log["declaration_lodged"]).astype(np.float64)


def cohort(log: dict[str, np.ndarray], flow: int, run_cfg) -> np.ndarray:
    """Row mask of the boxes of ``flow`` that arrived in the measurement window, bonded-zone
    boxes apart (``first_line``: no import declaration; the zone's summary follows them)."""
    start, end = window_h(run_cfg)
    entry = entry_h(log, flow)
    return (log["flow"] == flow) & ~log["first_line"] & (entry >= start) & (entry < end)


def ended(log: dict[str, np.ndarray], flow: int) -> np.ndarray:
    """Row mask of the boxes whose journey is over: left the port, or detained by customs."""
    return np.isfinite(log[EXIT[flow]]) | (log["outcome"] == DETECTED)


def open_in_cohort(log: dict[str, np.ndarray], run_cfg) -> int:
    """How many cohort boxes (both flows) have not ended their journey yet."""
    return sum(int((cohort(log, f, run_cfg) & ~ended(log, f)).sum()) for f in range(len(FLOWS)))


def stuck_in(log: dict[str, np.ndarray], flow: int, rows: np.ndarray) -> dict[str, int]:
    """For the open boxes among ``rows``: how many are in each stage (the first stage whose
    ending milestone is missing, e.g. ``customs_clearance``: declared, not released)."""
    still_open = rows & ~ended(log, flow)
    counts = {}
    for stage, milestone in STAGES[flow].items():
        here = still_open & ~np.isfinite(log[milestone])
        counts[stage] = int(here.sum())
        still_open &= ~here
    return counts
