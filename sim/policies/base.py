"""What a policy may change, and nothing else: the interface between reforms and the agents.

A policy is a small object built from its config section. It changes a *rule* (who may declare
before arrival, what must be paid before release, which boxes may leave from the ship side), a
piece of *information* (documents in hand on issue) or a *capacity* (the config copy it may
``adjust``); the agents decide under the new rules and the stages come out of their decisions.
The flows and agents ask the model's :class:`sim.policies.Measures` (all enabled policies, folded
together) these questions; a policy overrides only the hooks its mechanism touches. The flows
never test a policy's name, and no hook returns a stage duration.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.schema import ClearwayConfig
    from sim.consignment import Consignment


class Policy:
    """Baseline answers to every question a flow may ask; subclasses override what they change."""

    name = "baseline"

    def adjust(self, cfg: ClearwayConfig) -> None:
        """Change rules, information or capacities in the run's (copied) config."""

    def bind(self, model) -> None:
        """Called once the model's traders exist (per-firm uptake, adoption state)."""

    def may_declare_before_arrival(self, c: Consignment) -> bool:
        """May the consignee lodge ``c``'s import declaration while the box is at sea?"""
        return False

    def releases_before_duty(self, c: Consignment) -> bool:
        """Is ``c`` released on a summary declaration, duties and the full declaration later?"""
        return False

    def approved_by_enterprise(self, c: Consignment) -> bool:
        """Is ``c``'s firm approved, so that its goods need no per-shipment certification and its
        release may be audited later?"""
        return False

    def audit_after_release(self, c: Consignment) -> None:
        """``c`` was just released on its firm's approval: audit it later, if the rule says so."""

    def plans_ship_side(self, c: Consignment) -> bool:
        """When its manifest is filed: does the consignee plan to take import ``c`` off the
        quay crane onto its own truck (the rest of the journey is then planned for that)?"""
        return False

    def delivery_order_before_arrival(self, c: Consignment) -> bool:
        """May the carrier issue ``c``'s delivery order before its vessel arrives?"""
        return False

    def ship_side_pickup(self, c: Consignment) -> float | None:
        """At discharge: hours of ship-side transfer if the box goes straight onto a waiting
        truck, None if it goes to the yard."""
        return None

    def loads_on_arrival(self, c: Consignment) -> float | None:
        """Hours before its vessel starts loading that an export box gates in, if it waits at
        the factory until then (None: the shipper sends it as usual)."""
        return None

    def opted_in(self, firm: int) -> bool:
        """Has trader ``firm`` opted in to this policy's route? (False where there is no opt-in.)"""
        return False

    def daily_update(self, model, left: dict[str, np.ndarray]) -> None:
        """End of a day: firms review their choices. ``left``: log columns (and ``cost_cny``, the
        total cost per box, :mod:`sim.costs`) of the boxes that left the port that day."""

    def daily_series(self) -> dict[str, float]:
        """Values to record every day (e.g. adoption shares)."""
        return {}
