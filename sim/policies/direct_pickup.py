"""Ship-side direct pickup of imports: a released box goes from the quay crane onto a truck.

Mechanism: a firm that has opted in declares each import ``advance_lodgement_h`` before the
vessel arrives (duties settled in advance) and books a truck for the vessel window. If, at the
moment its box is discharged, the box is already released and needs neither inspection nor
certification, the quay crane puts it straight on the waiting truck: a ship-side transfer of
``transfer`` hours and out through a dedicated lane. No yard stacking, no storage days, no
re-handling, no truck appointment, no gate queue. Boxes that are not released by discharge, or
need inspection or certification, take the usual yard route.

Eligibility: box not red, no certification, declared and released before discharge, firm opted
in. Firms opt in when the saving they learn from realised costs (their own and their peers')
repays the switching cost (see :mod:`sim.adoption`); ``adoption.forced`` opts everyone in.

Parameters:
- ``advance_lodgement_h`` = 24 h: assumption (advance declaration allowed once the vessel has
  left the origin port, GACC Announcement 74/2014, figures.md).
- ``transfer`` = lognormal, mean 0.12 h (7 min), cv 0.3: Shenzhen reports 5-8 min from
  unloading to truck lift-off (weak, figures.md).
- ``adoption``: switching cost CNY 20,000, payback 90 days, review every ~20 days, prior saving
  CNY 300 per box (all assumptions).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.distributions import lognormal_from_normal
from sim.policies.fast_lane import FastLane
from sim.records import IMPORT, RED, SHIP_SIDE_PICKUP
from sim.schema.policies import DirectPickupConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment


class DirectPickup(FastLane):
    cfg: DirectPickupConfig
    name = "direct_pickup"
    lane = SHIP_SIDE_PICKUP
    flow = IMPORT

    def advance_lodgement_h(self, c: Consignment) -> float | None:
        return self.cfg.advance_lodgement_h if self.opted_in(c.firm) else None

    def ship_side_pickup(self, c: Consignment) -> float | None:
        eligible = (self.opted_in(c.firm) and c.channel != RED and not c.needs_certification
                    and not math.isnan(self.log.release[c.id]))
        return lognormal_from_normal(self.cfg.transfer, c.policy_z) if eligible else None
