"""Punctuality forecasts: a port-wide forecast index makes every published vessel ETA more accurate.

Mechanism (information, no stage is cut): Shanghai's plan introduces "safety and punctuality
forecast indexes for international container ships entering and leaving ports" (seeds 002, item
11): a shared forecast from AIS positions, the previous port's departure and the port's own
queue, published to carriers, terminal, truckers and traders alike. In the model it shrinks the
error of the carrier's published ETA (:mod:`sim.flows.eta`): its spread at every lead time is
multiplied by ``error_factor``. Each call's ETAs still err the same way (its own draw), only less,
so the comparison with the baseline is paired call by call. Who gains is whoever acts on the ETA:
direct pickup's truckers (fewer hours waiting at the ship side, since the safety margin they keep
shrinks with the error; about as many trips miss the box, the margin being counted in spreads of
the error), consignees that declare in advance, shippers who plan stuffing and gate-in on it, and
the terminal (:mod:`sim.agents.terminal`): its berth windows are fixed on the ETA of the day
before, so fewer calls come off them and lose their place in the berth queue (the carriers of
those calls gain; the queue is reordered, not shortened, so the mean berth wait moves little),
and its export yard plan stacks boxes on the ETA at gate-in, so fewer boxes of a call that comes
a shift off plan are re-marshalled (the shippers pay fewer re-handling charges; fewer yard moves
and yard-crane CO2). The true arrivals do not change: a better
forecast makes no vessel punctual.

Eligibility: every vessel call.

Parameters:
- ``error_factor`` = 0.5: assumption (no public figure for the index's accuracy; AIS-based
  predictive ETAs are marketed as about twice as accurate as carriers' own, which is the
  comparison it stands for).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.schema.policies import PunctualityForecastConfig

if TYPE_CHECKING:
    from sim.schema import ClearwayConfig


class PunctualityForecast(Policy):
    name = "punctuality_forecast"

    def __init__(self, cfg: PunctualityForecastConfig):
        self.cfg = cfg

    def adjust(self, cfg: ClearwayConfig) -> None:
        cfg.vessels.eta.error_sd_at_72h_h *= self.cfg.error_factor
