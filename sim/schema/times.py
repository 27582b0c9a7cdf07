"""Random durations and working hours, the building blocks most sections share.

Units: hours. A :class:`Duration` is a distribution family, a mean and a coefficient of
variation; a :class:`ServiceTime` is a duration that must take time (mean > 0), such as a
document check or a lab test.
"""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from sim.schema.errors import ConfigError
from sim.schema.fields import param

DISTRIBUTIONS = ("exponential", "lognormal", "gamma", "deterministic")


@dataclass
class Duration:
    """A random duration in hours, given by distribution family, mean and coefficient of variation.

    ``exponential`` ignores ``cv`` (it is 1), ``deterministic`` ignores it too (it is 0).
    """

    mean_h: float = param(MISSING, ge=0, unit="h")
    dist: str = param("lognormal", choices=DISTRIBUTIONS)
    cv: float = param(1.0, ge=0)


@dataclass
class ServiceTime(Duration):
    """A duration that takes time: a station serving in zero hours would have no queue to model."""

    mean_h: float = param(MISSING, gt=0, unit="h")


def check_shift(path: str, start_h: float, end_h: float) -> None:
    """Working hours (hour of day, each declared in [0, 24]) must end after they start."""
    if end_h <= start_h:
        raise ConfigError(f"{path}.shift_end_h",
                          f"must be after {path}.shift_start_h ({start_h}), got {end_h}")
