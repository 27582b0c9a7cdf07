"""What direct pickup and direct loading share: firms opt in by learning, per-firm volumes.

A *fast lane* is a route past the yard that a firm must opt in to (truck contracts, advance
declaration, data links). Each lane keeps an :class:`sim.adoption.Adoption`: every day the
boxes that left the port are split into those that took the lane and comparable boxes that did
not (same flow, not inspected, no certification), their realised total costs feed the firms'
belief about the saving, and firms review their choice.
"""
from __future__ import annotations

import numpy as np

from sim.adoption import Adoption
from sim.policies.base import Policy
from sim.records import RED
from sim.rng import Purpose, stream


class FastLane(Policy):
    lane: int  # DIRECT_PICKUP or DIRECT_LOADING
    flow: int  # IMPORT or EXPORT

    def __init__(self, cfg):
        self.cfg = cfg
        self.adoption: Adoption | None = None
        self.log = None

    def bind(self, model) -> None:
        self.log = model.log
        table = model.firm_table
        in_flow = np.array([t.flow == self.flow for t in model.traders])
        uses = table.box_weight(model.boxes_per_day) * (1 - table.certification_share) * in_flow
        self.adoption = Adoption(self.cfg.adoption, in_flow, uses,
                                 stream(model.seed, Purpose.ADOPTION, self.lane))

    def opted_in(self, firm: int) -> bool:
        return self.adoption.uses_route(firm)

    def daily_update(self, model, left: dict[str, np.ndarray]) -> None:
        comparable = ((left["flow"] == self.flow) & (left["channel"] != RED) & ~left["needs_certification"]
                      & np.isfinite(left["release"]))
        took_lane = left["fast_lane"] == self.lane
        for new_route, cost in zip(took_lane[comparable].tolist(), left["cost_cny"][comparable].tolist()):
            self.adoption.record(new_route, cost)
        self.adoption.daily_review()

    def daily_series(self) -> dict[str, float]:
        return {f"{self.name}_adoption": self.adoption.share()}


