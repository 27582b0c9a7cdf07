"""Everything one run needs, apart from the seed's replications: the root of the schema.

Registered in Hydra's ConfigStore as ``clearway_schema`` (the first entry of
``configs/config.yaml``'s defaults), so Hydra types every YAML value and override against it.
The rules here are those that span sections; each section checks its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from sim.schema.behaviour import BehaviourConfig, firms_in_section
from sim.schema.bonded_zone import BondedZoneConfig
from sim.schema.bunkering import BunkeringConfig
from sim.schema.customs import CustomsConfig
from sim.schema.ecommerce import EcommerceConfig
from sim.schema.emissions import EmissionsConfig
from sim.schema.errors import ConfigError
from sim.schema.fields import param
from sim.schema.policies import PoliciesConfig
from sim.schema.roro import RoroConfig
from sim.schema.port import (
    ArrivalsConfig,
    CostConfig,
    ExportConfig,
    FirmsConfig,
    ImportConfig,
    TerminalConfig,
    VesselConfig,
)
from sim.schema.run import MAX_SEED, RunConfig
from sim.schema.stress import StressConfig


@dataclass
class ClearwayConfig:
    """Everything one run needs; ``seed`` is the root of every random stream (sim/rng.py)."""

    scenario: str = param(MISSING)
    seed: int = param(0, ge=0, le=MAX_SEED)
    run: RunConfig = field(default_factory=RunConfig)
    arrivals: ArrivalsConfig = field(default_factory=ArrivalsConfig)
    imports: ImportConfig = field(default_factory=ImportConfig)
    exports: ExportConfig = field(default_factory=ExportConfig)
    vessels: VesselConfig = field(default_factory=VesselConfig)
    firms: FirmsConfig = field(default_factory=FirmsConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    customs: CustomsConfig = field(default_factory=CustomsConfig)
    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    costs: CostConfig = field(default_factory=CostConfig)
    bonded_zone: BondedZoneConfig = field(default_factory=BondedZoneConfig)
    bunkering: BunkeringConfig = field(default_factory=BunkeringConfig)
    ecommerce: EcommerceConfig = field(default_factory=EcommerceConfig)
    roro: RoroConfig = field(default_factory=RoroConfig)  # Nangang's ro-ro vehicle imports
    emissions: EmissionsConfig = field(default_factory=EmissionsConfig)
    policies: PoliciesConfig = field(default_factory=PoliciesConfig)
    stress: StressConfig = field(default_factory=StressConfig)  # off unless a stress test sets it

    def check(self, path: str) -> None:
        if self.imports.boxes_per_day + self.exports.boxes_per_day <= 0:
            raise ConfigError("imports.boxes_per_day",
                              "at least one of imports.boxes_per_day and "
                              "exports.boxes_per_day must be > 0; both are 0")
        if self.behaviour.enabled and self.arrivals.mode != "vessel":
            raise ConfigError("behaviour.enabled",
                              "the port's users need vessel calls (documents, "
                              "delivery orders, cut-offs): set arrivals.mode=vessel, "
                              "or behaviour.enabled=false for the queueing network")
        floor = self.customs.risk.random_check_floor
        for flow in ("imports", "exports"):
            red = getattr(self, flow).channels.red
            if floor > red:
                raise ConfigError("customs.risk.random_check_floor",
                                  f"must be <= {flow}.channels.red ({red}), got {floor}")
        zone = self.bonded_zone
        consignees = firms_in_section(self.behaviour.consignees.per_100_boxes_per_day,
                                      self.imports.boxes_per_day)
        if zone.enabled and zone.zone_firms > consignees:
            raise ConfigError("bonded_zone.zone_firms",
                              f"must be <= the number of importing firms ({consignees}), "
                              f"got {zone.zone_firms}")
        if zone.enabled and zone.first_line.enabled and self.arrivals.mode != "vessel":
            raise ConfigError("bonded_zone.first_line.enabled",
                              "the zone's bonded lots come on vessel calls: set arrivals.mode=vessel, "
                              "or bonded_zone.first_line.enabled=false")
        blend, fuel = self.policies.bonded_blending, self.bunkering
        lsfo_max = fuel.supplier.lsfo.sulfur_max_pct
        if not lsfo_max < blend.sulfur_target_pct <= fuel.sulfur_limit_pct:
            raise ConfigError("policies.bonded_blending.sulfur_target_pct",
                              f"must be above the LSFO component's sulfur ({lsfo_max}) and at "
                              f"most the sulfur limit ({fuel.sulfur_limit_pct}), "
                              f"got {blend.sulfur_target_pct}")


ConfigStore.instance().store(name="clearway_schema", node=ClearwayConfig)
