"""What direct pickup and direct loading share: firms opt in by learning, per-firm volumes.

A *fast lane* is a route past the yard that a firm must opt in to (truck contracts, advance
declaration, data links). Each lane keeps an :class:`sim.adoption.Adoption`: every day the
boxes that left the port (released, no certification, of the lane's flow) are split by the
route their firm *planned* them for (``lane_planned``), not by the route they took, and their
realised total costs (as the firm sees them, :mod:`sim.costs`) feed the firms' belief about the saving; then firms review their choice.
Grouping by intent charges the lane with its failures: a box planned for the lane that fell back
to the yard (its truck came after it, the vessel was late, customs held it) counts, with its
wasted truck waiting, against the lane. Grouping by the route taken would credit the lane with
its successes only and blame the usual route for the lane's misses.
"""
from __future__ import annotations

import numpy as np

from sim.adoption import Adoption
from sim.policies.base import Policy
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
        comparable = self.comparable(left)
        planned_lane = left["lane_planned"] == self.lane
        for new_route, cost in zip(planned_lane[comparable].tolist(), left["cost_cny"][comparable].tolist()):
            self.adoption.record(new_route, cost)
        self.adoption.daily_review()

    def comparable(self, left: dict[str, np.ndarray]) -> np.ndarray:
        """The boxes that left whose costs tell firms what the lane saves: of the lane's flow,
        released, no certification (which keeps a box off every lane)."""
        return (left["flow"] == self.flow) & ~left["needs_certification"] & np.isfinite(left["release"])

    def daily_series(self) -> dict[str, float]:
        return {f"{self.name}_adoption": self.adoption.share(),
                f"{self.name}_adoption_firms": self.adoption.firm_share()}


