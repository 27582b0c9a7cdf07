"""The port's users and what they decide: consignees, shippers, brokers, carriers, truckers.

These sections set the rules and constraints the long stages come from (DESIGN.md section 3a):
when documents are in hand, when a declaration may be lodged, how many declarants a broker has
and when they work, when a consignee wants its goods, how many trucks a fleet has. Each field's
source or its label (*assumption*, *calibrated*) sits next to its value in
``configs/scenario/shanghai.yaml``. Units: hours (``_h``), days (``_days``), CNY (``_cny``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.errors import ConfigError
from sim.schema.fields import param
from sim.schema.times import Duration


MIN_FIRMS = 10  # even the smallest section has a population of traders, not a handful


def firms_in_section(per_100_boxes_per_day: float, boxes_per_day: float) -> int:
    """Traders of one flow in a section with ``boxes_per_day`` boxes of that flow a day."""
    return max(MIN_FIRMS, round(per_100_boxes_per_day * boxes_per_day / 100))


@dataclass
class OfficeHours:
    """Daily working hours (hour of day). 0-24 is round the clock."""

    open_h: float = param(MISSING, ge=0, le=24, unit="h")
    close_h: float = param(MISSING, ge=0, le=24, unit="h")

    def check(self, path: str) -> None:
        if self.close_h <= self.open_h:
            raise ConfigError(f"{path}.close_h", f"must be after {path}.open_h ({self.open_h}), "
                                                 f"got {self.close_h}")


@dataclass
class TradeLane:
    """Where import boxes come from: share of boxes, sailing time from the last origin port."""

    share: float = param(MISSING, ge=0, le=1)
    sailing: Duration = field(default_factory=Duration)  # origin departure -> arrival, h


@dataclass
class LanesConfig:
    """Import trade lanes; shares must sum to 1. The paper B/L is couriered from the origin."""

    short_sea: TradeLane = field(default_factory=TradeLane)  # Japan, Korea, Taiwan
    intra_asia: TradeLane = field(default_factory=TradeLane)  # South-East Asia, South Asia
    deep_sea: TradeLane = field(default_factory=TradeLane)  # Europe, Americas, Oceania

    def check(self, path: str) -> None:
        total = self.short_sea.share + self.intra_asia.share + self.deep_sea.share
        if abs(total - 1) > 1e-6:
            raise ConfigError(f"{path}.deep_sea.share", f"lane shares must sum to 1, got {total:.6g}")


@dataclass
class DocumentsConfig:
    """Bills of lading and certificates: issued at the origin, carried by courier unless electronic."""

    bl_issue: Duration = field(default_factory=Duration)  # origin departure -> original B/L issued
    courier: Duration = field(default_factory=Duration)  # B/L issued -> in the consignee's hands
    electronic: bool = param(False, doc="e-B/L and e-certificates: in hand on issue, no courier")


@dataclass
class ConsigneesConfig:
    """Importers: when they want their goods and what keeping them costs."""

    per_100_boxes_per_day: float = param(MISSING, gt=0, unit="firms",
                                         doc="importing firms per 100 import boxes a day")
    need_lag: Duration = field(default_factory=Duration)  # vessel arrival -> goods needed, h
    planning_lead_h: float = param(MISSING, ge=0, unit="h",
                                   doc="clearance starts this long before the need date")
    own_warehouse_cny_per_teu_day: float = param(MISSING, ge=0, unit="CNY/TEU/day",
                                                 doc="median across consignees")
    own_warehouse_sigma: float = param(MISSING, ge=0, doc="lognormal spread across consignees")
    duty_funds: Duration = field(default_factory=Duration)  # arranging duty payment, no guarantee
    declaration_deadline_days: float = param(MISSING, gt=0, unit="days",
                                             doc="imports must be declared within this of arrival")
    guarantee_share: float = param(MISSING, ge=0, le=1,
                                   doc="share of general-credit firms holding a duty guarantee")


@dataclass
class ShippersConfig:
    """Exporters: when the box is ready, when the terminal accepts it, the cut-off, and how long
    their declaration documents take to reach the broker."""

    per_100_boxes_per_day: float = param(MISSING, gt=0, unit="firms",
                                         doc="exporting firms per 100 export boxes a day")
    ready_lead: Duration = field(default_factory=Duration)  # box stuffed before the cut-off, h
    # the box is in -> its declaration documents reach the broker: hours of office time (paper by
    # messenger; none when documents are electronic)
    documents: Duration = field(default_factory=Duration)
    gate_open_before_eta_h: float = param(MISSING, ge=0, unit="h",
                                          doc="the terminal accepts a call's boxes from then on")
    cutoff_before_eta_h: float = param(MISSING, ge=0, unit="h", doc="last gate-in for the call")

    def check(self, path: str) -> None:
        if self.cutoff_before_eta_h >= self.gate_open_before_eta_h:
            raise ConfigError(f"{path}.cutoff_before_eta_h",
                              f"must be below {path}.gate_open_before_eta_h "
                              f"({self.gate_open_before_eta_h}), got {self.cutoff_before_eta_h}")


@dataclass
class BrokersConfig:
    """Customs brokers: declarants who key declarations in office hours, with errors and rework."""

    declarants_per_100_boxes_per_day: float = param(MISSING, gt=0, unit="declarants")
    per_broker_declarants: int = param(MISSING, ge=1, doc="declarants at one brokerage")
    office: OfficeHours = field(default_factory=OfficeHours)
    work: Duration = field(default_factory=Duration)  # keying one full declaration, h of work
    full_items: int = param(MISSING, ge=1, doc="data items of a full declaration")
    summary_items: int = param(MISSING, ge=1, doc="data items of a two-step summary declaration")
    error_rate_paper: float = param(MISSING, ge=0, lt=1, doc="declarations returned for rework")
    error_rate_electronic: float = param(MISSING, ge=0, lt=1,
                                         doc="same, when B/L data are taken over electronically")
    rework: Duration = field(default_factory=Duration)  # correcting a returned declaration, h of work

    def check(self, path: str) -> None:
        if self.summary_items > self.full_items:
            raise ConfigError(f"{path}.summary_items", f"must be <= {path}.full_items "
                                                       f"({self.full_items}), got {self.summary_items}")


@dataclass
class CarriersConfig:
    """Shipping agents: the delivery order against the original B/L and paid charges."""

    count: int = param(MISSING, ge=1, doc="shipping lines (or alliances) calling at the section")
    office: OfficeHours = field(default_factory=OfficeHours)
    counter_clerks_per_100_boxes_per_day: float = param(MISSING, gt=0, unit="clerks")
    delivery_order: Duration = field(default_factory=Duration)  # B/L surrender -> D/O issued, h
    electronic_release: bool = param(False, doc="e-B/L surrendered online, D/O issued at once")


@dataclass
class TruckersConfig:
    """Trucking fleets: pickups and deliveries a day, and the hours trucks drive."""

    trucks_per_100_boxes_per_day: float = param(MISSING, gt=0, unit="truck-trips/day",
                                                doc="daily trip capacity per 100 boxes a day")
    fleets: int = param(MISSING, ge=1, doc="trucking companies sharing the capacity")
    working: OfficeHours = field(default_factory=OfficeHours)


@dataclass
class BehaviourConfig:
    """Everything the port's users decide with. ``enabled=false`` (the verification network):
    documents, brokers and trucks take no time, boxes are declared and collected at once."""

    enabled: bool = param(True)
    lanes: LanesConfig = field(default_factory=LanesConfig)
    documents: DocumentsConfig = field(default_factory=DocumentsConfig)
    consignees: ConsigneesConfig = field(default_factory=ConsigneesConfig)
    shippers: ShippersConfig = field(default_factory=ShippersConfig)
    brokers: BrokersConfig = field(default_factory=BrokersConfig)
    carriers: CarriersConfig = field(default_factory=CarriersConfig)
    truckers: TruckersConfig = field(default_factory=TruckersConfig)

