"""Typed configuration of the bonded zone's warehouses, orders, staff, zone customs and trucks.

Values live in ``configs/bonded_zone/yangshan.yaml`` (each with its source or "assumption");
here only shape, units and rules. Units: hours (``_h``), days (``_days``), CNY (``_cny``),
pallets (pallet equivalents: a CBEC order of parcels counts by the pallets it fills).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config import (
    ConfigError,
    Duration,
    _at_least,
    _check_types,
    _duration,
    _positive,
    _probability,
    _shares,
)

KINDS = ("domestic_sale", "re_export", "cbec")  # order kinds, in the log's ``kind`` codes 0, 1, 2


@dataclass
class PerKind:
    """One value per order kind: domestic sale (duty-paid clearance out of the zone), re-export,
    cross-border e-commerce (CBEC)."""

    domestic_sale: float = MISSING
    re_export: float = MISSING
    cbec: float = MISSING

    def values(self) -> tuple[float, float, float]:
        return tuple(getattr(self, k) for k in KINDS)


@dataclass
class OrdersConfig:
    per_day: float = MISSING  # orders a day from all zone firms (Poisson per firm, rate by firm size)
    kinds: PerKind = field(default_factory=PerKind)  # shares of orders by kind, sum 1
    mixed: PerKind = field(default_factory=PerKind)  # P(order has bonded AND non-bonded lines)
    bonded_if_single: PerKind = field(default_factory=PerKind)  # P(bonded | one goods class only)
    pallets_per_line: PerKind = field(default_factory=PerKind)  # mean volume of one goods-class line
    line_cv: float = MISSING  # lognormal cv of a line's volume
    value_cny_per_pallet: float = MISSING  # cargo value of a pallet


@dataclass
class InboundConfig:
    lead_time: Duration = field(default_factory=Duration)  # lot ordered -> at the zone gate, h
    lot_cover_days: float = MISSING  # lot size Q = this many days of the firm's mean demand
    reorder_cover_days: float = MISSING  # reorder point s = this many days of mean demand
    putaway_h_per_pallet: float = MISSING  # staff hours to put one pallet away
    entry_record: Duration = field(default_factory=Duration)  # desk time to enter a bonded lot


@dataclass
class SpaceConfig:
    m2_per_pallet: float = MISSING  # floor space per pallet position, aisles included
    rent_cny_per_m2_day: float = MISSING
    sizing_window_days: int = MISSING  # a firm rents room for its peak stock of the last N days
    headroom: float = MISSING  # rented above that peak, fraction (0.1 = 10 % spare)


@dataclass
class StaffConfig:
    pickers: int = MISSING  # the operator's warehouse staff (put-away and picking)
    shift_start_h: float = MISSING  # working hours, hour of day
    shift_end_h: float = MISSING
    pick_base_h: float = MISSING  # per pick job: documents, packing, labels, staging
    pick_h_per_pallet: float = MISSING
    pick_cv: float = MISSING  # lognormal spread of a job's duration


@dataclass
class ZoneCustomsConfig:
    desk_officers: int = MISSING
    shift_start_h: float = MISSING  # desk hours, hour of day
    shift_end_h: float = MISSING
    preparation: Duration = field(default_factory=Duration)  # broker drafts a declaration, h
    processing: Duration = field(default_factory=Duration)  # desk time per declaration, h
    extra_shipment_factor: float = MISSING  # desk work per extra shipment listed, fraction of one
    doc_check_prob: float = MISSING  # chance a declaration gets a document check
    doc_check: Duration = field(default_factory=Duration)  # extra desk time of a check, h
    detection_prob: float = MISSING  # chance a check finds an offending order it covers
    broker_fee_cny: float = MISSING  # per declaration


@dataclass
class TruckingConfig:
    capacity_pallets: float = MISSING  # pallets a truck carries
    call_lead: Duration = field(default_factory=Duration)  # truck booked -> at the dock, h
    loading_h_per_pallet: float = MISSING
    trip_cny: float = MISSING  # one truck trip out of the zone


@dataclass
class BondedZoneConfig:
    """The bonded warehouse flow in the special customs supervision zone (DESIGN.md §4)."""

    enabled: bool = True
    zone_firms: int = MISSING  # firms with goods in the zone, drawn from the port's firms by size
    holding_pct_per_day: float = MISSING  # time cost of goods awaiting shipment, % of value a day
    orders: OrdersConfig = field(default_factory=OrdersConfig)
    inbound: InboundConfig = field(default_factory=InboundConfig)
    space: SpaceConfig = field(default_factory=SpaceConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    customs: ZoneCustomsConfig = field(default_factory=ZoneCustomsConfig)
    trucks: TruckingConfig = field(default_factory=TruckingConfig)


# --------------------------------------------------------------------------- offered load


def class_pallets_per_order(o: OrdersConfig) -> tuple[float, float]:
    """Mean pallets per order of bonded and of non-bonded goods."""
    bonded = domestic = 0.0
    for share, mixed, single_b, vol in zip(o.kinds.values(), o.mixed.values(),
                                           o.bonded_if_single.values(), o.pallets_per_line.values()):
        bonded += share * (mixed + (1 - mixed) * single_b) * vol
        domestic += share * (mixed + (1 - mixed) * (1 - single_b)) * vol
    return bonded, domestic


def offered_load(cfg: BondedZoneConfig) -> dict[str, float]:
    """Baseline offered utilisation of the zone's staff and customs desk (work / capacity a day).

    Each goods class of each firm receives one lot every ``lot_cover_days``, whatever its size.
    """
    o = cfg.orders
    jobs = o.per_day * sum(s * (1 + m) for s, m in zip(o.kinds.values(), o.mixed.values()))
    pallets = o.per_day * sum(class_pallets_per_order(o))
    s = cfg.staff
    pick_h = jobs * s.pick_base_h + pallets * (s.pick_h_per_pallet + cfg.inbound.putaway_h_per_pallet)
    c = cfg.customs
    bonded_lots = cfg.zone_firms / cfg.inbound.lot_cover_days
    desk_h = (jobs * (c.processing.mean_h + c.doc_check_prob * c.doc_check.mean_h)
              + bonded_lots * cfg.inbound.entry_record.mean_h)
    return {"pickers": pick_h / (s.pickers * (s.shift_end_h - s.shift_start_h)),
            "customs_desk": desk_h / (c.desk_officers * (c.shift_end_h - c.shift_start_h))}


# --------------------------------------------------------------------------- validation


def validate_bonded_zone(cfg: BondedZoneConfig, path: str) -> None:
    """Raise :class:`ConfigError` (field path prefixed with ``path``) for the first bad value."""
    p = f"{path}."
    _check_types(cfg, p)
    _at_least(p + "zone_firms", cfg.zone_firms, 1)
    _at_least(p + "holding_pct_per_day", cfg.holding_pct_per_day, 0)

    o = cfg.orders
    _positive(p + "orders.per_day", o.per_day)
    _shares(p + "orders.kinds", o.kinds, KINDS)
    for name in ("mixed", "bonded_if_single"):
        for kind in KINDS:
            _probability(f"{p}orders.{name}.{kind}", getattr(getattr(o, name), kind))
    for kind in KINDS:
        _positive(f"{p}orders.pallets_per_line.{kind}", getattr(o.pallets_per_line, kind))
    _at_least(p + "orders.line_cv", o.line_cv, 0)
    _at_least(p + "orders.value_cny_per_pallet", o.value_cny_per_pallet, 0)

    i = cfg.inbound
    _duration(p + "inbound.lead_time", i.lead_time)
    _positive(p + "inbound.lot_cover_days", i.lot_cover_days)
    _at_least(p + "inbound.reorder_cover_days", i.reorder_cover_days, 0)
    _at_least(p + "inbound.putaway_h_per_pallet", i.putaway_h_per_pallet, 0)
    _duration(p + "inbound.entry_record", i.entry_record)

    sp = cfg.space
    _positive(p + "space.m2_per_pallet", sp.m2_per_pallet)
    _at_least(p + "space.rent_cny_per_m2_day", sp.rent_cny_per_m2_day, 0)
    _at_least(p + "space.sizing_window_days", sp.sizing_window_days, 1)
    _at_least(p + "space.headroom", sp.headroom, 0)

    s = cfg.staff
    _at_least(p + "staff.pickers", s.pickers, 1)
    _shift(p + "staff", s.shift_start_h, s.shift_end_h)
    _at_least(p + "staff.pick_base_h", s.pick_base_h, 0)
    _at_least(p + "staff.pick_h_per_pallet", s.pick_h_per_pallet, 0)
    _at_least(p + "staff.pick_cv", s.pick_cv, 0)

    c = cfg.customs
    _at_least(p + "customs.desk_officers", c.desk_officers, 1)
    _shift(p + "customs", c.shift_start_h, c.shift_end_h)
    for name in ("preparation", "processing", "doc_check"):
        _duration(f"{p}customs.{name}", getattr(c, name))
    _at_least(p + "customs.extra_shipment_factor", c.extra_shipment_factor, 0)
    _probability(p + "customs.doc_check_prob", c.doc_check_prob)
    _probability(p + "customs.detection_prob", c.detection_prob)
    _at_least(p + "customs.broker_fee_cny", c.broker_fee_cny, 0)

    t = cfg.trucks
    _positive(p + "trucks.capacity_pallets", t.capacity_pallets)
    _duration(p + "trucks.call_lead", t.call_lead)
    _at_least(p + "trucks.loading_h_per_pallet", t.loading_h_per_pallet, 0)
    _at_least(p + "trucks.trip_cny", t.trip_cny, 0)

    fields_of = {"pickers": p + "staff.pickers", "customs_desk": p + "customs.desk_officers"}
    for station, rho in offered_load(cfg).items():
        if rho >= 1:
            raise ConfigError(fields_of[station], f"the zone's {station} would have offered utilisation "
                              f"{rho:.2f} >= 1 and queue without bound: add capacity or lower demand")


def _shift(path: str, start: float, end: float) -> None:
    for name, value in (("shift_start_h", start), ("shift_end_h", end)):
        if not 0 <= value <= 24:
            raise ConfigError(f"{path}.{name}", f"must be an hour of day in [0, 24], got {value}")
    if end <= start:
        raise ConfigError(f"{path}.shift_end_h", f"must be after {path}.shift_start_h ({start}), got {end}")

