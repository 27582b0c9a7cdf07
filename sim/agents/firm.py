"""Firms: importers and exporters, heterogeneous in size, compliance, credit and goods mix.

Each firm is a Mesa agent. Its static traits are drawn once from the ``POPULATION`` stream:

- ``size_weight``: its share of the port's consignments, Pareto-distributed (a few large
  shippers, a long tail of small ones; tail index ``firms.size_pareto_shape``);
- ``credit``: customs credit class, 0 = AEO advanced, 1 = general, 2 = low (``firms.credit``);
- ``offence_rate``: chance that one of its declarations carries an offence, Beta-distributed
  around ``firms.offence_rate_mean`` (spread set by ``firms.offence_rate_concentration``); low-
  credit firms offend more, AEO firms less (rates scaled 2x and 0.5x, renormalised to the mean);
- ``certification_share``: share of its goods needing certification or lab tests (spread
  across firms, consignment-weighted mean ``firms.certification_share``);
- ``preparation_speed``: how fast its declarations are prepared (lognormal, mean 1; a
  consignment's preparation time is the scenario's draw divided by this).
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.consignment import FirmTable
from sim.schema.port import FirmsConfig

AEO, GENERAL, LOW = 0, 1, 2
CREDIT_CLASSES = ("aeo", "general", "low")
OFFENCE_SCALE_BY_CREDIT = np.array([0.5, 1.0, 2.0])


class Firm(mesa.Agent):
    """A shipper or consignee using the port."""

    def __init__(self, model: mesa.Model, index: int, size_weight: float, credit: int,
                 offence_rate: float, certification_share: float, preparation_speed: float):
        super().__init__(model)
        self.index = index  # position in the population arrays, also the firm id in the log
        self.size_weight = size_weight
        self.credit = credit
        self.offence_rate = offence_rate
        self.certification_share = certification_share
        self.preparation_speed = preparation_speed


def create_firms(model: mesa.Model, cfg: FirmsConfig, rng: np.random.Generator) -> list[Firm]:
    """Draw the firm population and register each firm with ``model``."""
    n = cfg.count
    size = rng.pareto(cfg.size_pareto_shape, n) + 1
    shares = [cfg.credit.aeo, cfg.credit.general, cfg.credit.low]
    credit = rng.choice(3, size=n, p=shares)
    k = cfg.offence_rate_concentration
    base = rng.beta(max(cfg.offence_rate_mean * k, 1e-9), max((1 - cfg.offence_rate_mean) * k, 1e-9), n)
    offence = _weighted_to_mean(base * OFFENCE_SCALE_BY_CREDIT[credit], size, cfg.offence_rate_mean)
    cert = _weighted_to_mean(rng.beta(2, 2, n) * 2 * cfg.certification_share, size, cfg.certification_share)
    speed = np.exp(cfg.preparation_speed_sigma * rng.standard_normal(n) - cfg.preparation_speed_sigma**2 / 2)
    return [Firm(model, i, size[i], int(credit[i]), offence[i], cert[i], speed[i]) for i in range(n)]


def _weighted_to_mean(values: np.ndarray, weights: np.ndarray, mean: float) -> np.ndarray:
    """Rescale ``values`` so that their ``weights``-weighted mean is ``mean`` (clipped to [0, 1])."""
    weighted = np.sum(values * weights) / np.sum(weights)
    return np.clip(values * (mean / weighted) if weighted > 0 else np.full_like(values, mean), 0, 1)


def firm_table(firms: list[Firm]) -> FirmTable:
    """The arrays the consignment draw reads, in firm-index order."""
    return FirmTable(
        size_weight=[f.size_weight for f in firms],
        credit=[f.credit for f in firms],
        offence_rate=[f.offence_rate for f in firms],
        certification_share=[f.certification_share for f in firms],
        preparation_speed=[f.preparation_speed for f in firms],
    )
