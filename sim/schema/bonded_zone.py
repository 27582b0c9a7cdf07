"""The bonded zone's warehouses, orders, staff, zone customs and trucks (DESIGN.md section 4).

Values live in ``configs/bonded_zone/yangshan.yaml`` (each with its source or "assumption");
here only shape, units and rules. Units: hours (``_h``), days (``_days``), CNY (``_cny``),
pallets (pallet equivalents: a CBEC order of parcels counts by the pallets it fills).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.fields import check_shares, param
from sim.schema.times import Duration, check_shift

KINDS = ("domestic_sale", "re_export", "cbec")  # order kinds, in the log's ``kind`` codes 0, 1, 2


@dataclass
class PerKind:
    """One value per order kind: domestic sale (duty-paid clearance out of the zone), re-export,
    cross-border e-commerce (CBEC)."""

    domestic_sale: float = param(MISSING, ge=0)
    re_export: float = param(MISSING, ge=0)
    cbec: float = param(MISSING, ge=0)

    def values(self) -> tuple[float, float, float]:
        return tuple(getattr(self, k) for k in KINDS)


@dataclass
class KindShares(PerKind):
    """Shares of orders by kind; they must sum to 1."""

    domestic_sale: float = param(MISSING, ge=0, le=1)
    re_export: float = param(MISSING, ge=0, le=1)
    cbec: float = param(MISSING, ge=0, le=1)

    def check(self, path: str) -> None:
        check_shares(self, path)


@dataclass
class KindProbabilities(PerKind):
    domestic_sale: float = param(MISSING, ge=0, le=1)
    re_export: float = param(MISSING, ge=0, le=1)
    cbec: float = param(MISSING, ge=0, le=1)


@dataclass
class KindPallets(PerKind):
    domestic_sale: float = param(MISSING, gt=0, unit="pallets")
    re_export: float = param(MISSING, gt=0, unit="pallets")
    cbec: float = param(MISSING, gt=0, unit="pallets")


@dataclass
class OrdersConfig:
    per_day: float = param(MISSING, gt=0, unit="orders/day",
                           doc="from all zone firms, Poisson per firm")
    kinds: KindShares = field(default_factory=KindShares)
    # P(bonded AND non-bonded lines)
    mixed: KindProbabilities = field(default_factory=KindProbabilities)
    # P(bonded | one class)
    bonded_if_single: KindProbabilities = field(default_factory=KindProbabilities)
    # mean volume of one goods-class line
    pallets_per_line: KindPallets = field(default_factory=KindPallets)
    line_cv: float = param(MISSING, ge=0, doc="lognormal cv of a line's volume")
    value_cny_per_pallet: float = param(MISSING, ge=0, unit="CNY")

    def class_pallets(self) -> tuple[float, float]:
        """Mean pallets per order of bonded and of non-bonded goods."""
        bonded = domestic = 0.0
        for share, mixed, single_b, vol in zip(self.kinds.values(), self.mixed.values(),
                                               self.bonded_if_single.values(),
                                               self.pallets_per_line.values()):
            bonded += share * (mixed + (1 - mixed) * single_b) * vol
            domestic += share * (mixed + (1 - mixed) * (1 - single_b)) * vol
        return bonded, domestic


@dataclass
class InboundConfig:
    lead_time: Duration = field(default_factory=Duration)  # lot ordered -> at the zone gate, h
    lot_cover_days: float = param(MISSING, gt=0, unit="days",
                                  doc="lot size Q = days of mean demand")
    reorder_cover_days: float = param(MISSING, ge=0, unit="days",
                                      doc="reorder point s = days of mean demand")
    putaway_h_per_pallet: float = param(MISSING, ge=0, unit="h")
    entry_record: Duration = field(default_factory=Duration)  # desk time to enter a bonded lot


@dataclass
class SpaceConfig:
    m2_per_pallet: float = param(MISSING, gt=0, unit="m2",
                                 doc="floor space per pallet position, aisles included")
    rent_cny_per_m2_day: float = param(MISSING, ge=0, unit="CNY/m2/day")
    sizing_window_days: int = param(MISSING, ge=1, unit="days",
                                    doc="room for the peak stock of the last N days")
    headroom: float = param(MISSING, ge=0, doc="rented above that peak, fraction")


@dataclass
class StaffConfig:
    pickers: int = param(MISSING, ge=1, doc="the operator's warehouse staff (put-away and picking)")
    shift_start_h: float = param(MISSING, ge=0, le=24, unit="h", doc="hour of day")
    shift_end_h: float = param(MISSING, ge=0, le=24, unit="h")
    pick_base_h: float = param(MISSING, ge=0, unit="h",
                               doc="per pick job: documents, packing, labels")
    pick_h_per_pallet: float = param(MISSING, ge=0, unit="h")
    pick_cv: float = param(MISSING, ge=0, doc="lognormal spread of a job's duration")

    def check(self, path: str) -> None:
        check_shift(path, self.shift_start_h, self.shift_end_h)


@dataclass
class ZoneCustomsConfig:
    desk_officers: int = param(MISSING, ge=1)
    shift_start_h: float = param(MISSING, ge=0, le=24, unit="h", doc="desk hours, hour of day")
    shift_end_h: float = param(MISSING, ge=0, le=24, unit="h")
    preparation: Duration = field(default_factory=Duration)  # broker drafts a declaration, h
    processing: Duration = field(default_factory=Duration)  # desk time per declaration, h
    extra_shipment_factor: float = param(MISSING, ge=0,
                                         doc="desk work per extra shipment listed, fraction")
    doc_check_prob: float = param(MISSING, ge=0, le=1,
                                  doc="chance a declaration gets a document check")
    doc_check: Duration = field(default_factory=Duration)  # extra desk time of a check, h
    detection_prob: float = param(MISSING, ge=0, le=1,
                                  doc="chance a check finds an offending order")
    broker_fee_cny: float = param(MISSING, ge=0, unit="CNY", doc="per declaration")

    def check(self, path: str) -> None:
        check_shift(path, self.shift_start_h, self.shift_end_h)


@dataclass
class TruckingConfig:
    capacity_pallets: float = param(MISSING, gt=0, unit="pallets")
    call_lead: Duration = field(default_factory=Duration)  # truck booked -> at the dock, h
    loading_h_per_pallet: float = param(MISSING, ge=0, unit="h")
    trip_cny: float = param(MISSING, ge=0, unit="CNY", doc="one truck trip out of the zone")


@dataclass
class FirstLineConfig:
    """The port feeds the zone: a zone firm's bonded lots come as import containers through the
    port and move into the zone under first-line rules (:mod:`sim.bonded_zone.first_line`)."""

    enabled: bool = param(True, doc="bonded lots come through the port (needs arrivals.mode=vessel); "
                                    "false: they reach the zone gate after inbound.lead_time")
    transit: Duration = field(default_factory=Duration)  # lot ordered -> ready at the port of arrival, h
    pallets_per_box: float = param(MISSING, gt=0, unit="pallets",
                                   doc="load of one container of a lot (lots split into equal boxes)")
    deadline_days: float = param(MISSING, gt=0, unit="days",
                                 doc="entry filing due this long after the vessel's arrival")
    late_fee_pct_per_day: float = param(MISSING, ge=0, le=100, unit="%/day",
                                        doc="late-declaration fee per started day late, of the goods' value")
    filing_lead_h: float = param(MISSING, ge=0, unit="h",
                                 doc="a box still waiting for room is moved in this long before the deadline")
    transfer: Duration = field(default_factory=Duration)  # bonded truck, terminal gate -> zone gate, h


@dataclass
class BondedZoneConfig:
    """The bonded warehouse flow in the special customs supervision zone."""

    enabled: bool = True
    zone_firms: int = param(MISSING, ge=1,
                            doc="firms with goods in the zone, drawn from the port's firms")
    holding_pct_per_day: float = param(MISSING, ge=0, unit="%/day",
                                       doc="time cost of goods awaiting shipment")
    orders: OrdersConfig = field(default_factory=OrdersConfig)
    inbound: InboundConfig = field(default_factory=InboundConfig)
    space: SpaceConfig = field(default_factory=SpaceConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    customs: ZoneCustomsConfig = field(default_factory=ZoneCustomsConfig)
    trucks: TruckingConfig = field(default_factory=TruckingConfig)
    first_line: FirstLineConfig = field(default_factory=FirstLineConfig)
