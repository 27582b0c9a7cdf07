"""Risk management with AEO benefits: better targeting, higher thresholds, AEO benefits.

Mechanism (information and a rule): customs' risk engine gets better data and analytics, so its
signal separates offending declarations from clean ones better (``targeting_power`` rises), and
customs raises the bar for a physical inspection: it inspects only where the odds of an offence
are ``red_odds_factor`` times those that triggered an inspection before. The document-check bar
is unchanged. The inspected and document-checked shares follow from these: the 2017 shares
(``imports.channels``, ``exports.channels``) fix customs' thresholds, read as odds of an offence
(see :func:`sim.agents.risk.shares_after_retargeting`), and the new targeting moves every
declaration's signal across them. Firms' risk is learned from inspection outcomes; AEO firms get
a lower risk score (``aeo_score_offset``) and go first in every customs queue.

Eligibility: all declarations; the extra benefits go to AEO firms.

Parameters:
- ``targeting_power`` = 2.0 (standard deviations of separation; baseline 1.37 reproduces "the
  riskiest 30 % hold 80 % of offences", Grigoriou, figures.md). Assumption.
- ``red_odds_factor`` = 3.0: assumption. Check: about 5 % of trade inspected after risk
  management in Austria (World Bank Doing Business, figures.md), a check, not a target.
- ``aeo_score_offset`` = -1.0 (standard deviations). Assumption.
- ``aeo_priority`` = true.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.schema.policies import RiskManagementConfig

if TYPE_CHECKING:
    from sim.schema import ClearwayConfig


class RiskManagement(Policy):
    name = "risk_management"

    def __init__(self, cfg: RiskManagementConfig):
        self.cfg = cfg

    def adjust(self, cfg: ClearwayConfig) -> None:
        # lazy: SciPy's root finder, loaded only when this reform is on (start-up time)
        from sim.agents.risk import shares_after_retargeting

        risk = cfg.customs.risk
        for shares in (cfg.imports.channels, cfg.exports.channels):
            shares_after_retargeting(shares, cfg.firms.offence_rate_mean, risk.targeting_power,
                                     self.cfg.targeting_power, self.cfg.red_odds_factor)
        risk.targeting_power = self.cfg.targeting_power
        risk.aeo_score_offset = self.cfg.aeo_score_offset
        risk.aeo_priority = self.cfg.aeo_priority
        risk.learning = True
        risk.random_check_floor = min(risk.random_check_floor, cfg.imports.channels.red,
                                      cfg.exports.channels.red)
