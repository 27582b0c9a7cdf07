"""Carriers (shipping lines' agents): the delivery order, against the original B/L and charges.

A consignee gets the box from the terminal only with the carrier's delivery order (D/O). With a
paper B/L it surrenders the original at the carrier's counter, pays the local charges and waits
for the D/O: a queue at the counter (``counter_clerks`` scaled with the section's imports, split
among the ``carriers.count`` carriers) served in office hours, ``delivery_order`` hours each.
With an electronic B/L (``carriers.electronic_release``) surrender and D/O are online and at once.
Each vessel call belongs to one carrier (``call id mod count``).
"""
from __future__ import annotations

from functools import partial

import mesa

from sim.booked_servers import BookedServers
from sim.consignment import Consignment
from sim.office_hours import finish_time
from sim.schema.behaviour import CarriersConfig


class Carrier(mesa.Agent):
    def __init__(self, model: mesa.Model, clerks: int, cfg: CarriersConfig):
        super().__init__(model)
        self.cfg = cfg
        # first come, first served, working in office hours
        self.counter = BookedServers(clerks, partial(finish_time, office=cfg.office))

    def release_delivery_order(self, c: Consignment):
        """The consignee surrenders the B/L now; returns once the D/O is issued (logged)."""
        env = self.model.env
        if not self.cfg.electronic_release:
            _, done = self.counter.book(env.now, c.delivery_order_h)
            yield env.timeout(done - env.now)
        self.model.log.delivery_order[c.id] = env.now


def create_carriers(model: mesa.Model, cfg: CarriersConfig, import_boxes_per_day: float) -> list[Carrier]:
    clerks = max(cfg.count, round(cfg.counter_clerks_per_100_boxes_per_day * import_boxes_per_day / 100))
    return [Carrier(model, clerks // cfg.count + (k < clerks % cfg.count), cfg) for k in range(cfg.count)]
