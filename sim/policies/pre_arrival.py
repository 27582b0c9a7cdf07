"""Pre-arrival processing: import declarations lodged and risk-assessed before the vessel arrives.

Mechanism: a firm that takes part lodges each import declaration ``lead_h`` hours before its
vessel arrives. Risk assessment and any document check happen while the box is at sea; physical
inspection and certification still wait for discharge. A green-channel box is therefore released
by the time it is discharged, and its clearance-preparation stage after discharge disappears.

Eligibility: any firm that chooses to. Which firms do is drawn once per firm (``uptake_share`` of
firms, by an independent random stream, so the same firms take part in every scenario of a seed).

Parameters:
- ``lead_h`` = 24 h: lodgement before arrival. Assumption; the rule allows lodgement once the
  vessel has left the port of origin (GACC Announcement 74/2014, figures.md, solid).
- ``uptake_share`` = 0.5: share of firms that declare in advance. Assumption.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.rng import Purpose, stream
from sim.schema.policies import PreArrivalConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment

POLICY_ID = 1  # stream key


class PreArrival(Policy):
    name = "pre_arrival"

    def __init__(self, cfg: PreArrivalConfig):
        self.cfg = cfg
        self.takes_part: list[bool] = []

    def bind(self, model) -> None:
        u = stream(model.seed, Purpose.POLICY, POLICY_ID).random(len(model.firms))
        self.takes_part = (u < self.cfg.uptake_share).tolist()

    def advance_lodgement_h(self, c: Consignment) -> float | None:
        return self.cfg.lead_h if self.takes_part[c.firm] else None
