"""Two-step declaration: release on a summary declaration, full declaration and duty later.

Mechanism: an eligible firm lodges a summary declaration (9 items: what the goods are, whether
they are subject to licences or inspection) and is released on it; tariff classification, value
and duty follow in a full declaration within 14 days, off the critical path. Preparation before
lodgement is therefore shorter: multiplied by ``preparation_factor``. Goods that need inspection
or certification still get it before release.

Eligibility: import declarations of firms whose credit class is not low (AEO or general).

Parameters:
- ``preparation_factor`` = 0.5: share of preparation time a summary declaration still needs.
  Assumption. The 9-item summary and 14-day rule: GACC pilots 2019, nationwide 2020 (figures.md).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.firm import LOW as LOW_CREDIT
from sim.policies.base import Policy
from sim.records import IMPORT
from sim.schema.policies import TwoStepConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment


class TwoStep(Policy):
    name = "two_step"

    def __init__(self, cfg: TwoStepConfig):
        self.cfg = cfg

    def preparation_h(self, c: Consignment, hours: float) -> float:
        eligible = c.flow == IMPORT and c.credit != LOW_CREDIT
        return hours * self.cfg.preparation_factor if eligible else hours
