"""How long one run lasts, what it measures and what it may cost in memory.

Units: days (``_days``), gigabytes (``_gb``).
"""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from sim.schema.errors import ConfigError
from sim.schema.fields import param

MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any int >= 0; Parquet stores seeds as int64


@dataclass
class RunConfig:
    horizon_days: int = param(MISSING, ge=1, unit="days", doc="simulated days, warm-up included")
    warmup_days: int = param(MISSING, ge=0, unit="days",
                             doc="first days: arrivals left out of every statistic")
    cooldown_days: int = param(MISSING, ge=0, unit="days",
                               doc="last days before the horizon: arrivals left out of the cohort")
    drain_cap_days: int = param(30, ge=0, le=365, unit="days",
                                doc="after the horizon, simulate until every measured box has "
                                    "ended its journey, at most this many days (sim/cohort.py)")
    steady_state: bool = param(True, doc="every station must have offered utilisation < 1")
    write_log: bool = param(True, doc="write the per-consignment Parquet log")
    max_memory_gb: float = param(0.0, ge=0, unit="GB",
                                 doc="refuse a run whose estimated memory exceeds this; "
                                     "0: half this machine's RAM")

    def check(self, path: str) -> None:
        if self.horizon_days <= self.warmup_days + self.cooldown_days:
            raise ConfigError(
                f"{path}.horizon_days",
                f"must be longer than {path}.warmup_days + {path}.cooldown_days "
                f"({self.warmup_days} + {self.cooldown_days}), got {self.horizon_days}",
            )
