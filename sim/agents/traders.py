"""The port's traders: importing firms (consignees) and exporting firms (shippers).

The two populations are drawn once from the ``POPULATION`` stream, their sizes scaled with the
port section (``behaviour.consignees.per_100_boxes_per_day``, ``behaviour.shippers...``), so a
bigger section has more firms, not bigger ones. Every trader has a global index (consignees
first, then shippers): the ``firm`` column of the log and customs' risk memory use it. Traits:

- ``size_weight``: its share of its flow's boxes, Pareto-distributed (a few large traders and a
  long tail of small ones; tail index ``firms.size_pareto_shape``);
- ``credit``: customs credit class, 0 = AEO advanced, 1 = general, 2 = low (``firms.credit``);
- ``offence_rate``: chance that one of its declarations carries an offence, Beta-distributed
  around ``firms.offence_rate_mean`` (spread ``firms.offence_rate_concentration``); low-credit
  firms offend more, AEO firms less (rates scaled 2x and 0.5x, renormalised to the mean);
- ``certification_share``: share of its imports needing certification or lab tests;
- ``has_guarantee``: it may declare before its duties are paid (AEO firms always; general-credit
  firms with probability ``consignees.guarantee_share``; low-credit firms never);
- ``broker`` and ``fleet``: the brokerage that keys its declarations and the trucking company it
  books (drawn at random; each is then staffed for its clients' traffic).

What they decide lives in :mod:`sim.agents.consignee` and :mod:`sim.agents.shipper`.
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.records import AEO, EXPORT, GENERAL, IMPORT
from sim.schema import ClearwayConfig

OFFENCE_SCALE_BY_CREDIT = np.array([0.5, 1.0, 2.0])


class Trader(mesa.Agent):
    """A firm shipping boxes through the port: traits shared by consignees and shippers."""

    flow: int  # IMPORT or EXPORT

    def __init__(self, model: mesa.Model, index: int, size_weight: float, credit: int,
                 offence_rate: float, certification_share: float, has_guarantee: bool,
                 broker, fleet):
        super().__init__(model)
        self.index = index  # the firm id in the log and in customs' risk memory
        self.size_weight = size_weight
        self.credit = credit
        self.offence_rate = offence_rate
        self.certification_share = certification_share
        self.has_guarantee = has_guarantee
        self.broker = broker  # its Broker agent
        self.fleet = fleet  # its TruckingCompany agent


def draw_traits(cfg: ClearwayConfig, flow: int, n: int, first_index: int, n_brokers: int,
                n_fleets: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Array attributes of ``n`` traders of ``flow`` (one array per constructor argument; ``broker``
    and ``fleet`` are indices, to be replaced by the agents once they exist)."""
    f = cfg.firms
    size = rng.pareto(f.size_pareto_shape, n) + 1
    credit = rng.choice(3, size=n, p=[f.credit.aeo, f.credit.general, f.credit.low])
    k = f.offence_rate_concentration
    base = rng.beta(max(f.offence_rate_mean * k, 1e-9), max((1 - f.offence_rate_mean) * k, 1e-9), n)
    offence = _weighted_to_mean(base * OFFENCE_SCALE_BY_CREDIT[credit], size, f.offence_rate_mean)
    cert_mean = f.certification_share if flow == IMPORT else 0.0
    cert = _weighted_to_mean(rng.beta(2, 2, n) * 2 * cert_mean, size, cert_mean)
    guarantee_u = rng.random(n)
    guarantee = (credit == AEO) | ((credit == GENERAL)
                                   & (guarantee_u < cfg.behaviour.consignees.guarantee_share))
    return dict(index=first_index + np.arange(n), size_weight=size, credit=credit, offence_rate=offence,
                certification_share=cert, has_guarantee=guarantee,
                broker=rng.integers(n_brokers, size=n), fleet=rng.integers(n_fleets, size=n))


def _weighted_to_mean(values: np.ndarray, weights: np.ndarray, mean: float) -> np.ndarray:
    """Rescale ``values`` so that their ``weights``-weighted mean is ``mean`` (clipped to [0, 1])."""
    weighted = np.sum(values * weights) / np.sum(weights)
    if not weighted > 0:
        return np.clip(np.full_like(values, mean), 0, 1)
    with np.errstate(over="ignore"):  # handled below
        factor = mean / weighted
    if not np.isfinite(factor):  # a subnormal weighted mean (a Beta draw of a tiny offence rate)
        return np.clip(values / weighted * mean, 0, 1)  # overflowed: 0 x inf would be NaN
    return np.clip(values * factor, 0, 1)


class FirmTable:
    """Per-firm arrays (global index) the batch draw and customs read, and each flow's firms."""

    def __init__(self, consignees: list[Trader], shippers: list[Trader]):
        firms = consignees + shippers
        self.credit = np.array([t.credit for t in firms], dtype=np.int8)
        self.offence_rate = np.array([t.offence_rate for t in firms])
        self.certification_share = np.array([t.certification_share for t in firms])
        self.first = {IMPORT: 0, EXPORT: len(consignees)}  # global index of each flow's first firm
        self.probabilities = {}  # flow -> its firms' shares of the flow's boxes
        for flow, group in ((IMPORT, consignees), (EXPORT, shippers)):
            size = np.array([t.size_weight for t in group])
            self.probabilities[flow] = size / size.sum()

    def box_weight(self, boxes_per_day: dict[int, float]) -> np.ndarray:
        """Expected boxes a day of every firm (global index)."""
        return np.concatenate([self.probabilities[f] * boxes_per_day[f] for f in (IMPORT, EXPORT)])
