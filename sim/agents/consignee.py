"""Consignees (importers): when to start clearance, and when to collect the box.

A consignee holds a need date for each box's goods (vessel arrival + ``consignees.need_lag``)
and pays for keeping goods in its own warehouse (``own_warehouse_cny_per_teu_day``). It decides:

1. **When to start clearance** (hand the documents to its broker and surrender the B/L to the
   carrier), :meth:`Consignee.clearance_start_h`. It needs the documents in hand (a paper B/L
   arrives by courier, on short-sea lanes often after the ship), the box discharged unless the
   rules let it declare in advance (pre-arrival: once the vessel has left its last origin port),
   and, unless it holds a duty guarantee or the declaration releases before duty (two-step), the
   funds for the duties. Waiting costs nothing while storage is free, so a consignee with no hurry
   starts ``planning_lead_h`` before it needs the goods, but not so late that storage charges
   would start before it could collect.
2. **When to collect** (:meth:`Consignee.book_pickups`, once a day through Mesa): every released
   box with its delivery order is left in the yard until the day it is needed, unless storage
   charges would start before then and its own warehouse is cheaper than the yard; then it books
   a truck with its trucking company, which may refuse (full that day): it tries again the next
   day. Waiting in the yard is a choice, not a delay it is given.
"""
from __future__ import annotations

import math

from sim.agents.traders import Trader
from sim.consignment import Consignment
from sim.office_hours import DAY_H, hour_in_office
from sim.records import IMPORT


class Consignee(Trader):
    flow = IMPORT

    def __init__(self, model, *args):
        super().__init__(model, *args)
        self.to_collect: list[Consignment] = []  # released boxes with their D/O, in the yard

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

    def clearance_start_h(self, c: Consignment, discharge_h: float) -> float:
        """When this consignee starts clearing ``c`` (``discharge_h``: when the box was, or is
        expected to be, discharged)."""
        cfg = self.model.config.behaviour.consignees
        papers_h = self.documents_h(c) + (c.duty_funds_h if self.must_pay_duty_first(c) else 0.0)
        allowed_h = self.origin_departure_h(c) if self.declares_in_advance(c) else discharge_h
        free_until_h = discharge_h + self.model.config.costs.free_storage_days * DAY_H
        wanted_h = min(self.need_h(c), free_until_h) - cfg.planning_lead_h
        return max(papers_h, allowed_h, wanted_h, self.model.env.now)

    def declares_in_advance(self, c: Consignment) -> bool:
        """The rules let it declare before arrival (it still needs its papers, see
        :meth:`clearance_start_h`)."""
        return self.model.measures.may_declare_before_arrival(c)

    def collect_later(self, c: Consignment) -> None:
        self.to_collect.append(c)

    def pickup_day(self, c: Consignment, today: int) -> int:
        """The day it wants ``c``'s goods out of the yard."""
        costs = self.model.config.costs
        need_day = math.floor(self.need_h(c) / DAY_H)
        free_last_day = math.floor((c.discharge_h + costs.free_storage_days * DAY_H) / DAY_H) - 1
        if need_day <= max(today, free_last_day):
            return max(today, need_day)
        own = self.model.config.behaviour.consignees.own_warehouse_cny_per_teu_day
        if own < costs.storage_cny_per_teu_day:  # storage is dearer than its own warehouse
            return max(today, free_last_day)
        return need_day

    def book_pickups(self, today: int) -> None:
        """Book trucks for the boxes it wants today; keep the others for a later day."""
        keep = []
        working = self.model.config.behaviour.truckers.working
        for c in self.to_collect:
            if self.pickup_day(c, today) > today:
                keep.append(c)
            elif self.fleet.book(today):
                self.model.start_pickup(c, hour_in_office(today, c.truck_u, working))
            else:
                self.model.log.truck_refusals[c.id] += 1
                keep.append(c)
        self.to_collect = keep
