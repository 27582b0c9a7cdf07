"""Customs at the port: document desk, inspection teams, lab, shifts and the risk engine.

Units: hours (``_h``), probabilities in [0, 1], risk-score offsets in standard deviations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.fields import param
from sim.schema.times import ServiceTime, check_shift


@dataclass
class RiskConfig:
    targeting_power: float = param(MISSING, ge=0, doc="separation of offenders' risk signal, std. deviations")
    random_check_floor: float = param(MISSING, ge=0, le=1, doc="share of declarations sent to red at random")
    learning: bool = param(MISSING, doc="update firm risk from inspection outcomes (Beta-Bernoulli)")
    prior_strength: float = param(MISSING, gt=0, doc="pseudo-inspections behind each firm's prior risk")
    learning_weight: float = param(MISSING, ge=0, doc="weight of learned firm risk (log-odds) in the score")
    doc_detection_prob: float = param(MISSING, ge=0, le=1, doc="chance a document check finds an offence")
    inspection_detection_prob: float = param(MISSING, ge=0, le=1,
                                             doc="chance a physical inspection finds an offence")
    aeo_score_offset: float = param(0.0, doc="added to AEO firms' risk score (negative = fewer checks)")
    aeo_priority: bool = param(False, doc="AEO consignments go first in customs queues")


@dataclass
class CustomsConfig:
    doc_officers: int = param(MISSING, ge=1)
    doc_check: ServiceTime = field(default_factory=ServiceTime)
    inspection_teams: int = param(MISSING, ge=1)
    inspection: ServiceTime = field(default_factory=ServiceTime)
    certification_slots: int = param(MISSING, ge=1, doc="lab samples under test at once (imports only)")
    certification: ServiceTime = field(default_factory=ServiceTime)
    shift_start_h: float = param(MISSING, ge=0, le=24, unit="h", doc="inspection teams' hours, hour of day")
    shift_end_h: float = param(MISSING, ge=0, le=24, unit="h")
    risk: RiskConfig = field(default_factory=RiskConfig)

    def check(self, path: str) -> None:
        check_shift(path, self.shift_start_h, self.shift_end_h)
