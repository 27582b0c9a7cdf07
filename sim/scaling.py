"""Scale the ``shanghai`` port section up or down: demand and every capacity by one factor.

Waits and stage times stay about the same when arrival rates and server counts scale together
(the utilisation of every station is kept; small stations wait a little more, as Erlang C says).
Used to run Yangshan at full volume (benchmarks) and a smaller section for quick experiments.
"""
from __future__ import annotations

import math

from sim.schema import ClearwayConfig
from sim.schema.fields import value_at

VOLUMES = ("imports.boxes_per_day", "exports.boxes_per_day", "vessels.calls_per_day")
CAPACITIES = ("vessels.berths", "customs.doc_officers", "customs.inspection_teams",
              "customs.certification_slots", "terminal.shuttles", "terminal.gate_lanes",
              "terminal.appointment_slots_per_h", "terminal.yard_capacity_teu",
              "bonded_zone.zone_firms")  # the zone's firms are some of the section's importers


def scaled_overrides(cfg: ClearwayConfig, factor: float) -> list[str]:
    """Overrides that multiply ``cfg``'s volumes by ``factor`` and its capacities likewise
    (rounded up, keeping unlimited capacities, 0, unlimited)."""
    if factor <= 0:
        raise ValueError(f"scale factor must be > 0, got {factor}")
    out = []
    for path in VOLUMES:
        out.append(f"{path}={value_at(cfg, path) * factor:.6g}")
    for path in CAPACITIES:
        value = value_at(cfg, path)
        out.append(f"{path}={math.ceil(value * factor) if value else 0}")
    return out


def scale_override(override: str, factor: float) -> str:
    """``customs.inspection_teams=45`` scaled by 0.2 -> ``customs.inspection_teams=9``: a
    Hydra-style override of a volume or capacity multiplied like :func:`scaled_overrides`
    does; any other override unchanged."""
    path, _, value = override.partition("=")
    if path in VOLUMES:
        return f"{path}={float(value) * factor:.6g}"
    if path in CAPACITIES:
        return f"{path}={math.ceil(int(value) * factor) if int(value) else 0}"
    return override

