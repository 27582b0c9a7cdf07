"""AirCargoTerminal: cross-border e-commerce parcels at the Pudong air cargo terminal, the runtime
sub-model the model plugs in.

Flights bring ULDs of parcels from overseas sellers; the terminal breaks them down and customs
clears each parcel (:mod:`sim.ecommerce.flow`) at limited stations: ULD breakdown, the declaration
desk, manual handling of mismatched documents, the red-channel inspection, the special-goods check
(electrified, magnetic, cosmetics), and for returns the return desk and return inspection. The
``ecommerce_air`` policy (:mod:`sim.policies.ecommerce_air`) changes who is checked, how parcels
are declared and how returns are handled; the queues decide what that is worth.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from sim.ecommerce.draws import draw_flight, draw_sellers
from sim.ecommerce.flow import flight_arrivals
from sim.ecommerce.records import ParcelLog
from sim.ecommerce.summary import parcel_summary
from sim.policies.ecommerce_air import EcommerceAir
from sim.schema.ecommerce import EcommerceConfig
from sim.schema.policies import EcommerceAirConfig
from sim.station import Station


class AirCargoTerminal:
    """Flights, parcels, their clearance and their returns."""

    def __init__(self, model, cfg: EcommerceConfig, policy_cfg: EcommerceAirConfig):
        self.env, self.seed, self.cfg = model.env, model.seed, cfg
        self.horizon_days = model.config.run.horizon_days
        f = cfg.flights
        expected = f.per_day * f.ulds_per_flight * f.parcels_per_uld * self.horizon_days
        self.log = ParcelLog(capacity=int(1.1 * expected) + 1024)
        self.seller_p, seller_u = draw_sellers(self.seed, cfg.sellers)
        self.policy = EcommerceAir(policy_cfg, seller_u)
        c, r = cfg.customs, cfg.returns
        book = {"book_ahead": True}  # first come, first served, round the clock
        self.breakdown = Station(self.env, "uld_breakdown", cfg.breakdown_teams, **book)
        self.desk = Station(self.env, "cbec_declaration", c.declaration_officers, **book)
        self.manual = Station(self.env, "cbec_manual", c.manual_officers, **book)
        self.inspection = Station(self.env, "cbec_inspection", c.inspectors, **book)
        self.special_check = Station(self.env, "special_goods_check", cfg.special_check.inspectors, **book)
        self.return_desk = Station(self.env, "return_desk", r.desk_officers, **book)
        self.return_inspection = Station(self.env, "return_inspection", r.inspectors, **book)
        self.stations = [self.breakdown, self.desk, self.manual, self.inspection, self.special_check,
                         self.return_desk, self.return_inspection]
        self._first_row: dict[int, int] = {}  # flight number -> its first parcel's row
        self.env.process(flight_arrivals(self))

    def draw_flight(self, number: int) -> dict:
        return draw_flight(self.cfg, self.seed, number, self.seller_p)

    def land(self, number: int, f: dict) -> int:
        """Log the flight's parcels as arrived now; return the first one's row."""
        n = int(f["per_uld"].sum())
        first = self.log.allocate(n)
        log, rows = self.log, slice(first, first + n)
        log.flight_arrival[rows] = self.env.now
        log.flight[rows] = number
        log.uld[rows] = number * 1000 + np.repeat(np.arange(len(f["per_uld"])), f["per_uld"])
        for name in ("seller", "goods", "value_cny"):
            log.columns[name][rows] = f[name]
        log.whitelisted[rows] = self.policy.whitelisted[f["seller"]]
        log.noncompliant[rows] = f["noncompliant"] & (f["goods"] != 0)
        log.mismatched[rows] = f["mismatched"]
        log.inspected[rows] = f["inspected"]
        log.return_faulty[rows] = f["return_fails"]
        self._first_row[number] = first
        return first

    def index(self, f: dict, row: int) -> int:
        """The parcel's position in its flight's draws."""
        return row - self._first_row[f["number"]]

    def daily_update(self) -> None:
        """Nothing adapts from day to day: sellers, whitelist and capacities are fixed for the run."""

    def daily_series(self) -> dict[str, float]:
        return {"parcels_arrived": self.log.size,
                "parcels_waiting_for_special_check": self.special_check.waiting,
                "returns_waiting_at_desk": self.return_desk.waiting}

    def log_table(self) -> pa.Table:
        """One row per parcel: attributes, milestones (h), outcomes."""
        return self.log.to_arrow("parcel")

    def summary(self, window_start_h: float, window_end_h: float) -> dict:
        return parcel_summary(self, window_start_h, window_end_h)
