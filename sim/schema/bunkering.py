"""The bonded bunker market (values in ``configs/bunkering/yangshan.yaml``).

Units: tonnes (``_t``), hours (``_h``), tonnes per hour (``_t_per_h``), sulfur in % mass
(``_pct``), prices in USD per tonne (``_usd_per_t``, the unit bunker prices are quoted in),
taxes in CNY. Every calibrated or assumed value is ``MISSING`` here: the YAML file is the single
source of values and names the source of each.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.errors import ConfigError
from sim.schema.fields import param
from sim.schema.times import Duration, ServiceTime


def _check_stock_rule(path: str, reorder_level_t: float, order_up_to_t: float) -> None:
    if not order_up_to_t > reorder_level_t:
        raise ConfigError(f"{path}.order_up_to_t",
                          f"must be > reorder_level_t ({reorder_level_t}), got {order_up_to_t}")


@dataclass
class FuelSource:
    """A bonded fuel bought from outside the supplier, reviewed with an (s, S) rule.

    When stock on hand not yet promised plus stock on order falls to ``reorder_level_t`` (s),
    the supplier orders up to ``order_up_to_t`` (S, the tank's working capacity). A lot arrives
    ``lead_time`` after the order with a sulfur content uniform in [min, max].
    """

    price_usd_per_t: float = param(MISSING, gt=0, unit="USD/t",
                                   doc="delivered into the bonded tank")
    lead_time: ServiceTime = field(default_factory=ServiceTime)  # order -> lot in the tank, h
    sulfur_min_pct: float = param(MISSING, ge=0, le=100, unit="% S")
    sulfur_max_pct: float = param(MISSING, ge=0, le=100, unit="% S")
    reorder_level_t: float = param(MISSING, ge=0, unit="t", doc="s")
    order_up_to_t: float = param(MISSING, ge=0, unit="t", doc="S")

    def check(self, path: str) -> None:
        if self.sulfur_max_pct < self.sulfur_min_pct:
            raise ConfigError(f"{path}.sulfur_max_pct",
                              f"must be >= sulfur_min_pct ({self.sulfur_min_pct}), "
                              f"got {self.sulfur_max_pct}")
        _check_stock_rule(path, self.reorder_level_t, self.order_up_to_t)


@dataclass
class BlendingPlant:
    """The supplier's blending unit(s): bonded HSFO + LSFO -> VLSFO (used only under the policy)."""

    licensed: bool = param(MISSING, doc="eligibility: a licensed blender in the bonded zone")
    units: int = param(MISSING, ge=1, doc="blending lines working at once")
    rate_t_per_h: float = param(MISSING, gt=0, unit="t/h", doc="blending capacity of one line")
    reorder_level_t: float = param(MISSING, ge=0, unit="t",
                                   doc="VLSFO tank s when refilled by blending")
    order_up_to_t: float = param(MISSING, ge=0, unit="t",
                                 doc="VLSFO tank S when refilled by blending")
    min_run_t: float = param(MISSING, gt=0, unit="t", doc="smallest run worth starting")

    def check(self, path: str) -> None:
        _check_stock_rule(path, self.reorder_level_t, self.order_up_to_t)
        room = self.order_up_to_t - self.reorder_level_t
        if self.min_run_t > room:
            raise ConfigError(f"{path}.min_run_t",
                              f"must be <= order_up_to_t - reorder_level_t ({room}), "
                              f"got {self.min_run_t}")


@dataclass
class BargeConfig:
    """Bunker barges: each delivery = load at the tank, sail, customs supervision, pump, return."""

    count: int = param(MISSING, ge=1)
    capacity_t: float = param(MISSING, gt=0, unit="t", doc="largest stem one barge delivers")
    loading_rate_t_per_h: float = param(MISSING, gt=0, unit="t/h", doc="tank -> barge")
    pumping_rate_t_per_h: float = param(MISSING, gt=0, unit="t/h", doc="barge -> vessel")
    travel: Duration = field(default_factory=Duration)  # one way, tank <-> anchorage/berth, h
    cost_usd_per_h: float = param(MISSING, ge=0, unit="USD/h",
                                  doc="hire, crew and fuel of a delivery trip")


@dataclass
class SupplierConfig:
    pre_blended: FuelSource = field(default_factory=FuelSource)  # VLSFO sourced ready-blended
    hsfo: FuelSource = field(default_factory=FuelSource)  # blending component, ~3.5 % S
    lsfo: FuelSource = field(default_factory=FuelSource)  # blending component, ~0.1 % S
    blending: BlendingPlant = field(default_factory=BlendingPlant)
    barges: BargeConfig = field(default_factory=BargeConfig)
    margin_usd_per_t: float = param(MISSING, ge=0, unit="USD/t", doc="margin on delivered cost")
    holding_pct_per_year: float = param(MISSING, ge=0, unit="%/year",
                                        doc="cost of capital in stock")


@dataclass
class BunkeringConfig:
    enabled: bool = True
    calls_per_day: float = param(MISSING, gt=0, unit="calls/day", doc="calls requesting VLSFO")
    demand_mean_t: float = param(MISSING, gt=0, unit="t", doc="stem per call, lognormal")
    demand_cv: float = param(MISSING, ge=0)
    # request -> latest barge dispatch, h
    patience: ServiceTime = field(default_factory=ServiceTime)
    customs_officers: int = param(MISSING, ge=0, doc="delivery supervisors at once; 0 = unlimited")
    # per delivery, barge alongside, h
    customs_supervision: Duration = field(default_factory=Duration)
    supplier: SupplierConfig = field(default_factory=SupplierConfig)
    sulfur_limit_pct: float = param(MISSING, gt=0, le=100, unit="% S",
                                    doc="no delivered batch may exceed it")
    cny_per_usd: float = param(MISSING, gt=0, unit="CNY/USD")
    consumption_tax_cny_per_t: float = param(MISSING, ge=0, unit="CNY/t",
                                             doc="waived in bonded storage")
    vat_rate: float = param(MISSING, ge=0, le=1, doc="rebated in bonded storage")

    def check(self, path: str) -> None:
        s = self.supplier
        if s.pre_blended.sulfur_max_pct > self.sulfur_limit_pct:
            raise ConfigError(f"{path}.supplier.pre_blended.sulfur_max_pct",
                              f"pre-blended VLSFO is bought on spec: must be <= sulfur_limit_pct "
                              f"({self.sulfur_limit_pct}), got {s.pre_blended.sulfur_max_pct}")
        if s.lsfo.sulfur_max_pct >= self.sulfur_limit_pct:
            raise ConfigError(f"{path}.supplier.lsfo.sulfur_max_pct",
                              f"the low-sulfur component must be below sulfur_limit_pct "
                              f"({self.sulfur_limit_pct}) to blend compliant fuel, "
                              f"got {s.lsfo.sulfur_max_pct}")
        if s.barges.capacity_t < self.demand_mean_t:
            raise ConfigError(f"{path}.supplier.barges.capacity_t",
                              f"must be >= demand_mean_t ({self.demand_mean_t}), "
                              f"got {s.barges.capacity_t}")
