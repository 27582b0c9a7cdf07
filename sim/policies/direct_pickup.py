"""Ship-side direct pickup of imports: a released box goes from the quay crane onto a truck.

Mechanism (a rule and a booking): a consignee that has opted in may declare in advance (once the
documents are in hand and the vessel has left its origin; duties settled or guaranteed as usual)
and books a truck from its trucking company for the vessel window. The fleet dispatches the
truck ``truck_booked_before_arrival_h`` before the vessel's true arrival, on the ETA the carrier
publishes then (:mod:`sim.flows.eta`), for the box's crane slot in the terminal's discharge plan
(berthing, then the call's boxes one move each, in order), and sends it ``truck_margin_sds``
spreads of that ETA's error early so that a vessel ahead of its ETA does not find the quay
empty. A late vessel, a berth queue or an ETA too early costs the truck waiting hours
(``ship_side_wait_h``); a box discharged before its truck is there, or not released by then
(or its delivery order not issued), or needing inspection or certification, goes to the yard and
the usual route, and the truck leaves empty (``ship_side_failed``; one more truck trip for
the box, ``truck_trips``). If the fleet refused the
booking (full that day) the box goes to the yard too. Otherwise the quay crane puts it straight
on the waiting truck: a ship-side transfer of ``transfer`` hours and out through a dedicated
lane; no yard stacking, storage days, re-handling, appointment or gate queue. With a perfect
forecast (``vessels.eta.error_sd_at_72h_h=0``) and no berth queue the truck is at the quay when
its box comes off the crane.

Eligibility: box not red, no certification, released before discharge, firm opted in. Firms
opt in when the saving they learn from realised costs (their own and their peers') repays the
switching cost (see :mod:`sim.adoption`); ``adoption.forced`` opts everyone in.

Parameters:
- ``transfer`` = lognormal, mean 0.12 h (7 min), cv 0.3: Shenzhen reports 5-8 min from
  unloading to truck lift-off (weak, figures.md).
- ``truck_booked_before_arrival_h`` = 24 h: fleets plan the next day's trips the day before
  (assumption).
- ``truck_margin_sds`` = 1: early by one spread of the ETA's error, which the truck misses about
  one time in six (assumption).
- ``adoption``: switching cost CNY 20,000, payback 90 days, review every ~20 days, prior saving
  CNY 300 per box (all assumptions).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.distributions import lognormal_from_normal
from sim.flows.eta import error_sd_h, published_eta_h
from sim.office_hours import DAY_H
from sim.policies.fast_lane import FastLane
from sim.records import IMPORT, RED, SHIP_SIDE_PICKUP
from sim.schema.policies import DirectPickupConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment

SAME_MOMENT_H = 1e-6  # the crane's moves add up in floating point: a truck this close is on time


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
        truck_at_h = self.truck_at_h(c)
        if not self.model.trader(c.firm).fleet.book(math.floor(truck_at_h / DAY_H)):
            return None  # no truck that day: the box goes to the yard
        self.log.truck_trips[c.id] += 1  # it comes, and leaves empty if the box cannot go on it
        self.log.ship_side_wait_h[c.id] = max(c.discharge_h - truck_at_h, 0.0)
        truck_there = c.discharge_h >= truck_at_h - SAME_MOMENT_H
        eligible = (c.channel != RED and not c.needs_certification
                    and not math.isnan(self.log.release[c.id])
                    and c.delivery_order is not None and c.delivery_order.triggered)
        if not (truck_there and eligible):
            self.log.ship_side_failed[c.id] = True  # the truck leaves without the box
            return None
        return lognormal_from_normal(self.cfg.transfer, c.policy_z)

    def truck_at_h(self, c: Consignment) -> float:
        """When the booked truck reaches the quay (hours since the start): the box's crane slot
        as planned on the ETA published at the booking, less the safety margin. Without vessel
        calls (Poisson arrivals) the box's arrival is its discharge and the truck is there."""
        call = c.call
        if call is None:
            return c.discharge_h
        cfg, lead_h = self.model.config.vessels, self.cfg.truck_booked_before_arrival_h
        eta_h = published_eta_h(cfg.eta, call, call.arrival_h - lead_h)
        moves = c.id - call.first_import_id + 1  # the cranes discharge the call's boxes in order
        slot_h = eta_h + cfg.berthing_h + moves * self.model.terminal.move_h
        return slot_h - self.cfg.truck_margin_sds * error_sd_h(cfg.eta, lead_h)
