"""Customs brokers: declarants keying declarations in office hours, errors and rework.

A brokerage has declarants in proportion to its clients' traffic (``brokers.
declarants_per_100_boxes_per_day``; on average ``per_broker_declarants`` each), working
``brokers.office`` hours.
Jobs wait in its queue (first come, first served) for a free declarant, who keys the declaration
(``brokers.work`` hours of work per full declaration, scaled by the share of data items the
declaration has: a two-step summary has 9 of them) and submits it. A declaration with an error is
rejected by customs' validation on submission and goes back to the queue for rework; it counts
as lodged once accepted (so rework is part of clearance preparation, as in the 2017 evaluation). Errors are
rarer when the B/L data are taken over electronically than when they are re-keyed from paper
(``error_rate_electronic`` against ``error_rate_paper``).

So lodgements come out at the pace the brokers can key them, inside office hours: a vessel's
thousand boxes are declared over the following hours, not in one minute.
"""
from __future__ import annotations

from functools import partial

import mesa

from sim.booked_servers import BookedServers
from sim.consignment import Consignment
from sim.office_hours import finish_time
from sim.schema.behaviour import BrokersConfig


class Broker(mesa.Agent):
    def __init__(self, model: mesa.Model, declarants: int, cfg: BrokersConfig):
        super().__init__(model)
        self.cfg = cfg
        # first come, first served, working in office hours; the queue is reported daily
        self.declarants = BookedServers(declarants, partial(finish_time, office=cfg.office),
                                        count_waiting=True)
        self.keyed = 0  # declarations keyed so far, reworks included
        self.work_h = 0.0  # hours of declarant work so far

    def key(self, work_h: float):
        """The first declarant free takes the job and works ``work_h`` hours in office hours."""
        env = self.model.env
        _, done = self.declarants.book(env.now, work_h)
        yield env.timeout(done - env.now)
        self.keyed += 1
        self.work_h += work_h

    def declare(self, c: Consignment, summary: bool, electronic_data: bool):
        """Key ``c``'s declaration until customs accepts it (one rework if it is rejected); a
        summary declaration's full declaration is keyed right after, off the critical path.
        Generator; returns the hours of declarant work."""
        cfg, log = self.cfg, self.model.log
        items = cfg.summary_items if summary else cfg.full_items
        work_h = c.broker_work_h * items / cfg.full_items
        yield from self.key(work_h)
        error_rate = cfg.error_rate_electronic if electronic_data else cfg.error_rate_paper
        if c.error_u < error_rate:  # rejected by customs' validation: corrected and resubmitted
            log.reworks[c.id] += 1
            yield from self.key(c.rework_h)
            work_h += c.rework_h
        if summary:  # the full declaration follows within 14 days: the same declarants key it
            self.model.env.process(self.key(c.broker_work_h))
            work_h += c.broker_work_h
        log.broker_work_h[c.id] = work_h
        return work_h


def brokerages(cfg: BrokersConfig, boxes_per_day: float) -> int:
    """How many brokerages serve a section with ``boxes_per_day`` boxes a day (both flows)."""
    declarants = cfg.declarants_per_100_boxes_per_day * boxes_per_day / 100
    return max(1, round(declarants / cfg.per_broker_declarants))


def create_brokers(model: mesa.Model, cfg: BrokersConfig, clients_boxes_per_day) -> list[Broker]:
    """One brokerage per entry of ``clients_boxes_per_day`` (its clients' boxes a day), staffed in
    proportion to its clients' traffic: a brokerage hires for the work it has."""
    return [Broker(model, max(1, round(cfg.declarants_per_100_boxes_per_day * boxes / 100)), cfg)
            for boxes in clients_boxes_per_day]
