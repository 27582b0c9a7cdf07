"""RoroTerminal: imported finished vehicles at Nangang's ro-ro berths, the part of the port the model
plugs in when ``roro.enabled``.

Ro-ro ships bring vehicles that gangs of drivers drive off into the vehicle yard; each vehicle
is declared by its importer's broker, its compulsory certification is checked at customs'
document desk and the vehicle itself is inspected, then a car carrier takes it away
(:mod:`sim.roro.flow`). What it reuses of the port: customs' document desk (the containers'
officers check the vehicles' certificates too), the broker agent (vehicle brokerages with the
port's office hours) and the trucking company agent (car-carrier companies, a fleet apart from
the container trucks, sized in vehicles a day). Its own: ro-ro berths, the vehicle inspection
teams (in customs' shifts) and the vehicle yard. Vehicles are part of the port, not a side
market: like the containers they are followed through the drain after the horizon, and their
car carriers are booked every day of it.
"""
from __future__ import annotations

import pyarrow as pa

from sim.agents.broker import Broker
from sim.agents.trucker import TruckingCompany
from sim.roro.draws import draw_call
from sim.roro.flow import book_car_carriers, call_arrivals
from sim.roro.records import VehicleLog
from sim.roro.summary import vehicle_summary
from sim.schema.roro import RoroConfig
from sim.station import Station


class RoroTerminal:
    """Ro-ro calls, the vehicle yard, and the vehicles' clearance and pickup."""

    def __init__(self, model, cfg: RoroConfig):
        self.env, self.seed, self.cfg = model.env, model.seed, cfg
        self.run_cfg = run = model.config.run
        calls, c, customs = cfg.calls, cfg.clearance, model.config.customs
        days = run.horizon_days + run.drain_cap_days
        self.log = VehicleLog(capacity=int(1.1 * calls.per_day * calls.vehicles_per_call * days) + 1024)
        self.berths = Station(self.env, "roro_berth", calls.berths)
        self.inspection = Station(self.env, "vehicle_inspection", c.inspection_teams,
                                  shift=(float(customs.shift_start_h), float(customs.shift_end_h)))
        self.doc_desk = model.customs.doc_desk  # shared with the containers' document checks
        self.brokers = [Broker(model, c.declarants_per_broker, model.config.behaviour.brokers)
                        for _ in range(c.brokers)]
        cc = cfg.car_carriers  # a booking is one vehicle's place on a car carrier that day
        self.car_carriers = [TruckingCompany(model, cc.vehicles_per_day, cc) for _ in range(cc.companies)]
        self.on_ship = 0  # vehicles of arrived calls not yet driven off
        self.in_yard = 0  # vehicles in the vehicle yard
        self.yard_peak = 0
        self.awaiting_carrier: list[int] = []  # released vehicles not yet booked, in release order
        call_arrivals(self)

    @property
    def stations(self) -> list[Station]:
        """The stations of its own (the document desk is customs')."""
        return [self.berths, self.inspection]

    def draw_call(self, number: int) -> dict:
        return draw_call(self.cfg, self.seed, number)

    def arrive(self, number: int, v: dict) -> int:
        """Log the call's vehicles as arrived now, on board; return the first one's row."""
        n = len(v["importer"])
        first = self.log.allocate(n)
        log, rows = self.log, slice(first, first + n)
        log.vessel_arrival[rows] = self.env.now
        log.call[rows] = number
        log.importer[rows] = v["importer"]
        log.value_cny[rows] = v["value_cny"]
        log.need_h[rows] = self.env.now + v["need_lag_h"]
        log.pickup_u[rows] = v["pickup_u"]
        self.on_ship += n
        return first

    def drive_off(self, row: int) -> None:
        """The vehicle is driven off the ship and parked in the vehicle yard."""
        self.log.discharge[row] = self.env.now
        self.on_ship -= 1
        self.in_yard += 1
        self.yard_peak = max(self.yard_peak, self.in_yard)

    def leave(self, row: int) -> None:
        """A car carrier takes the vehicle out of the port."""
        self.log.picked_up[row] = self.env.now
        self.in_yard -= 1

    def daily_update(self, today: int) -> None:
        """Importers book car carriers for the vehicles their dealers want today."""
        book_car_carriers(self, today)
        for company in self.car_carriers:
            company.forget_before(today)

    def daily_series(self) -> dict[str, float]:
        return {"vehicles_in_yard": self.in_yard,
                "vehicles_awaiting_car_carrier": len(self.awaiting_carrier),
                "vehicles_waiting_for_inspection": self.inspection.waiting}

    def log_table(self) -> pa.Table:
        """One row per vehicle: attributes, milestones (h), refusals."""
        return self.log.to_arrow("vehicle")

    def summary(self, window_start_h: float, window_end_h: float, horizon_h: float) -> dict:
        return vehicle_summary(self, window_start_h, window_end_h, horizon_h)
