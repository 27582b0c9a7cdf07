"""Ro-ro calls of imported finished vehicles at Nangang: ships, drive-off, controls, car carriers.

Values live in ``configs/roro/nangang.yaml`` (each with its source or "assumption" and a range);
here only shape, units and rules. Units: hours (``_h``), days (``_days``), CNY (``_cny``),
vehicles. The sub-model that reads it is :mod:`sim.roro`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.behaviour import OfficeHours
from sim.schema.errors import ConfigError
from sim.schema.fields import param
from sim.schema.times import Duration, ServiceTime


@dataclass
class RoroCallsConfig:
    """Pure car and truck carriers (PCTCs) calling with imported vehicles, evenly spaced."""

    per_day: float = param(MISSING, gt=0, le=24, unit="calls/day")
    delay: Duration = field(default_factory=Duration)  # scheduled -> actual arrival, h
    vehicles_per_call: float = param(MISSING, gt=0, unit="vehicles", doc="Poisson mean")
    berths: int = param(MISSING, ge=1, doc="ro-ro berths")
    berthing_h: float = param(MISSING, ge=0, unit="h", doc="mooring and lowering the ramp")
    gangs: int = param(MISSING, ge=1, doc="driving gangs at work on one ship")
    drive_off_h: float = param(MISSING, gt=0, unit="h",
                               doc="one gang's time per vehicle driven from the ship to the vehicle yard")
    departure_h: float = param(MISSING, ge=0, unit="h", doc="ramp up and unmooring")


@dataclass
class VehicleClearanceConfig:
    """The importer's documents, its broker's keying and customs' vehicle-specific controls."""

    documents: Duration = field(default_factory=Duration)  # discharge -> papers at the broker, h
    brokers: int = param(MISSING, ge=1, doc="brokerages declaring vehicles")
    declarants_per_broker: int = param(MISSING, ge=1)
    declaration_work: Duration = field(default_factory=Duration)  # keying one vehicle's declaration, h
    certificate_check: ServiceTime = field(default_factory=ServiceTime)  # CCC check at the document desk, h
    inspection_teams: int = param(MISSING, ge=1, doc="vehicles inspected at once in the vehicle yard")
    inspection: ServiceTime = field(default_factory=ServiceTime)  # per-vehicle inspection, h


@dataclass
class CarCarriersConfig:
    """Car-carrier trucking companies: their own fleet, vehicles they can take away a day."""

    companies: int = param(MISSING, ge=1)
    vehicles_per_day: int = param(MISSING, ge=1, unit="vehicles/day", doc="per company")
    working: OfficeHours = field(default_factory=OfficeHours)  # hours car carriers load


@dataclass
class VehicleCostsConfig:
    """Port-side cost components per vehicle, CNY."""

    handling_cny: float = param(MISSING, ge=0, unit="CNY", doc="ro-ro discharge and yard handling")
    brokerage_cny: float = param(MISSING, ge=0, unit="CNY", doc="one vehicle's declaration")
    inspection_cny: float = param(MISSING, ge=0, unit="CNY", doc="the per-vehicle inspection")
    free_storage_days: float = param(MISSING, ge=0, unit="days")
    storage_cny_per_day: float = param(MISSING, ge=0, unit="CNY/vehicle-day")
    value_median_cny: float = param(MISSING, gt=0, unit="CNY", doc="customs value of a vehicle")
    value_sigma: float = param(MISSING, ge=0, doc="lognormal spread of the value")
    holding_pct_per_day: float = param(MISSING, ge=0, unit="%/day", doc="time cost of the goods")


@dataclass
class RoroConfig:
    enabled: bool = False
    importers: int = param(MISSING, ge=1, doc="firms importing vehicles (makers' import arms, dealer groups)")
    calls: RoroCallsConfig = field(default_factory=RoroCallsConfig)
    yard_capacity_vehicles: int = param(MISSING, ge=1, unit="vehicles", doc="parking places in the vehicle yard")
    clearance: VehicleClearanceConfig = field(default_factory=VehicleClearanceConfig)
    need_lag: Duration = field(default_factory=Duration)  # arrival -> the dealer wants the vehicle, h
    car_carriers: CarCarriersConfig = field(default_factory=CarCarriersConfig)
    costs: VehicleCostsConfig = field(default_factory=VehicleCostsConfig)

    def check(self, path: str) -> None:
        per_day = self.calls.per_day * self.calls.vehicles_per_call
        taken = self.car_carriers.companies * self.car_carriers.vehicles_per_day
        if self.enabled and taken <= per_day:
            raise ConfigError(f"{path}.car_carriers.vehicles_per_day",
                              f"the car carriers take {taken} vehicles a day, no more than the "
                              f"{per_day:g} a day the ships bring: vehicles would pile up in the yard; "
                              "add companies or vehicles_per_day, or lower calls.per_day")
