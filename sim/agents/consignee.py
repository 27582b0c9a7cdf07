"""Consignees (importers): when to start clearance, and when to collect the box.

A consignee holds a need date for each box's goods (vessel arrival + ``consignees.need_lag``)
and its own cost of keeping goods in its own warehouse (a trait: lognormal across firms, median
``own_warehouse_cny_per_teu_day``, spread ``own_warehouse_sigma``). It plans when it wants each
box out of the yard (:meth:`Consignee.planned_pickup_h`): on the need date, unless keeping the
box in the yard would cost more per day than its own warehouse before then. The yard is free for
``costs.free_storage_days`` after discharge, then costs the storage tariff; from the day the
carrier's free time would run out (``detention_free_days`` less the days the empty needs to go
back) it also costs detention. A consignee collects on the first day the yard costs more than its
own warehouse, or on the need date if that comes first. Waiting in the yard is a choice, not a
delay it is given. From that plan it decides:

1. **When to start clearance** (hand the documents to its broker and surrender the B/L to the
   carrier), :meth:`Consignee.clearance_start_h`: ``planning_lead_h`` before the planned pickup,
   but not before it has the documents in hand (a paper B/L arrives by courier, on short-sea
   lanes often after the ship), not before the box is discharged unless the rules let it declare
   in advance (pre-arrival: once the vessel has left its last origin port), and, unless it holds a
   duty guarantee or the declaration releases before duty (two-step), not before it has the funds
   for the duties; and, whatever its plan, in time to lodge within ``declaration_deadline_days``
   of arrival (the legal deadline, after which late-declaration fees run). A box it plans to
   take at the ship side (direct pickup) is wanted at discharge: it starts as soon as the papers
   and the rules allow.
2. **When to collect** (:meth:`Consignee.book_pickups`, once a day through Mesa): a released box
   with its delivery order is collected on the planned day (or at once if that has passed): the
   consignee books a truck with its trucking company, which may refuse (full that day); then it
   tries again the next day.
"""
from __future__ import annotations

import math

from sim.agents.traders import Trader
from sim.consignment import Consignment
from sim.costs import free_storage_end_h
from sim.office_hours import DAY_H, hour_in_office
from sim.records import IMPORT


class Consignee(Trader):
    flow = IMPORT

    def __init__(self, model, *args, own_warehouse_cny_per_teu_day: float = 0.0):
        super().__init__(model, *args)
        self.own_warehouse_cny_per_teu_day = own_warehouse_cny_per_teu_day
        self.to_collect: list[tuple[int, Consignment]] = []  # (planned day, box): released, D/O in hand

    def must_pay_duty_first(self, c: Consignment) -> bool:
        return not (self.has_guarantee or self.model.measures.releases_before_duty(c))

    @staticmethod
    def origin_departure_h(c: Consignment) -> float:
        return c.arrival_h - c.sailing_h

    def documents_h(self, c: Consignment) -> float:
        """When the B/L and certificates are in its hands: on issue if electronic, else by courier."""
        issued_h = self.origin_departure_h(c) + c.bl_issue_h
        return issued_h if self.model.electronic_documents else issued_h + c.courier_h

    @staticmethod
    def need_h(c: Consignment) -> float:
        return c.arrival_h + c.need_lag_h

    def planned_pickup_h(self, c: Consignment, discharge_h: float) -> float:
        """When it wants ``c`` out of the yard (``discharge_h``: actual or expected discharge)."""
        costs = self.model.config.costs
        own = self.own_warehouse_cny_per_teu_day
        storage_from_h = free_storage_end_h(costs, discharge_h)
        detention_from_h = discharge_h + (costs.detention_free_days - costs.empty_return_days) * DAY_H
        if costs.storage_cny_per_teu_day > own:  # dearer than its own warehouse once it charges
            too_dear_h = storage_from_h
        elif costs.storage_cny_per_teu_day + costs.detention_cny_per_teu_day > own:
            too_dear_h = max(storage_from_h, detention_from_h)
        else:
            too_dear_h = float("inf")
        return min(self.need_h(c), too_dear_h)

    def clearance_start_h(self, c: Consignment, discharge_h: float) -> float:
        """When this consignee starts clearing ``c`` (``discharge_h``: when the box was, or is
        expected to be, discharged)."""
        cfg = self.model.config.behaviour.consignees
        papers_h = self.documents_h(c) + (c.duty_funds_h if self.must_pay_duty_first(c) else 0.0)
        allowed_h = self.origin_departure_h(c) if self.declares_in_advance(c) else discharge_h
        deadline_h = c.arrival_h + cfg.declaration_deadline_days * DAY_H  # late fees after it
        if c.ship_side_planned:  # wanted off the crane: as soon as the papers and the rules allow
            wanted_h = -math.inf
        else:
            wanted_h = min(self.planned_pickup_h(c, discharge_h), deadline_h) - cfg.planning_lead_h
        return max(papers_h, allowed_h, wanted_h, self.model.env.now)

    def declares_in_advance(self, c: Consignment) -> bool:
        """The rules let it declare before arrival (it still needs its papers, see
        :meth:`clearance_start_h`)."""
        return self.model.measures.may_declare_before_arrival(c)

    def collect_later(self, c: Consignment) -> None:
        """``c`` is released with its D/O: plan its pickup day once (the plan depends only on the
        box's discharge, need date and tariffs); :meth:`book_pickups` collects it on that day."""
        self.to_collect.append((math.floor(self.planned_pickup_h(c, c.discharge_h) / DAY_H), c))

    def book_pickups(self, today: int) -> None:
        """Book trucks for the boxes planned for today or earlier; keep the others for later."""
        keep = []
        working = self.model.config.behaviour.truckers.working
        for planned_day, c in self.to_collect:
            if planned_day > today:
                keep.append((planned_day, c))
            elif self.fleet.book(today):
                self.model.start_pickup(c, hour_in_office(today, c.truck_u, working))
            else:
                self.model.log.truck_refusals[c.id] += 1
                keep.append((planned_day, c))
        self.to_collect = keep
