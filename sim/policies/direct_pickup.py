"""Ship-side direct pickup of imports: a released box goes from the quay crane onto a truck.

Mechanism (a rule and a booking): a consignee that has opted in may declare in advance (once the
documents are in hand and the vessel has left its origin; duties settled or guaranteed as usual)
and books a truck from its trucking company for the vessel window. The truck comes when the
call's cranes are due to start by the schedule (scheduled arrival + berthing) and waits at the
ship side until the box is discharged: a late vessel, a berth queue or a long discharge costs it
waiting hours (``ship_side_wait_h``). If
the fleet refused the booking (full that day), or the box is not released by the time it is
discharged (or its delivery order not issued), or it needs inspection or certification, the
box goes to the yard and the usual route. Otherwise the quay crane puts it straight on the waiting truck: a ship-side transfer of
``transfer`` hours and out through a dedicated lane; no yard stacking, storage days, re-handling,
appointment or gate queue.

Eligibility: box not red, no certification, released before discharge, firm opted in. Firms
opt in when the saving they learn from realised costs (their own and their peers') repays the
switching cost (see :mod:`sim.adoption`); ``adoption.forced`` opts everyone in.

Parameters:
- ``transfer`` = lognormal, mean 0.12 h (7 min), cv 0.3: Shenzhen reports 5-8 min from
  unloading to truck lift-off (weak, figures.md).
- ``adoption``: switching cost CNY 20,000, payback 90 days, review every ~20 days, prior saving
  CNY 300 per box (all assumptions).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.distributions import lognormal_from_normal
from sim.office_hours import DAY_H
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

    def bind(self, model) -> None:
        super().bind(model)
        self.model = model

    def may_declare_before_arrival(self, c: Consignment) -> bool:
        return c.flow == IMPORT and self.opted_in(c.firm)

    def ship_side_pickup(self, c: Consignment) -> float | None:
        if not self.opted_in(c.firm):
            return None
        model = self.model
        # the truck is booked for the vessel window as scheduled: a late vessel costs it waiting
        scheduled_h = c.call.scheduled_h if c.call is not None else c.arrival_h
        if not model.trader(c.firm).fleet.book(math.floor(scheduled_h / DAY_H)):
            return None  # no truck that day: the box goes to the yard
        truck_at_h = scheduled_h + model.config.vessels.berthing_h
        self.log.ship_side_wait_h[c.id] = max(c.discharge_h - truck_at_h, 0.0)
        eligible = (c.channel != RED and not c.needs_certification
                    and not math.isnan(self.log.release[c.id])
                    and c.delivery_order is not None and c.delivery_order.triggered)
        return lognormal_from_normal(self.cfg.transfer, c.policy_z) if eligible else None
