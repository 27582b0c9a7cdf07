"""Vectorised draws of the durations declared in the config (:class:`sim.schema.times.Duration`)."""
from __future__ import annotations

import math

import numpy as np

from sim.schema.times import Duration

MIN_CV = 1e-6  # below this a duration is treated as deterministic


def lognormal_from_normal(d: Duration, z: float) -> float:
    """The lognormal duration (mean ``d.mean_h``, cv ``d.cv``) at standard-normal quantile ``z``."""
    sigma2 = math.log1p(d.cv**2)
    return d.mean_h * math.exp(math.sqrt(sigma2) * z - sigma2 / 2)


def draw(rng: np.random.Generator, d: Duration, n: int) -> np.ndarray:
    """``n`` durations in hours with mean ``d.mean_h`` and coefficient of variation ``d.cv``.

    Callers give every kind of duration its own stream (see :mod:`sim.rng`), so a zero mean
    that draws nothing never shifts another duration's numbers.
    """
    if d.dist == "deterministic" or d.mean_h == 0:
        return np.full(n, float(d.mean_h))
    if d.dist == "exponential":
        return rng.exponential(d.mean_h, n)
    if d.cv < MIN_CV:  # numerically constant: 1 / cv**2 would overflow
        return np.full(n, float(d.mean_h))
    if d.dist == "lognormal":
        sigma2 = np.log1p(d.cv**2)
        return rng.lognormal(np.log(d.mean_h) - sigma2 / 2, np.sqrt(sigma2), n)
    if d.dist == "gamma":
        shape = 1 / d.cv**2
        return rng.gamma(shape, d.mean_h / shape, n)
    raise ValueError(f"unknown distribution {d.dist!r}")
