"""Parameters of every trade facilitation reform (``policies.<name>``), all off by default.

Each reform's mechanism, eligibility, parameter sources and defaults are told in its module's
docstring (``sim/policies/<name>.py``); here only shape, units and bounds. Units: hours (``_h``),
days (``_days``), CNY (``_cny``), sulfur in % mass (``_pct``), USD per tonne (``_usd_per_t``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.schema.errors import ConfigError
from sim.schema.fields import param
from sim.schema.times import Duration


@dataclass
class AdoptionConfig:
    """How firms learn to opt in to a facilitation route (:mod:`sim.adoption`)."""

    forced: bool = param(False, doc="every eligible firm opts in from the start")
    switching_cost_cny: float = param(20000.0, ge=0, unit="CNY", doc="one-off cost of joining, per firm")
    payback_days: float = param(90.0, gt=0, unit="days", doc="horizon over which the switch must repay")
    review_prob_per_day: float = param(0.05, ge=0, le=1, doc="chance a firm reconsiders on a given day")
    prior_saving_cny: float = param(0.0, unit="CNY", doc="saving per use firms expect before seeing any")
    prior_weight: float = param(20.0, ge=0, unit="shipments", doc="observations the prior counts as")


@dataclass
class FastLaneAdoption(AdoptionConfig):
    prior_saving_cny: float = param(300.0, unit="CNY", doc="assumption: the saving per box the pilot advertises")


@dataclass
class SharedWarehousingAdoption(AdoptionConfig):
    switching_cost_cny: float = param(200000.0, ge=0, unit="CNY",
                                      doc="assumption: stock move, WMS, customs supervision link")
    prior_saving_cny: float = param(500.0, unit="CNY", doc="assumption: saving per order the pilot advertises")


@dataclass
class PreArrivalConfig:
    enabled: bool = False


@dataclass
class EDocumentsConfig:
    enabled: bool = False
    doc_check_factor: float = param(0.5, gt=0, doc="multiplies the document check's mean time")


@dataclass
class RiskManagementConfig:
    enabled: bool = False
    targeting_power: float = param(2.0, ge=0, doc="std. deviations of separation")
    red_odds_factor: float = param(3.0, ge=1, doc="inspect only at this many times the old odds")
    aeo_score_offset: float = param(-1.0, doc="std. deviations")
    aeo_priority: bool = True


@dataclass
class TwoStepConfig:
    enabled: bool = False


@dataclass
class DirectPickupConfig:
    enabled: bool = False
    transfer: Duration = field(default_factory=lambda: Duration(mean_h=0.12, dist="lognormal", cv=0.3))
    truck_booked_before_arrival_h: float = param(
        24.0, ge=0, le=72, unit="h",
        doc="assumption: fleets plan the next day's trips on the ETA of the day before")
    truck_margin_sds: float = param(
        1.0, ge=0, unit="error spreads",
        doc="assumption: the truck comes this many ETA error spreads early")
    advance_delivery_order: bool = param(
        True, doc="assumption: the carrier exchanges the B/L for the D/O before the vessel arrives")
    adoption: FastLaneAdoption = field(default_factory=FastLaneAdoption)

    def check(self, path: str) -> None:
        if self.transfer.dist != "lognormal":
            raise ConfigError(f"{path}.transfer.dist", "must be lognormal (drawn from the box's own "
                                                       f"normal variate), got {self.transfer.dist!r}")


@dataclass
class DirectLoadingConfig:
    enabled: bool = False
    gate_in_before_loading_h: float = param(3.0, ge=0, unit="h")
    adoption: FastLaneAdoption = field(default_factory=FastLaneAdoption)


@dataclass
class EnterpriseCertificationConfig:
    enabled: bool = False
    lowest_credit_approved: str = param("general", choices=("aeo", "general"),
                                        doc="assumption: approval needs at least this credit class")
    min_certified_imports_per_year: float = param(
        250.0, ge=0, unit="boxes/year",
        doc="assumption: approval needs at least this many imports a year needing certification")
    audit_share: float = param(0.1, ge=0, le=1,
                               doc="assumption: share of an approved firm's import releases audited")
    audit_detection_prob: float = param(0.5, ge=0, le=1,
                                        doc="assumption: chance an audit finds an offence it reviews")
    audit_after_days: float = param(30.0, gt=0, unit="days", doc="assumption: release to audit")


@dataclass
class SharedWarehousingConfig:
    enabled: bool = False
    declaration_period_h: float = param(24.0, gt=0, unit="h", doc="assumption: a collective declaration a day")
    consolidation_window_h: float = param(4.0, ge=0, unit="h", doc="assumption: longest a truck waits to fill")
    ship_before_declaration: bool = param(True, doc="assumption: exit note now, collective declaration later")
    adoption: SharedWarehousingAdoption = field(default_factory=SharedWarehousingAdoption)


@dataclass
class PunctualityForecastConfig:
    enabled: bool = False
    error_factor: float = param(0.5, ge=0, le=1,
                                doc="assumption: multiplies the spread of the published ETA's error")


@dataclass
class BondedBlendingConfig:
    """Its sulfur target is checked against the supplier's fuels by the root config."""

    enabled: bool = False
    sulfur_target_pct: float = param(0.47, gt=0, le=100, unit="% S",
                                     doc="assumption: 0.50 % limit less a test-reproducibility margin")
    blending_cost_usd_per_t: float = param(3.0, ge=0, unit="USD/t", doc="assumption")


@dataclass
class EcommerceAirConfig:
    """Pre-classification and whitelisting of special goods, consolidated declaration, streamlined
    returns (sim/policies/ecommerce_air.py)."""

    enabled: bool = False
    whitelisted_seller_share: float = param(0.5, ge=0, le=1,
                                            doc="assumption: sellers whose goods are pre-classified")
    random_check_share: float = param(0.05, ge=0, le=1,
                                      doc="assumption: whitelisted special parcels still checked at random")
    consolidated_declaration: bool = param(True, doc="one declaration per ULD for whitelisted sellers")
    streamlined_returns: bool = param(True, doc="returns matched electronically to the original declaration")
    return_check_share: float = param(0.1, ge=0, le=1,
                                      doc="assumption: streamlined returns still inspected at random")
    match_h: float = param(0.1, ge=0, unit="h", doc="assumption: electronic match of a return")


@dataclass
class PoliciesConfig:
    pre_arrival: PreArrivalConfig = field(default_factory=PreArrivalConfig)
    e_documents: EDocumentsConfig = field(default_factory=EDocumentsConfig)
    risk_management: RiskManagementConfig = field(default_factory=RiskManagementConfig)
    two_step: TwoStepConfig = field(default_factory=TwoStepConfig)
    direct_pickup: DirectPickupConfig = field(default_factory=DirectPickupConfig)
    direct_loading: DirectLoadingConfig = field(default_factory=DirectLoadingConfig)
    enterprise_certification: EnterpriseCertificationConfig = field(
        default_factory=EnterpriseCertificationConfig)
    shared_warehousing: SharedWarehousingConfig = field(default_factory=SharedWarehousingConfig)
    bonded_blending: BondedBlendingConfig = field(default_factory=BondedBlendingConfig)
    ecommerce_air: EcommerceAirConfig = field(default_factory=EcommerceAirConfig)
    punctuality_forecast: PunctualityForecastConfig = field(default_factory=PunctualityForecastConfig)
