"""Typed configuration of the bonded bunker market (values in ``configs/bunkering/yangshan.yaml``).

Units: tonnes (``_t``), hours (``_h``), tonnes per hour (``_t_per_h``), sulfur in % mass
(``_pct``), prices in USD per tonne (``_usd_per_t``, the unit bunker prices are quoted in),
taxes in CNY. Every calibrated or assumed value is ``MISSING`` here: the YAML file is the single
source of values and names the source of each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from omegaconf import MISSING

from sim.config import ConfigError, Duration, _at_least, _duration, _positive, _probability

if TYPE_CHECKING:
    from sim.policies.bonded_blending import BondedBlendingConfig


@dataclass
class FuelSource:
    """A bonded fuel bought from outside the supplier, reviewed with an (s, S) rule.

    When stock on hand not yet promised plus stock on order falls to ``reorder_level_t`` (s),
    the supplier orders up to ``order_up_to_t`` (S, the tank's working capacity). A lot arrives
    ``lead_time`` after the order with a sulfur content uniform in [min, max].
    """

    price_usd_per_t: float = MISSING  # delivered into the supplier's bonded tank
    lead_time: Duration = field(default_factory=Duration)  # order -> lot in the tank, h
    sulfur_min_pct: float = MISSING  # sulfur of a lot, % mass
    sulfur_max_pct: float = MISSING
    reorder_level_t: float = MISSING  # s
    order_up_to_t: float = MISSING  # S


@dataclass
class BlendingPlant:
    """The supplier's blending unit(s): bonded HSFO + LSFO -> VLSFO (used only under the policy)."""

    licensed: bool = MISSING  # eligibility: a licensed blender in the bonded zone
    units: int = MISSING  # blending lines working at once
    rate_t_per_h: float = MISSING  # blending capacity of one line
    reorder_level_t: float = MISSING  # VLSFO tank s when it is refilled by blending
    order_up_to_t: float = MISSING  # VLSFO tank S when it is refilled by blending
    min_run_t: float = MISSING  # smallest run worth starting; less component stock waits


@dataclass
class BargeConfig:
    """Bunker barges: each delivery = load at the tank, sail, customs supervision, pump, return."""

    count: int = MISSING
    capacity_t: float = MISSING  # largest stem one barge delivers; larger requests are capped
    loading_rate_t_per_h: float = MISSING  # tank -> barge
    pumping_rate_t_per_h: float = MISSING  # barge -> vessel
    travel: Duration = field(default_factory=Duration)  # one way, tank <-> anchorage/berth, h
    cost_usd_per_h: float = MISSING  # barge hire, crew and fuel per hour of a delivery trip


@dataclass
class SupplierConfig:
    pre_blended: FuelSource = field(default_factory=FuelSource)  # VLSFO sourced ready-blended
    hsfo: FuelSource = field(default_factory=FuelSource)  # blending component, ~3.5 % S
    lsfo: FuelSource = field(default_factory=FuelSource)  # blending component, ~0.1 % S
    blending: BlendingPlant = field(default_factory=BlendingPlant)
    barges: BargeConfig = field(default_factory=BargeConfig)
    margin_usd_per_t: float = MISSING  # supplier's margin on its delivered cost
    holding_pct_per_year: float = MISSING  # cost of capital tied up in stock, % of its value


@dataclass
class BunkeringConfig:
    enabled: bool = True
    calls_per_day: float = MISSING  # vessel calls requesting VLSFO from the modelled supplier
    demand_mean_t: float = MISSING  # stem per call, lognormal
    demand_cv: float = MISSING
    patience: Duration = field(default_factory=Duration)  # request -> latest barge dispatch, h
    customs_officers: int = MISSING  # delivery supervisors at once; 0 = unlimited (fixed procedure)
    customs_supervision: Duration = field(default_factory=Duration)  # per delivery, barge alongside, h
    supplier: SupplierConfig = field(default_factory=SupplierConfig)
    sulfur_limit_pct: float = MISSING  # no delivered batch may exceed it
    cny_per_usd: float = MISSING  # converts USD prices to CNY costs in the log
    consumption_tax_cny_per_t: float = MISSING  # waived for fuel in customs-supervised storage
    vat_rate: float = MISSING  # rebated for fuel in customs-supervised storage


def validate_bunkering(cfg: BunkeringConfig, path: str) -> None:
    """Raise :class:`ConfigError` (field path prefixed with ``path``) for a value that cannot run."""
    p = f"{path}."
    _positive(p + "calls_per_day", cfg.calls_per_day)
    _positive(p + "demand_mean_t", cfg.demand_mean_t)
    _at_least(p + "demand_cv", cfg.demand_cv, 0)
    _duration(p + "patience", cfg.patience, positive=True)
    _at_least(p + "customs_officers", cfg.customs_officers, 0)
    _duration(p + "customs_supervision", cfg.customs_supervision)
    if not 0 < cfg.sulfur_limit_pct <= 100:
        raise ConfigError(p + "sulfur_limit_pct", f"must be a percentage in (0, 100], got {cfg.sulfur_limit_pct}")
    _positive(p + "cny_per_usd", cfg.cny_per_usd)
    _at_least(p + "consumption_tax_cny_per_t", cfg.consumption_tax_cny_per_t, 0)
    _probability(p + "vat_rate", cfg.vat_rate)

    s = cfg.supplier
    for name in ("pre_blended", "hsfo", "lsfo"):
        _fuel_source(f"{p}supplier.{name}", getattr(s, name))
    if s.pre_blended.sulfur_max_pct > cfg.sulfur_limit_pct:
        raise ConfigError(f"{p}supplier.pre_blended.sulfur_max_pct",
                          f"pre-blended VLSFO is bought on spec: must be <= sulfur_limit_pct "
                          f"({cfg.sulfur_limit_pct}), got {s.pre_blended.sulfur_max_pct}")
    if s.lsfo.sulfur_max_pct >= cfg.sulfur_limit_pct:
        raise ConfigError(f"{p}supplier.lsfo.sulfur_max_pct",
                          f"the low-sulfur component must be below sulfur_limit_pct "
                          f"({cfg.sulfur_limit_pct}) to blend compliant fuel, got {s.lsfo.sulfur_max_pct}")

    b = s.blending
    bp = f"{p}supplier.blending."
    _at_least(bp + "units", b.units, 1)
    _positive(bp + "rate_t_per_h", b.rate_t_per_h)
    _stock_rule(bp, b.reorder_level_t, b.order_up_to_t)
    _positive(bp + "min_run_t", b.min_run_t)
    if b.min_run_t > b.order_up_to_t - b.reorder_level_t:
        raise ConfigError(bp + "min_run_t", f"must be <= order_up_to_t - reorder_level_t "
                          f"({b.order_up_to_t - b.reorder_level_t}), got {b.min_run_t}")

    g = s.barges
    gp = f"{p}supplier.barges."
    _at_least(gp + "count", g.count, 1)
    for name in ("capacity_t", "loading_rate_t_per_h", "pumping_rate_t_per_h"):
        _positive(gp + name, getattr(g, name))
    _duration(gp + "travel", g.travel)
    _at_least(gp + "cost_usd_per_h", g.cost_usd_per_h, 0)
    if g.capacity_t < cfg.demand_mean_t:
        raise ConfigError(gp + "capacity_t", f"must be >= demand_mean_t ({cfg.demand_mean_t}), got {g.capacity_t}")
    _at_least(f"{p}supplier.margin_usd_per_t", s.margin_usd_per_t, 0)
    _at_least(f"{p}supplier.holding_pct_per_year", s.holding_pct_per_year, 0)


def validate_bonded_blending(policy: BondedBlendingConfig, cfg: BunkeringConfig, path: str) -> None:
    """Raise :class:`ConfigError` if the blend target breaks the limit or the LSFO cannot reach it."""
    lsfo_max = cfg.supplier.lsfo.sulfur_max_pct
    if not lsfo_max < policy.sulfur_target_pct <= cfg.sulfur_limit_pct:
        raise ConfigError(f"{path}.sulfur_target_pct",
                          f"must be above the LSFO component's sulfur ({lsfo_max}) and at most the "
                          f"sulfur limit ({cfg.sulfur_limit_pct}), got {policy.sulfur_target_pct}")
    _at_least(f"{path}.blending_cost_usd_per_t", policy.blending_cost_usd_per_t, 0)


def _fuel_source(path: str, f: FuelSource) -> None:
    _positive(f"{path}.price_usd_per_t", f.price_usd_per_t)
    _duration(f"{path}.lead_time", f.lead_time, positive=True)
    _at_least(f"{path}.sulfur_min_pct", f.sulfur_min_pct, 0)
    if not f.sulfur_min_pct <= f.sulfur_max_pct <= 100:
        raise ConfigError(f"{path}.sulfur_max_pct",
                          f"must be in [sulfur_min_pct ({f.sulfur_min_pct}), 100], got {f.sulfur_max_pct}")
    _stock_rule(f"{path}.", f.reorder_level_t, f.order_up_to_t)


def _stock_rule(prefix: str, reorder_level_t: float, order_up_to_t: float) -> None:
    _at_least(prefix + "reorder_level_t", reorder_level_t, 0)
    if not order_up_to_t > reorder_level_t:
        raise ConfigError(prefix + "order_up_to_t",
                          f"must be > reorder_level_t ({reorder_level_t}), got {order_up_to_t}")
