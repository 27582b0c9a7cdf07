"""Vectorised draws of the durations declared in the config (:class:`sim.schema.times.Duration`).

Exponentials and logarithms that shape a draw are the C library's (``math``), not numpy's
ufuncs: numpy picks its ``exp`` and ``log`` by processor, and its AVX-512 versions round
differently from the C library in about 5 % (exp) and 0.02 % (log) of values. A run would then
depend on the machine it ran on (it did: a reference made on an AMD EPYC and rerun on an Intel
Xeon differed in the last digit of a bonded-zone figure). With the C library's, the same seed
gives the same numbers on both. :func:`exp` does it for an array.
"""
from __future__ import annotations

import math

import numpy as np

from sim.schema.times import Duration

MIN_CV = 1e-6  # below this a duration is treated as deterministic


def lognormal_from_normal(d: Duration, z: float) -> float:
    """The lognormal duration (mean ``d.mean_h``, cv ``d.cv``) at standard-normal quantile ``z``."""
    sigma2 = math.log1p(d.cv**2)
    return d.mean_h * math.exp(math.sqrt(sigma2) * z - sigma2 / 2)


def exp(x: np.ndarray) -> np.ndarray:
    """``e ** x`` elementwise, from the C library on every processor (see the module's doc)."""
    return np.array([math.exp(v) for v in x.tolist()], dtype=np.float64)


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
        sigma2 = math.log1p(d.cv**2)
        return rng.lognormal(math.log(d.mean_h) - sigma2 / 2, math.sqrt(sigma2), n)
    if d.dist == "gamma":
        shape = 1 / d.cv**2
        return rng.gamma(shape, d.mean_h / shape, n)
    raise ValueError(f"unknown distribution {d.dist!r}")
