"""Trade facilitation reforms, one module each, switched on in ``configs/policy/<name>.yaml``.

:class:`Measures` folds the enabled policies into the answers the flows ask for (see
:mod:`sim.policies.base`); with no policy enabled every answer is the baseline's. Policies
compose: a reform package (``configs/package/``) is a list of them.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np

from sim.policies.base import Policy
from sim.policies.direct_loading import DirectLoading
from sim.policies.direct_pickup import DirectPickup
from sim.policies.e_documents import EDocuments
from sim.policies.enterprise_certification import EnterpriseCertification
from sim.policies.pre_arrival import PreArrival
from sim.policies.punctuality_forecast import PunctualityForecast
from sim.policies.risk_management import RiskManagement
from sim.policies.two_step import TwoStep
from sim.schema.policies import PoliciesConfig

if TYPE_CHECKING:
    from sim.schema import ClearwayConfig
    from sim.consignment import Consignment


CONTAINER_POLICIES: dict[str, type[Policy]] = {
    "pre_arrival": PreArrival,
    "e_documents": EDocuments,
    "risk_management": RiskManagement,
    "two_step": TwoStep,
    "direct_pickup": DirectPickup,
    "direct_loading": DirectLoading,
    "enterprise_certification": EnterpriseCertification,
    "punctuality_forecast": PunctualityForecast,
}


def enabled_policies(cfg: PoliciesConfig) -> list[str]:
    return [name for name in vars(cfg) if getattr(cfg, name).enabled]


def _first(answers):
    return next((a for a in answers if a is not None), None)


def _answering(policies: list[Policy], question: str) -> list[Policy]:
    """The ``policies`` whose class answers ``question`` itself: the others give the base's
    answer (no, None, nothing to do), so asking them for every box changes nothing."""
    return [p for p in policies if getattr(type(p), question) is not getattr(Policy, question)]


class Measures:
    """The enabled container-flow policies, asked together. (Policies of the sub-models, such as
    shared warehousing and bonded blending, are read by their sub-model directly.)"""

    def __init__(self, cfg: PoliciesConfig):
        self.active: list[Policy] = [cls(getattr(cfg, name)) for name, cls in CONTAINER_POLICIES.items()
                                     if getattr(cfg, name).enabled]
        self._pre_arrival = _answering(self.active, "may_declare_before_arrival")
        self._before_duty = _answering(self.active, "releases_before_duty")
        self._by_enterprise = _answering(self.active, "approved_by_enterprise")
        self._auditing = _answering(self.active, "audit_after_release")
        self._plan_ship_side = _answering(self.active, "plans_ship_side")
        self._early_delivery_order = _answering(self.active, "delivery_order_before_arrival")
        self._ship_side = _answering(self.active, "ship_side_pickup")
        self._on_arrival = _answering(self.active, "loads_on_arrival")

    def effective_config(self, cfg: ClearwayConfig) -> ClearwayConfig:
        """A copy of ``cfg`` with the policies' service-time, channel and risk changes applied."""
        adjusted = copy.deepcopy(cfg)
        for p in self.active:
            p.adjust(adjusted)
        return adjusted

    def bind(self, model) -> None:
        for p in self.active:
            p.bind(model)

    def may_declare_before_arrival(self, c: Consignment) -> bool:
        return any(p.may_declare_before_arrival(c) for p in self._pre_arrival)

    def releases_before_duty(self, c: Consignment) -> bool:
        return any(p.releases_before_duty(c) for p in self._before_duty)

    def approved_by_enterprise(self, c: Consignment) -> bool:
        return any(p.approved_by_enterprise(c) for p in self._by_enterprise)

    def audit_after_release(self, c: Consignment) -> None:
        for p in self._auditing:
            p.audit_after_release(c)

    def plans_ship_side(self, c: Consignment) -> bool:
        return any(p.plans_ship_side(c) for p in self._plan_ship_side)

    def delivery_order_before_arrival(self, c: Consignment) -> bool:
        return any(p.delivery_order_before_arrival(c) for p in self._early_delivery_order)

    def ship_side_pickup(self, c: Consignment) -> float | None:
        if not self._ship_side:
            return None
        return _first(p.ship_side_pickup(c) for p in self._ship_side)

    def loads_on_arrival(self, c: Consignment) -> float | None:
        if not self._on_arrival:
            return None
        return _first(p.loads_on_arrival(c) for p in self._on_arrival)

    def routes_opted_in(self, firm: int) -> str:
        """The routes trader ``firm`` has opted in to, comma-separated ('' for none)."""
        return ",".join(p.name for p in self.active if p.opted_in(firm))

    def daily_update(self, model, left: dict[str, np.ndarray]) -> None:
        for p in self.active:
            p.daily_update(model, left)

    def daily_series(self) -> dict[str, float]:
        series = {}
        for p in self.active:
            series.update(p.daily_series())
        return series
