"""Cross-border e-commerce by air: flights, ULD breakdown, parcel clearance, special goods, returns.

Values live in ``configs/ecommerce/pudong.yaml`` (each with its source or "assumption"); here only
shape, units and rules. Units: hours (``_h``), days (``_days``), CNY (``_cny``), parcels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.fields import check_shares, param
from sim.schema.times import Duration, ServiceTime

GOODS_CLASSES = ("ordinary", "electrified", "magnetic", "cosmetics")  # log codes 0, 1, 2, 3


@dataclass
class GoodsShares:
    """Share of parcels in each goods class; they must sum to 1. Electrified goods carry lithium
    batteries, magnetic goods magnets; both need a dangerous-goods/magnetic inspection, cosmetics a
    check of their filing."""

    ordinary: float = param(MISSING, ge=0, le=1)
    electrified: float = param(MISSING, ge=0, le=1)
    magnetic: float = param(MISSING, ge=0, le=1)
    cosmetics: float = param(MISSING, ge=0, le=1)

    def values(self) -> tuple[float, ...]:
        return tuple(getattr(self, k) for k in GOODS_CLASSES)

    def check(self, path: str) -> None:
        check_shares(self, path)


@dataclass
class FlightsConfig:
    """Scheduled all-cargo or belly flights into the air cargo terminal, evenly spaced over the day."""

    per_day: int = param(MISSING, ge=1, unit="flights/day")
    delay: Duration = field(default_factory=Duration)  # scheduled -> actual arrival, h
    ulds_per_flight: float = param(MISSING, gt=0, unit="ULDs", doc="Poisson mean")
    parcels_per_uld: float = param(MISSING, gt=0, unit="parcels", doc="Poisson mean")


@dataclass
class CustomsDesk:
    """Parcel clearance: the electronic match of the three documents (order, payment, logistics)
    and the declaration's processing; a mismatch goes to manual handling."""

    declaration_officers: int = param(MISSING, ge=1, doc="declarations processed at once")
    declaration_h: ServiceTime = field(default_factory=ServiceTime)  # one declaration, h
    batch_h_per_parcel: float = param(MISSING, ge=0, unit="h",
                                      doc="extra time per parcel listed in a consolidated declaration")
    mismatch_share: float = param(MISSING, ge=0, le=1, doc="parcels whose three documents do not match")
    manual_officers: int = param(MISSING, ge=1)
    manual_h: ServiceTime = field(default_factory=ServiceTime)  # resolving a mismatch, h
    inspection_share: float = param(MISSING, ge=0, le=1, doc="red channel: parcels X-rayed/opened")
    inspectors: int = param(MISSING, ge=1)
    inspection_h: ServiceTime = field(default_factory=ServiceTime)  # per parcel, h


@dataclass
class SpecialCheckConfig:
    """The extra check of special goods (dangerous-goods and magnetic inspection, cosmetics filing)."""

    inspectors: int = param(MISSING, ge=1, doc="parcels checked at once")
    check_h: ServiceTime = field(default_factory=ServiceTime)  # per parcel, h
    noncompliant_share: float = param(MISSING, ge=0, le=1,
                                      doc="special parcels that fail the check (detained)")


@dataclass
class ReturnsConfig:
    """Consumers send parcels back; inside the window they may re-enter bonded stock."""

    share: float = param(MISSING, ge=0, le=1, doc="released parcels a consumer sends back")
    request_after_pickup: Duration = field(default_factory=Duration)  # courier pickup -> return request, h
    window_days: float = param(MISSING, gt=0, unit="days", doc="release -> latest accepted request")
    transit: Duration = field(default_factory=Duration)  # request -> parcel back at the site, h
    desk_officers: int = param(MISSING, ge=1, doc="return re-declarations processed at once")
    redeclaration_prep: Duration = field(default_factory=Duration)  # standard: papers for the return's declaration, h
    redeclaration_h: ServiceTime = field(default_factory=ServiceTime)  # standard procedure, h
    inspectors: int = param(MISSING, ge=1)
    inspection_h: ServiceTime = field(default_factory=ServiceTime)  # per returned parcel, h
    fail_share: float = param(MISSING, ge=0, le=1,
                              doc="inspected returns found damaged or not the parcel sold (destroyed)")


@dataclass
class ParcelCosts:
    """Cost components per parcel, CNY."""

    declaration_cny: float = param(MISSING, ge=0, unit="CNY", doc="filing one declaration")
    manual_cny: float = param(MISSING, ge=0, unit="CNY", doc="resolving a mismatch")
    inspection_cny: float = param(MISSING, ge=0, unit="CNY", doc="a customs or special check")
    storage_cny_per_h: float = param(MISSING, ge=0, unit="CNY/h", doc="terminal storage per parcel")
    holding_pct_per_day: float = param(MISSING, ge=0, unit="%/day", doc="time cost of the goods")
    value_cny: float = param(MISSING, gt=0, unit="CNY", doc="mean parcel value (exponential)")
    return_declaration_cny: float = param(MISSING, ge=0, unit="CNY", doc="re-declaring a return")


@dataclass
class EcommerceConfig:
    enabled: bool = False
    sellers: int = param(MISSING, ge=1, doc="overseas sellers shipping parcels")
    goods: GoodsShares = field(default_factory=GoodsShares)
    flights: FlightsConfig = field(default_factory=FlightsConfig)
    breakdown_teams: int = param(MISSING, ge=1, doc="ULDs broken down at once")
    breakdown_h: ServiceTime = field(default_factory=ServiceTime)  # per ULD, h
    customs: CustomsDesk = field(default_factory=CustomsDesk)
    special_check: SpecialCheckConfig = field(default_factory=SpecialCheckConfig)
    pickup: Duration = field(default_factory=Duration)  # release -> last-mile courier collects, h
    returns: ReturnsConfig = field(default_factory=ReturnsConfig)
    costs: ParcelCosts = field(default_factory=ParcelCosts)
