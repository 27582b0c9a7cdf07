"""Two-step declaration: release on a summary declaration, full declaration and duty later.

Mechanism (a rule): an eligible consignee's broker keys a summary declaration (``brokers.
summary_items`` = 9 data items: what the goods are, whether licences or inspection apply) instead
of the full one (``brokers.full_items``), and customs releases on it. Duties no longer have to be
paid or guaranteed before release, so a consignee without a guarantee need not arrange the funds
first. The full declaration (classification, value, duty) follows within 14 days, off the
critical path, but it is still keyed: the broker does that work right after the summary, so its
declarants are no less busy. Goods that need inspection or certification still get it.

Eligibility: import declarations of firms whose credit class is not low (AEO or general).

Parameters: none of its own (the items are in ``behaviour.brokers``). The 9-item summary and the
14-day rule: GACC pilots 2019, nationwide 2020 (figures.md).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.records import IMPORT
from sim.records import LOW as LOW_CREDIT
from sim.schema.policies import TwoStepConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment


class TwoStep(Policy):
    name = "two_step"

    def __init__(self, cfg: TwoStepConfig):
        self.cfg = cfg

    def releases_before_duty(self, c: Consignment) -> bool:
        return c.flow == IMPORT and c.credit != LOW_CREDIT
