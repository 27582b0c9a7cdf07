"""The customs risk engine: which declarations go to the green, yellow or red channel.

Each declaration gets a risk score

    score = targeting_power * offence + noise + learning_weight * (firm log-odds - prior log-odds)
            + aeo_score_offset * [firm is AEO],        noise ~ N(0, 1),

so ``targeting_power`` (in standard deviations) is how well the engine's signals separate
offending declarations from clean ones. With 1.37, inspecting the riskiest 30 % finds about 80 %
of offences when offences are rare, the figure reported for risk targeting (Grigoriou, World
Customs Journal; see reference/figures.md). A share ``random_check_floor`` of declarations is
sent to red at random whatever the score. Score thresholds are set so the channel shares match
the flow's configured targets; when learning is on, customs re-sets them every day from the
scores of recent declarations (the inspection budget stays fixed while the scores drift).

Learning: each firm's offence rate is believed Beta(alpha, beta) with prior mean equal to the
population mean and strength ``prior_strength``; every physical inspection adds one trial
(offence detected or not), a Beta-Bernoulli update.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr  # the standard normal cdf (lighter to import than scipy.stats)

from sim.records import GREEN, RED, YELLOW
from sim.schema.customs import RiskConfig
from sim.schema.port import ChannelShares

MIN_RECENT_SCORES = 500  # the daily thresholds look at a day's declarations, and at least this many


class RiskEngine:
    def __init__(self, cfg: RiskConfig, channel_shares: list[ChannelShares], firm_credit: np.ndarray,
                 offence_rate_mean: float, mix: "ConsignmentMix", declarations_per_day: list[float]):
        self.cfg = cfg
        self.firm_is_aeo = (np.asarray(firm_credit) == 0).tolist()
        prior = min(max(offence_rate_mean, 1e-6), 1 - 1e-6)
        self.prior_log_odds = math.log(prior / (1 - prior))
        self.alpha = [prior * cfg.prior_strength] * len(firm_credit)
        self.beta = [(1 - prior) * cfg.prior_strength] * len(firm_credit)
        self.thresholds = []  # per flow: (yellow, red) score thresholds
        self.score_targets = []  # per flow: P(score > yellow threshold), P(score > red threshold)
        for shares in channel_shares:
            floor = cfg.random_check_floor
            scored = 1 - floor  # share not picked at random
            above_red = (shares.red - floor) / scored if scored > 0 else 0.0
            above_yellow = above_red + shares.yellow / scored if scored > 0 else 0.0
            self.score_targets.append((min(above_yellow, 1.0), min(above_red, 1.0)))
            self.thresholds.append(tuple(
                _mixture_threshold(p, cfg.targeting_power, cfg.aeo_score_offset, mix)
                for p in self.score_targets[-1]))
        self.recent = [np.zeros(max(MIN_RECENT_SCORES, int(n))) for n in declarations_per_day]
        self.recent_count = [0 for _ in channel_shares]

    def score(self, firm: int, offence: bool, noise: float) -> float:
        cfg = self.cfg
        s = cfg.targeting_power * offence + noise
        if cfg.learning:
            a, b = self.alpha[firm], self.beta[firm]
            s += cfg.learning_weight * (math.log(a / b) - self.prior_log_odds)
        if self.firm_is_aeo[firm]:
            s += cfg.aeo_score_offset
        return s

    def channel(self, flow: int, firm: int, offence: bool, noise: float, random_check_u: float) -> int:
        """Green, yellow or red for one declaration."""
        s = self.score(firm, offence, noise)
        k = self.recent_count[flow]
        recent = self.recent[flow]
        recent[k % len(recent)] = s
        self.recent_count[flow] = k + 1
        if random_check_u < self.cfg.random_check_floor:
            return RED
        yellow_at, red_at = self.thresholds[flow]
        return RED if s > red_at else YELLOW if s > yellow_at else GREEN

    def learn(self, firm: int, offence_found: bool) -> None:
        """Beta-Bernoulli update of the firm's offence rate after a physical inspection."""
        if offence_found:
            self.alpha[firm] += 1
        else:
            self.beta[firm] += 1

    def recalibrate(self) -> None:
        """Reset thresholds to the target shares of recent scores (daily, when learning is on)."""
        if not self.cfg.learning:
            return
        for flow, (targets, recent, k) in enumerate(zip(self.score_targets, self.recent, self.recent_count)):
            if k >= 100:
                scores = recent[: min(k, len(recent))]
                self.thresholds[flow] = tuple(_threshold_of_share(scores, p) for p in targets)


def _threshold_of_share(scores: np.ndarray, p_above: float) -> float:
    """Score above which a share ``p_above`` of ``scores`` lies (+inf for 0, -inf for 1)."""
    if p_above <= 0:
        return math.inf
    if p_above >= 1:
        return -math.inf
    return float(np.quantile(scores, 1 - p_above))


class ConsignmentMix(NamedTuple):
    """Consignment-weighted shares the initial thresholds depend on."""

    aeo_share: float  # share of declarations from AEO firms
    aeo_offence_rate: float  # offence rate among them
    other_offence_rate: float  # offence rate among the others


def _mixture_threshold(p_above: float, power: float, aeo_offset: float, mix: ConsignmentMix) -> float:
    """Score t with P(score > t) = p_above before any learning (a mixture of four normals)."""
    if p_above >= 1:
        return -math.inf
    if p_above <= 0:
        return math.inf
    a, pa, po = mix
    means = [0.0, power, aeo_offset, power + aeo_offset]
    weights = [(1 - po) * (1 - a), po * (1 - a), (1 - pa) * a, pa * a]

    def excess(t: float) -> float:
        return sum(w * ndtr(m - t) for w, m in zip(weights, means)) - p_above

    return brentq(excess, -20, 20 + power + abs(aeo_offset))


def shares_after_retargeting(shares: ChannelShares, offence_rate: float, power_before: float,
                             power_after: float, red_odds_factor: float) -> None:
    """Channel shares (changed in place) when customs' targeting changes.

    Customs' thresholds are read as the odds of an offence at which a declaration was checked
    before (the score of a clean declaration is N(0, 1), an offending one's N(power, 1), a share
    ``offence_rate`` offend): the red bar is raised ``red_odds_factor`` times, the yellow bar
    kept, and the shares are those of scores above the same odds under ``power_after``. With no
    targeting before (power 0) the thresholds say nothing about odds: the shares are kept.
    """
    pi = offence_rate
    if power_before <= 0 or power_after <= 0 or not 0 < pi < 1:
        return
    prior_log_odds = math.log(pi / (1 - pi))

    def share_above(t: float, k: float) -> float:
        return (1 - pi) * ndtr(-t) + pi * ndtr(k - t)

    def threshold(share: float, k: float) -> float:
        if share >= 1:
            return -math.inf
        return brentq(lambda t: share_above(t, k) - share, -20, 20 + k) if share > 0 else math.inf

    def odds_to_threshold(log_odds: float, k: float) -> float:
        return (log_odds - prior_log_odds + k * k / 2) / k

    def threshold_to_odds(t: float, k: float) -> float:
        return prior_log_odds + k * t - k * k / 2

    red_t = threshold(shares.red, power_before)
    yellow_t = threshold(shares.red + shares.yellow, power_before)
    if not (math.isfinite(red_t) and math.isfinite(yellow_t)):
        return
    red_odds = threshold_to_odds(red_t, power_before) + math.log(red_odds_factor)
    yellow_odds = threshold_to_odds(yellow_t, power_before)
    red = share_above(odds_to_threshold(red_odds, power_after), power_after)
    checked = max(share_above(odds_to_threshold(yellow_odds, power_after), power_after), red)
    shares.red, shares.yellow, shares.green = red, checked - red, 1 - checked
