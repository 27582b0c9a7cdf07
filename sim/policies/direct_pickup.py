"""Ship-side direct pickup of imports: a released box goes from the quay crane onto a truck.

Mechanism (a plan, three rules and a booking). When the vessel's manifest is filed, a consignee
that has opted in plans for the ship side each of its import boxes that needs no certification
and whose goods it needs before the yard's free storage would run out (goods needed later wait
free in the yard: taking them off the crane would only move them to its own warehouse; the
pilots report "unloading to factory the same day"). For such a box the pilot's rules let it:

1. declare in advance (once the documents are in hand and the vessel has left its origin; duties
   settled or guaranteed as usual), and it does so at once: it wants the box off the crane, not
   on its usual pickup day (:meth:`sim.agents.consignee.Consignee.clearance_start_h`);
2. exchange the B/L for the carrier's delivery order before the vessel arrives
   (``advance_delivery_order``; otherwise D/Os are issued for arrived calls only);
3. take the box from the quay crane through a dedicated lane: no yard stacking, storage days,
   re-handling, appointment or gate queue.

The truck is booked when the fleet plans its trips, ``truck_booked_before_arrival_h`` before
the vessel's true arrival, and only for a box customs has released and whose D/O is issued by
then (the consignee does not pay for a truck that may have nothing to collect; a box released
later goes the usual way). The fleet sends the truck on the ETA the carrier publishes then
(:mod:`sim.flows.eta`), for the box's crane slot in the terminal's discharge plan (berthing, then
the call's boxes one move each, in order), ``truck_margin_sds`` spreads of that ETA's error early
so that a vessel ahead of its ETA does not find the quay empty. A late vessel, a berth queue or
an ETA too early costs the truck waiting hours (``ship_side_wait_h``); a box discharged before its
truck is there goes to the yard and the usual route, and the truck leaves empty
(``ship_side_failed``; one more truck trip, ``truck_trips``). If the fleet refuses the booking
(full that day) the box goes to the yard too. With a perfect forecast
(``vessels.eta.error_sd_at_72h_h=0``) and no berth queue the truck is at the quay when its box
comes off the crane.

Eligibility, as in the pilots: box released before the truck is booked (so never red: a
physical inspection needs the box off the ship), no certification, D/O issued, firm opted in.
Firms opt in when the saving they learn from realised costs (their own and their peers', counted
by the route each box was *planned* for, so the lane's misses count against it; a box's cost as
its consignee sees it, :mod:`sim.costs`: goods out early are not worth more before they are
needed, they wait in its own warehouse) repays the switching cost (see :mod:`sim.adoption`, :mod:`sim.policies.fast_lane`); ``adoption.forced``
opts everyone in.

Parameters:
- ``transfer`` = lognormal, mean 0.12 h (7 min), cv 0.3: Shenzhen reports 5-8 min from
  unloading to truck lift-off (weak, figures.md).
- ``truck_booked_before_arrival_h`` = 24 h: fleets plan the next day's trips the day before
  (assumption).
- ``truck_margin_sds`` = 1: early by one spread of the ETA's error, which the truck misses about
  one time in six (assumption).
- ``advance_delivery_order`` = true: Chinese ports' direct-pickup procedures pair advance
  declaration with an advance exchange of the D/O (the carrier's electronic release) so that
  the box is free to go when it comes off the ship (assumption: the procedure is described in
  port notices, not in figures.md).
- ``adoption``: switching cost CNY 20,000, payback 90 days, review every ~20 days, prior saving
  CNY 300 per box (all assumptions).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.costs import free_storage_end_h
from sim.distributions import lognormal_from_normal
from sim.flows.eta import error_sd_h, published_eta_h
from sim.office_hours import DAY_H
from sim.policies.fast_lane import FastLane
from sim.records import IMPORT, SHIP_SIDE_PICKUP
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

    def plans_ship_side(self, c: Consignment) -> bool:
        """An opted-in consignee plans a box without certification for the ship side if it needs
        the goods before the yard's free time would run out (discharge expected on the ETA
        published now): later goods wait free in the yard, and taking them early would only move
        them to its own warehouse."""
        if c.needs_certification or not self.opted_in(c.firm):  # (asked of imports only)
            return False
        env = self.model.env
        discharge_h = (env.now if c.call is None
                       else published_eta_h(self.model.config.vessels.eta, c.call, env.now)
                       + self.model.config.vessels.berthing_h)
        return self.needed_within_free_time(self.model.trader(c.firm).need_h(c), discharge_h)

    def needed_within_free_time(self, needed_h, discharge_h):
        """Are the goods needed before the yard's free storage after ``discharge_h`` runs out?
        (Hours since the start; floats or arrays.)"""
        return needed_h <= free_storage_end_h(self.model.config.costs, discharge_h)

    def comparable(self, left: dict[str, np.ndarray]) -> np.ndarray:
        """Boxes a consignee would plan for the ship side had it opted in (needed within the
        free time of their actual discharge), whichever route they were planned for."""
        return super().comparable(left) & self.needed_within_free_time(
            left["goods_needed"].astype(np.float64), left["discharge"].astype(np.float64))

    def may_declare_before_arrival(self, c: Consignment) -> bool:
        return c.ship_side_planned

    def delivery_order_before_arrival(self, c: Consignment) -> bool:
        return c.ship_side_planned and self.cfg.advance_delivery_order

    def ship_side_pickup(self, c: Consignment) -> float | None:
        if not c.ship_side_planned:
            return None
        booked_h = self.truck_booked_h(c)
        released_h, order_h = self.log.release[c.id], self.log.delivery_order[c.id]  # NaN: not yet
        if not (released_h <= booked_h and order_h <= booked_h):  # not free when the fleet planned:
            return None  # no truck was booked
        truck_at_h = self.truck_at_h(c, booked_h)
        if not self.model.trader(c.firm).fleet.book(math.floor(truck_at_h / DAY_H)):
            return None  # no truck that day: the box goes to the yard
        self.log.truck_trips[c.id] += 1
        self.log.ship_side_wait_h[c.id] = max(c.discharge_h - truck_at_h, 0.0)
        if c.discharge_h < truck_at_h - SAME_MOMENT_H:  # the box came off before its truck
            self.log.ship_side_failed[c.id] = True  # the truck leaves without it
            return None
        return lognormal_from_normal(self.cfg.transfer, c.policy_z)

    def truck_booked_h(self, c: Consignment) -> float:
        """When the fleet books the ship-side truck (hours since the start): the day before the
        vessel comes; at discharge without vessel calls (Poisson arrivals)."""
        if c.call is None:
            return c.discharge_h
        return c.call.arrival_h - self.cfg.truck_booked_before_arrival_h

    def truck_at_h(self, c: Consignment, booked_h: float) -> float:
        """When the truck booked at ``booked_h`` reaches the quay (hours since the start): the
        box's crane slot as planned on the ETA published then, less the safety margin. Without
        vessel calls (Poisson arrivals) the box's arrival is its discharge and the truck is there."""
        call = c.call
        if call is None:
            return c.discharge_h
        cfg = self.model.config.vessels
        eta_h = published_eta_h(cfg.eta, call, booked_h)
        moves = c.id - call.first_import_id + 1  # the cranes discharge the call's boxes in order
        slot_h = eta_h + cfg.berthing_h + moves * self.model.terminal.move_h
        return slot_h - self.cfg.truck_margin_sds * error_sd_h(cfg.eta, call.arrival_h - booked_h)
