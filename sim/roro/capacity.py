"""Offered load of the ro-ro terminal's stations, and the check that each stays below 1.

The document desk is customs', shared with the containers: its vehicles' load is added to the
containers' own (:func:`sim.capacity.offered_utilisation`). Brokers key in office hours and
inspection teams work in customs' shifts, so their load is over those hours, not the day's 24.
"""
from __future__ import annotations

from sim.capacity import offered_utilisation
from sim.schema import ClearwayConfig
from sim.schema.errors import ConfigError


def offered_load(cfg: ClearwayConfig) -> dict[str, tuple[str, float]]:
    """Station -> (its capacity field, offered utilisation with the vehicles' work)."""
    r, customs = cfg.roro, cfg.customs
    calls, c = r.calls, r.clearance
    vehicles_per_h = calls.per_day * calls.vehicles_per_call / 24
    berth_h = calls.berthing_h + calls.vehicles_per_call * calls.drive_off_h / calls.gangs + calls.departure_h
    office = cfg.behaviour.brokers.office
    office_share = (office.close_h - office.open_h) / 24
    shift_share = (customs.shift_end_h - customs.shift_start_h) / 24
    containers_at_desk = next(rho for ref, rho in offered_utilisation(cfg).items() if ref.name == "doc_check")
    return {
        "roro_berth": ("roro.calls.berths", calls.per_day / 24 * berth_h / calls.berths),
        "vehicle_brokers": ("roro.clearance.declarants_per_broker",
                            vehicles_per_h * c.declaration_work.mean_h
                            / (c.brokers * c.declarants_per_broker * office_share)),
        "doc_check": ("customs.doc_officers", containers_at_desk
                      + vehicles_per_h * c.certificate_check.mean_h / customs.doc_officers),
        "vehicle_inspection": ("roro.clearance.inspection_teams",
                               vehicles_per_h * c.inspection.mean_h / (c.inspection_teams * shift_share)),
    }


def check_roro_load(cfg: ClearwayConfig) -> None:
    """Raise :class:`ConfigError` naming the capacity field of a station loaded to 1 or more."""
    for station, (field, rho) in offered_load(cfg).items():
        if rho >= 1:
            raise ConfigError(field, f"station '{station}' would have offered utilisation {rho:.2f} >= 1 "
                                     "with the ro-ro vehicles and queue without bound: add capacity, "
                                     "lower roro.calls.per_day, or set run.steady_state=false")
