"""BondedZone: the special customs supervision zone next to the port, as one sub-model.

Built by the port model once its firms exist: ``BondedZone(model, cfg.bonded_zone,
cfg.policies.shared_warehousing)``. The largest firms are likelier to hold goods in the zone
(``zone_firms`` drawn by size weight); a zone firm's orders arrive as a Poisson stream whose rate
is its share of ``orders.per_day`` by size weight. The zone holds the firms' stock
(:mod:`~sim.bonded_zone.stock`), the operator's warehouses and staff
(:mod:`~sim.bonded_zone.warehouse`), the zone customs desk (:mod:`~sim.bonded_zone.customs`) and
the order log (:mod:`~sim.bonded_zone.records`); orders and lots move through
:mod:`~sim.bonded_zone.flow`, bonded lots through the port (:mod:`~sim.bonded_zone.first_line`).
Firms opt in to shared warehousing through :class:`sim.adoption.Adoption` (eligible: credit
class not low).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from sim.adoption import Adoption
from sim.bonded_zone.customs import ZoneCustoms
from sim.bonded_zone.draws import (
    BONDED,
    DOMESTIC,
    LOTS,
    POPULATION,
    Order,
    Variates,
    draw_day,
    durations,
    zone_stream,
)
from sim.bonded_zone.first_line import IN_PORT, FirstLine
from sim.bonded_zone.flow import order_arrivals
from sim.bonded_zone.records import COSTS, OrderLog
from sim.bonded_zone.stock import Stock
from sim.bonded_zone.summary import zone_summary
from sim.bonded_zone.warehouse import Warehouse
from sim.records import COMPLIANT, DETECTED, LOW, MISSED
from sim.rng import Purpose, stream
from sim.schema.bonded_zone import BondedZoneConfig
from sim.schema.times import Duration
from sim.station import Station

if TYPE_CHECKING:
    from sim.schema.policies import SharedWarehousingConfig

ADOPTION_KEY = 3  # stream(seed, Purpose.ADOPTION, 3); 1 and 2 are the container fast lanes


class BondedZone:
    def __init__(self, model, cfg: BondedZoneConfig, policy_cfg: SharedWarehousingConfig):
        self.model, self.env, self.cfg, self.policy = model, model.env, cfg, policy_cfg
        firms = model.consignees  # config validation ensures zone_firms <= len(firms)
        size = np.array([f.size_weight for f in firms])
        pick = zone_stream(model.seed, POPULATION, 0).choice(len(firms), cfg.zone_firms, replace=False,
                                                              p=size / size.sum())
        self.firm_index = np.sort(pick)  # zone firm -> index in model.consignees
        zone_firms = [firms[i] for i in self.firm_index]
        self.rate = cfg.orders.per_day * size[self.firm_index] / size[self.firm_index].sum()  # orders/day
        self.offence_rate = np.array([f.offence_rate for f in zone_firms])
        self.eligible = np.array([f.credit != LOW for f in zone_firms])
        demand = self.rate[:, None] * np.array(cfg.orders.class_pallets())[None, :]
        self.stock = Stock(self.env, demand, cfg.inbound, cfg.trucks.capacity_pallets,
                           zone_stream(model.seed, POPULATION, 1).random(demand.shape))
        self.lot_variates = [[self._lot_variates(zf, g) for g in (BONDED, DOMESTIC)]
                             for zf in range(len(self.rate))]

        self.adoption = (Adoption(policy_cfg.adoption, self.eligible, self.rate,
                                  stream(model.seed, Purpose.ADOPTION, ADOPTION_KEY))
                         if policy_cfg.enabled else None)
        self.log = OrderLog(capacity=int(1.05 * cfg.orders.per_day * model.config.run.horizon_days) + 256)
        s = cfg.staff
        self.pickers = Station(self.env, "zone_pickers", s.pickers, shift=(s.shift_start_h, s.shift_end_h))
        self.customs = ZoneCustoms(self)
        self.stations = [self.pickers, self.customs.desk]

        self.bonded = Warehouse(self, "bonded", pooled=False)
        self.domestic = Warehouse(self, "domestic", pooled=False)
        self.shared = Warehouse(self, "shared", pooled=True) if policy_cfg.enabled else None
        self.warehouses = [w for w in (self.bonded, self.domestic, self.shared) if w is not None]
        self.in_shared = np.zeros(len(self.rate), dtype=bool)  # where each firm's goods are
        lead_days = cfg.inbound.lead_time.mean_h / 24  # expected peak: a lot arriving on the safety stock
        planned_peak = self.stock.lot + np.maximum(self.stock.reorder_point - demand * lead_days, 0)
        for zf in range(len(self.rate)):
            self.bonded.open_account(zf, self.stock.on_hand[zf, BONDED], planned_peak[zf, BONDED])
            self.domestic.open_account(zf, self.stock.on_hand[zf, DOMESTIC], planned_peak[zf, DOMESTIC])
        self._follow_adoption()
        self.first_line = FirstLine(self) if cfg.first_line.enabled else None

        self.firm_rent_cny_per_day = (planned_peak.sum(axis=1) * (1 + cfg.space.headroom)
                                      * self._cny_per_pallet_day)
        self.days: list[dict[str, float]] = []  # one record per closed day (see daily_update)
        self.completed = 0
        self.env.process(order_arrivals(self))

    @property
    def _cny_per_pallet_day(self) -> float:
        return self.cfg.space.m2_per_pallet * self.cfg.space.rent_cny_per_m2_day

    def _lot_variates(self, zf: int, g: int) -> tuple[Variates, Variates, Variates]:
        """Lead time, entry-record time and put-away speed factor of each lot of (zf, g)."""
        seed, i = self.model.seed, self.cfg.inbound
        unit = Duration(mean_h=1.0, dist="lognormal", cv=self.cfg.staff.pick_cv)  # as for picking
        return (Variates(seed, (LOTS, zf, g, 0), durations(i.lead_time)),
                Variates(seed, (LOTS, zf, g, 1), durations(i.entry_record)),
                Variates(seed, (LOTS, zf, g, 2), durations(unit)))

    # ------------------------------------------------------------------ orders
    def new_orders(self, day: int) -> list[tuple[float, Order]]:
        """Draw and log the orders of ``day``; return (arrival time, order) in time order."""
        d = draw_day(self.cfg, self.model.seed, day, self.rate, self.offence_rate)
        n = len(d["at"])
        first = self.log.allocate(n)
        rows = slice(first, first + n)
        log = self.log
        log.ordered[rows] = d["at"]
        log.firm[rows] = self.firm_index[d["zf"]]
        log.kind[rows] = d["kind"]
        log.bonded_pallets[rows], log.domestic_pallets[rows] = d["pallets"][:, 0], d["pallets"][:, 1]
        log.value_cny[rows] = d["value_cny"]
        log.offence[rows] = d["offence"]
        keys = ("zf", "kind", "pallets", "value_cny", "offence", "detect_u", "pick_factor",
                "prep_h", "processing_h", "check_u", "check_h", "truck_h")
        columns = [list(zip(*d[k].T.tolist())) if d[k].ndim == 2 else d[k].tolist() for k in keys]
        return [(at, Order(first + k, *values))
                for k, (at, values) in enumerate(zip(d["at"].tolist(), zip(*columns)))]

    def route(self, o: Order) -> list[tuple]:
        """Shipments of order ``o``: (warehouse, goods class, bonded pallets, domestic pallets)."""
        bonded, domestic = o.pallets
        self.log.shared[o.row] = shared = bool(self.in_shared[o.zf])
        if shared:  # one shipment; its goods-class index only picks the (unused) baseline draws
            shipments = [(self.shared, BONDED, bonded, domestic)]
        else:
            shipments = [(w, g, bonded if g == BONDED else 0.0, domestic if g == DOMESTIC else 0.0)
                         for w, g, pallets in ((self.bonded, BONDED, bonded),
                                               (self.domestic, DOMESTIC, domestic))
                         if pallets > 0]
        self.log.shipments[o.row] = len(shipments)
        return shipments

    def area(self, zf: int, g: int) -> Warehouse:
        """The warehouse holding firm ``zf``'s goods of class ``g``."""
        return self.shared if self.in_shared[zf] else (self.bonded, self.domestic)[g]

    def receive(self, zf: int, g: int, pallets: float) -> None:
        self.stock.receive(zf, g, pallets)
        self.area(zf, g).store(zf, pallets)

    def dispatch(self, zf: int, bonded: float, domestic: float) -> None:
        """Goods leave the zone on a truck."""
        for g, pallets in ((BONDED, bonded), (DOMESTIC, domestic)):
            if pallets > 0:
                self.stock.ship(zf, g, pallets)
                self.area(zf, g).remove(zf, pallets)

    def complete(self, o: Order) -> None:
        """Shipped and cleared: cost the order, judge its enforcement outcome, tell the firms."""
        log, r, cfg = self.log, o.row, self.cfg
        log.trucking_cny[r] = log.trucks[r] * cfg.trucks.trip_cny
        log.declaration_cny[r] = log.declarations[r] * cfg.customs.broker_fee_cny
        days_to_ship = (log.shipped[r] - log.ordered[r]) / 24
        log.holding_cny[r] = o.value_cny * cfg.holding_pct_per_day / 100 * days_to_ship
        log.space_cny[r] = self.firm_rent_cny_per_day[o.zf] / self.rate[o.zf]
        detected = log.doc_checked[r] and o.detect_u < cfg.customs.detection_prob
        log.outcome[r] = (DETECTED if detected else MISSED) if o.offence else COMPLIANT
        self.completed += 1
        if self.adoption is not None and self.eligible[o.zf]:
            self.adoption.record(bool(log.shared[r]), float(sum(log.columns[c][r] for c in COSTS)))

    # ------------------------------------------------------------------ days
    def daily_update(self) -> None:
        """End of a day: bill space, then firms review whether to use the shared warehouse."""
        day = round(self.env.now / 24) - 1
        occupied, billed = 0.0, np.zeros(len(self.rate))
        for w in self.warehouses:
            occupied_days, billed_w = w.close_day(day)
            occupied += occupied_days
            billed += billed_w
        self.firm_rent_cny_per_day = billed * self._cny_per_pallet_day
        self.days.append({"day": day, "occupied_pallet_days": occupied,
                          "billed_pallet_days": float(billed.sum()),
                          "rent_cny": float(self.firm_rent_cny_per_day.sum()),
                          "trucks_total": sum(w.trucks_dispatched for w in self.warehouses),
                          "declarations_total": self.customs.lodged})
        if self.adoption is not None:
            self.adoption.daily_review()
            self._follow_adoption()
        if self.first_line is not None:  # firms move in the boxes their warehouses now have room for
            self.first_line.review()

    def _follow_adoption(self) -> None:
        """Firms that opted in (out) move their goods into (out of) the shared warehouse."""
        if self.adoption is None:
            return
        for zf in np.flatnonzero(self.adoption.adopted != self.in_shared).tolist():
            if self.adoption.adopted[zf]:
                pallets_b, peaks_b = self.bonded.close_account(zf)
                pallets_d, peaks_d = self.domestic.close_account(zf)
                self.shared.open_account(zf, pallets_b + pallets_d, peaks_b + peaks_d)
            else:
                _, peaks = self.shared.close_account(zf)  # each class planned for the pooled peak
                self.bonded.open_account(zf, self.stock.on_hand[zf, BONDED], peaks)
                self.domestic.open_account(zf, self.stock.on_hand[zf, DOMESTIC], peaks)
            self.in_shared[zf] = self.adoption.adopted[zf]

    def daily_series(self) -> dict[str, float]:
        """The day just closed by :meth:`daily_update` (call it first): space, trucks,
        declarations; and queues and stock now."""
        nothing = {"billed_pallet_days": 0, "occupied_pallet_days": 0, "rent_cny": 0,
                   "trucks_total": 0, "declarations_total": 0}
        today = self.days[-1] if self.days else nothing
        before = self.days[-2] if len(self.days) > 1 else nothing
        billed = today["billed_pallet_days"]
        return {  # station queues and utilisation are recorded by the model for every station
            "zone_orders_open": float(self.log.size - self.completed),
            "zone_stock_pallets": float(self.stock.on_hand.sum()),
            "zone_space_utilisation": today["occupied_pallet_days"] / billed if billed else float("nan"),
            "zone_rented_m2": float(billed * self.cfg.space.m2_per_pallet),
            "zone_rent_cny": float(today["rent_cny"]),
            "zone_trucks": float(today["trucks_total"] - before["trucks_total"]),
            "zone_declarations": float(today["declarations_total"] - before["declarations_total"]),
            "zone_shared_adoption": self.adoption.share() if self.adoption is not None else 0.0,
            "zone_shared_adoption_firms": self.adoption.firm_share() if self.adoption is not None else 0.0,
            "zone_boxes_in_port": float(self.first_line.count[IN_PORT]) if self.first_line is not None else 0.0,
        }

    def summary(self, window_start_h: float, window_end_h: float) -> dict:
        return zone_summary(self, window_start_h, window_end_h)

    def log_table(self) -> pa.Table:
        return self.log.to_arrow()
