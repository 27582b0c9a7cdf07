"""Stress events: a demand surge, an inspection-capacity outage and vessel bunching.

All are off by default (``stress`` section of the config) and switched on by the stress-test
experiment. Each keeps common random numbers: the baseline's draws are untouched, a surge adds
boxes drawn from a stream of its own, bunching moves arrival times, an outage withholds servers.

- **Demand surge**: vessel calls scheduled in ``[surge_start_day, + surge_days)`` bring
  ``surge_factor`` times the usual number of import and export boxes (extra boxes are drawn as
  Poisson(mean x (factor - 1)) on top of the usual count).
- **Inspection outage**: from ``outage_start_day`` for ``outage_days``, a share ``outage_share``
  of the inspection teams is taken off duty: the withdrawals join the inspection queue (at its
  head when customs queues by priority, otherwise behind the boxes already waiting) and each
  takes a team as it comes free.
- **Vessel bunching**: calls scheduled in ``[bunching_start_day, + bunching_days)`` arrive
  together at the end of each ``bunching_h`` block instead of spread over it (delays kept).
"""
from __future__ import annotations

import math
import numpy as np

from sim.rng import Purpose, stream
from sim.schema.stress import StressConfig

SURGE = 3  # stream key (schedule keys: 0, 1 flows, 2 the schedule)


def _in_window(t_h: np.ndarray, start_day: float, days: float) -> np.ndarray:
    return (t_h >= start_day * 24) & (t_h < (start_day + days) * 24)


def surge_extra_boxes(s: StressConfig, seed: int, scheduled_h: np.ndarray, mean_per_call: float,
                      flow: int) -> np.ndarray:
    """Extra boxes per call for calls scheduled in the surge window (0 elsewhere)."""
    extra = np.zeros(len(scheduled_h), dtype=np.int64)
    if s.surge_days > 0 and s.surge_factor > 1:
        hit = _in_window(scheduled_h, s.surge_start_day, s.surge_days)
        rng = stream(seed, Purpose.ARRIVALS, SURGE, flow)
        extra[hit] = rng.poisson(mean_per_call * (s.surge_factor - 1), int(hit.sum()))
    return extra


def bunched(s: StressConfig, scheduled_h: np.ndarray) -> np.ndarray:
    """Scheduled times, with calls in the bunching window moved to the end of their block."""
    if s.bunching_days <= 0:
        return scheduled_h
    hit = _in_window(scheduled_h, s.bunching_start_day, s.bunching_days)
    block_end = (np.floor(scheduled_h / s.bunching_h) + 1) * s.bunching_h
    return np.where(hit, block_end, scheduled_h)


def inspection_outage(model):
    """SimPy process: withhold ``outage_share`` of the inspection teams for the outage."""
    s, station = model.config.stress, model.customs.inspection_area
    teams = math.floor(s.outage_share * station.servers)
    if s.outage_days <= 0 or teams == 0 or station.resource is None:
        return
    env = model.env
    yield env.timeout(max(s.outage_start_day * 24 - env.now, 0))
    requests = [station.resource.request(priority=-1) if station.priority else station.resource.request()
                for _ in range(teams)]
    yield env.timeout(s.outage_days * 24)
    for r in requests:  # teams back on duty
        if r.triggered:
            station.resource.release(r)
        else:
            r.cancel()  # the team never got free during the outage
