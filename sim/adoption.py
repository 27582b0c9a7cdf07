"""Firms' opt-in to a facilitation route, learned from realised costs (direct pickup, direct
loading, shared warehousing).

Each eligible firm holds a belief about the saving per use of the new route (CNY): the mean
realised cost on the usual route minus the mean on the new route, pooled from its own and its
peers' shipments, starting from ``prior_saving_cny`` with the weight of ``prior_weight``
observations. Every day, each eligible firm reviews its choice with probability
``review_prob_per_day``; one that has not opted in does so when the saving it expects over ``payback_days`` of its own
volume exceeds the one-off ``switching_cost_cny`` (training, IT links, truck contracts). An
adopter drops out again when the route's expected extra cost over ``payback_days`` of its volume
exceeds the switching cost (the mirror rule, so firms do not flip back and forth). So adoption spreads over days, fast when the route pays, not at all when it does not.
``forced=true`` opts every eligible firm in from day 0 (what-if runs).
"""
from __future__ import annotations

import numpy as np

from sim.schema.policies import AdoptionConfig


class Adoption:
    """Opt-in state of every firm for one route, and the learning that drives it."""

    def __init__(self, cfg: AdoptionConfig, eligible: np.ndarray, uses_per_day: np.ndarray,
                 rng: np.random.Generator):
        self.cfg = cfg
        self.eligible = np.asarray(eligible, dtype=bool)
        self.uses_per_day = np.asarray(uses_per_day, dtype=float)  # expected uses of each firm
        self.adopted = self.eligible.copy() if cfg.forced else np.zeros_like(self.eligible)
        self.rng = rng
        self.cost_sum = [0.0, 0.0]  # realised cost, index 0 = usual route, 1 = new route
        self.cost_n = [0, 0]

    def uses_route(self, firm: int) -> bool:
        return bool(self.adopted[firm])

    def record(self, new_route: bool, cost_cny: float) -> None:
        """A shipment's realised cost on the route it took (shared with peers)."""
        self.cost_sum[new_route] += cost_cny
        self.cost_n[new_route] += 1

    def expected_saving_cny(self) -> float:
        """Believed saving per use: prior blended with the realised mean costs of both routes."""
        if min(self.cost_n) == 0:
            return self.cfg.prior_saving_cny
        observed = self.cost_sum[0] / self.cost_n[0] - self.cost_sum[1] / self.cost_n[1]
        w = self.cfg.prior_weight
        n = min(self.cost_n)
        return (w * self.cfg.prior_saving_cny + n * observed) / (w + n)

    def daily_review(self) -> None:
        """Firms that review today opt in (or out) by comparing saving with switching cost."""
        reviews = self.rng.random(len(self.eligible)) < self.cfg.review_prob_per_day
        if self.cfg.forced:
            return
        gain = self.expected_saving_cny() * self.uses_per_day * self.cfg.payback_days
        join = reviews & self.eligible & ~self.adopted & (gain > self.cfg.switching_cost_cny)
        leave = reviews & self.adopted & (gain < -self.cfg.switching_cost_cny)
        self.adopted = (self.adopted | join) & ~leave

    def share(self) -> float:
        """Volume-weighted share of eligible firms' use that has opted in."""
        volume = self.uses_per_day * self.eligible
        total = volume.sum()
        return float((volume * self.adopted).sum() / total) if total > 0 else 0.0

    def firm_share(self) -> float:
        """Share of the eligible firms that have opted in, each firm counted once (the large
        firms that join first make :meth:`share` run ahead of it)."""
        eligible = int(self.eligible.sum())
        return float((self.adopted & self.eligible).sum() / eligible) if eligible else 0.0
