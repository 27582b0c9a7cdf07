"""What a policy may change, and nothing else: the interface between reforms and the flows.

A policy is a small object built from its config section. The flows and agents ask the model's
:class:`sim.policies.Measures` (all enabled policies, folded together) these questions; a policy
overrides only the hooks its mechanism touches, the others keep the baseline answer. The flows
never test a policy's name.
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
        """Change service-time, channel or risk parameters of the run's (copied) config."""

    def bind(self, model) -> None:
        """Called once the model's firms exist (per-firm uptake, adoption state)."""

    def preparation_h(self, c: Consignment, hours: float) -> float:
        """Time the declarant needs to prepare and lodge the declaration, in hours."""
        return hours

    def advance_lodgement_h(self, c: Consignment) -> float | None:
        """Hours before the vessel's arrival an import declaration is lodged (None: after discharge)."""
        return None

    def ship_side_pickup(self, c: Consignment) -> float | None:
        """At discharge: hours of ship-side transfer if the box goes straight onto a waiting
        truck, None if it goes to the yard."""
        return None

    def loads_on_arrival(self, c: Consignment) -> float | None:
        """Hours before its vessel starts loading that an export box gates in, if it waits at
        the factory until then (None: delivered at its planned time)."""
        return None

    def daily_update(self, model, left: dict[str, np.ndarray]) -> None:
        """End of a day: firms review their choices. ``left``: log columns (and ``cost_cny``, the
        total cost per box) of the boxes that left the port that day."""

    def daily_series(self) -> dict[str, float]:
        """Values to record every day (e.g. adoption shares)."""
        return {}
