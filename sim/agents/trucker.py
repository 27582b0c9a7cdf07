"""Trucking companies: a fleet's trips a day, accepted or refused as bookings come in.

The section has ``truckers.fleets`` companies; each has a fleet sized to its clients' traffic
(``truckers.trucks_per_100_boxes_per_day`` trips a day per 100 boxes a day, both flows). A trader books its own company for a
day; the company accepts while it has trips left that day and refuses once they are gone (the
trader tries again the next day). Trips run in the fleet's working hours.
"""
from __future__ import annotations

import mesa

from sim.schema.behaviour import TruckersConfig


class TruckingCompany(mesa.Agent):
    def __init__(self, model: mesa.Model, trips_per_day: int, cfg: TruckersConfig):
        super().__init__(model)
        self.cfg = cfg
        self.trips_per_day = trips_per_day
        self.booked: dict[int, int] = {}  # day -> trips booked
        self.refused = 0  # bookings refused so far

    def book(self, day: int) -> bool:
        """Take a booking for ``day`` if a trip is left; True if accepted."""
        taken = self.booked.get(day, 0)
        if taken >= self.trips_per_day:
            self.refused += 1
            return False
        self.booked[day] = taken + 1
        return True

    def forget_before(self, day: int) -> None:
        for d in [d for d in self.booked if d < day]:
            del self.booked[d]


def create_fleets(model: mesa.Model, cfg: TruckersConfig, clients_boxes_per_day) -> list[TruckingCompany]:
    """One company per entry of ``clients_boxes_per_day`` (its clients' boxes a day, both flows),
    its fleet sized to them."""
    return [TruckingCompany(model, max(1, round(cfg.trucks_per_100_boxes_per_day * boxes / 100)), cfg)
            for boxes in clients_boxes_per_day]
