"""Offered load of every station, computed from the config before a run.

Used by the start-up checks (:mod:`sim.feasibility`: a steady-state run must have utilisation
< 1 everywhere, once the policies have changed service times and channel shares) and by the
verification tests (arrival rates of the queueing network). Rates are per hour.
"""
from __future__ import annotations

from typing import NamedTuple

from sim.schema import ClearwayConfig


class StationRef(NamedTuple):
    name: str  # station name as used in summaries
    field: str  # config field that sets its capacity


def arrival_rates_per_h(cfg: ClearwayConfig) -> dict[str, float]:
    """Mean arrivals per hour at each customs and terminal station, from flow rates and shares."""
    imp, exp = cfg.imports, cfg.exports
    per_h = {"imports": imp.boxes_per_day / 24, "exports": exp.boxes_per_day / 24}
    checked = sum(per_h[f] * (getattr(cfg, f).channels.yellow + getattr(cfg, f).channels.red)
                  for f in per_h)
    inspected = sum(per_h[f] * getattr(cfg, f).channels.red for f in per_h)
    both = per_h["imports"] + per_h["exports"]
    return {
        "doc_check": checked,
        "inspection": inspected,
        "certification": per_h["imports"] * cfg.firms.certification_share,  # imports only
        "shuttle": 2 * inspected,  # to the inspection area and back
        "gate": both,  # import pickups and export deliveries share the gate
        "berth": cfg.vessels.calls_per_day / 24,
    }


def offered_utilisation(cfg: ClearwayConfig) -> dict[StationRef, float]:
    """Offered utilisation (arrival rate x mean service / servers) of each finite station."""
    c, t, v = cfg.customs, cfg.terminal, cfg.vessels
    rate = arrival_rates_per_h(cfg)
    boxes_per_call = (cfg.imports.boxes_per_day + cfg.exports.boxes_per_day) / v.calls_per_day
    berth_h = v.berthing_h + boxes_per_call / (v.cranes_per_berth * v.moves_per_crane_h) + v.departure_h
    shift_share = (c.shift_end_h - c.shift_start_h) / 24  # inspection teams work in shifts
    stations = {
        StationRef("doc_check", "customs.doc_officers"): (rate["doc_check"] * c.doc_check.mean_h, c.doc_officers),
        StationRef("inspection", "customs.inspection_teams"): (
            rate["inspection"] * c.inspection.mean_h / shift_share, c.inspection_teams),
        StationRef("certification", "customs.certification_slots"): (
            rate["certification"] * c.certification.mean_h, c.certification_slots),
        StationRef("shuttle", "terminal.shuttles"): (rate["shuttle"] * t.shuttle.mean_h, t.shuttles),
        StationRef("gate", "terminal.gate_lanes"): (rate["gate"] * t.gate_service.mean_h, t.gate_lanes),
    }
    if cfg.arrivals.mode == "vessel":
        stations[StationRef("berth", "vessels.berths")] = (rate["berth"] * berth_h, v.berths)
    return {ref: load / servers for ref, (load, servers) in stations.items() if servers > 0}
