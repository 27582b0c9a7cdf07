"""Stress events (:mod:`sim.stress`): a demand surge, an inspection outage, vessel bunching.

All off by default; the stress-test experiment switches them on. Units: days (``_day``,
``_days``), hours (``_h``), shares in [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

from sim.schema.fields import param


@dataclass
class StressConfig:
    surge_start_day: float = param(0.0, ge=0, unit="days")
    surge_days: float = param(0.0, ge=0, unit="days")
    surge_factor: float = param(1.0, ge=1, doc="boxes per call in the surge, times the usual")
    outage_start_day: float = param(0.0, ge=0, unit="days")
    outage_days: float = param(0.0, ge=0, unit="days")
    outage_share: float = param(0.0, ge=0, le=1, doc="share of inspection teams off duty")
    bunching_start_day: float = param(0.0, ge=0, unit="days")
    bunching_days: float = param(0.0, ge=0, unit="days")
    bunching_h: float = param(24.0, gt=0, unit="h",
                              doc="calls of each block arrive together at its end")
