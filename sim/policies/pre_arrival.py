"""Pre-arrival processing: import declarations may be lodged while the box is at sea.

Mechanism (a rule): a consignee may hand its declaration to its broker once the documents are in
hand and the vessel has left its last origin port (instead of after discharge). Risk assessment
and any document check then happen before arrival; inspection and certification still wait for
discharge. Whether a consignee does so is its own decision (:mod:`sim.agents.consignee`): only
one that has its papers and wants its goods soon gains anything, so uptake comes out of the
model; it is reported as a share of boxes and of firms (``declared_before_arrival_share``,
``firms_declaring_before_arrival_share``).

Eligibility: all import declarations.

Parameters: none. The rule: GACC Announcement 74/2014 (declaration after the vessel departs the
origin; figures.md, solid).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.records import IMPORT
from sim.schema.policies import PreArrivalConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment


class PreArrival(Policy):
    name = "pre_arrival"

    def __init__(self, cfg: PreArrivalConfig):
        self.cfg = cfg

    def may_declare_before_arrival(self, c: Consignment) -> bool:
        return c.flow == IMPORT
