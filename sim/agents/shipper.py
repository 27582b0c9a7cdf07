"""Shippers (exporters): when to stuff and send the box, and when to declare it.

A shipper plans each box to be stuffed ``shippers.ready_lead`` before its vessel's cut-off
(``cutoff_before_eta_h`` before the call's ETA: the schedule when the box is booked, then the
carrier's published ETA, :mod:`sim.flows.eta`; until the box is stuffed the shipper re-plans it
every day on the latest ETA). Once a day (through Mesa) it sends the
boxes that are ready, as soon as the terminal accepts the call's boxes
(``gate_open_before_eta_h`` before the ETA): it books a truck with its trucking
company (which may refuse: it tries the next day), and the truck gates the box in during the
fleet's working hours. It declares once the box is in the terminal (the declaration carries the
container and seal numbers the terminal confirms at gate-in), through its broker, who has the
documents ``shippers.documents`` office hours later (at once if they are electronic). A shipper that
loads on arrival (direct loading) declares from the factory as soon as the box is stuffed and
trucks it in shortly before loading, once released (see :mod:`sim.flows.exports`).
"""
from __future__ import annotations

from sim.agents.traders import Trader
from sim.consignment import Consignment
from sim.flows.eta import published_eta_h
from sim.office_hours import DAY_H, hour_in_office
from sim.records import EXPORT, LOADING_ON_ARRIVAL


class Shipper(Trader):
    flow = EXPORT

    def __init__(self, model, *args):
        super().__init__(model, *args)
        self.to_send: list[Consignment] = []  # boxes planned but not yet at the terminal

    def plan(self, c: Consignment) -> None:
        """A new box for a vessel call: direct-loading boxes start from the factory, the others
        wait for the daily dispatch."""
        before_loading_h = self.model.measures.loads_on_arrival(c)
        if before_loading_h is not None:  # decided now: a later change of mind does not recall it
            self.model.log.lane_planned[c.id] = LOADING_ON_ARRIVAL
            self.model.start_export(c, at_h=c.ready_h, before_loading_h=before_loading_h)
        else:
            self.to_send.append(c)

    def send_boxes(self, today: int) -> None:
        """Book trucks for the boxes that are ready and whose call accepts them today; a box not
        yet stuffed is first re-planned on its call's ETA as published now."""
        model = self.model
        behaviour, now_h, eta_cfg = model.config.behaviour, model.env.now, model.config.vessels.eta
        cutoff_before_eta_h = behaviour.shippers.cutoff_before_eta_h
        gate_open_before_eta_h = behaviour.shippers.gate_open_before_eta_h
        tomorrow_h = (today + 1) * DAY_H
        eta_by_call: dict[int, float] = {}  # a call's published ETA, once per call (boxes share calls)
        keep = []
        for c in self.to_send:
            eta_h = eta_by_call.get(c.call.id)
            if eta_h is None:
                eta_h = eta_by_call[c.call.id] = published_eta_h(eta_cfg, c.call, now_h)
            if c.ready_h > now_h:  # not stuffed yet
                c.ready_h = max(eta_h - cutoff_before_eta_h - c.ready_lead_h, now_h)
            earliest_h = max(c.ready_h, eta_h - gate_open_before_eta_h)
            if earliest_h >= tomorrow_h:
                keep.append(c)
            elif self.fleet.book(today):
                at_h = max(earliest_h, hour_in_office(today, c.truck_u, behaviour.truckers.working))
                self.model.start_export(c, at_h=at_h)
            else:
                self.model.log.truck_refusals[c.id] += 1
                keep.append(c)
        self.to_send = keep
