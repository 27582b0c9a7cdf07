"""The carrier's published ETA of a vessel call: what the port's users know of its arrival.

Nobody but the simulation knows when a call really arrives (its scheduled time plus its delay,
:func:`sim.flows.vessel_call.schedule_calls`). Until ``vessels.eta.published_from_h`` before the
arrival the schedule is all there is; from then on the carrier publishes an ETA, updated as the
vessel approaches, whose error shrinks with the lead time ``L`` (hours to the true arrival):

    ETA(L) = arrival + z * sd(L),   sd(L) = error_sd_at_72h_h * (L / 72) ** error_sd_exponent

``z`` is the call's own standard normal draw (stream ``FORECAST``, keyed by the call), so one
call's successive ETAs err the same way, less and less, and a more accurate forecast (the
``punctuality_forecast`` policy scales ``error_sd_at_72h_h``) moves the same calls' ETAs closer
to the truth without shifting any other random number (common random numbers). Once the vessel
is in (``L <= 0``) its arrival is known.

Who reads it: consignees that declare in advance plan on the ETA as their expected discharge
(:mod:`sim.flows.imports`), direct pickup's truckers are dispatched on it
(:mod:`sim.policies.direct_pickup`), shippers plan stuffing and gate-in on it
(:mod:`sim.agents.shipper`, :func:`sim.flows.vessel_call.export_bookings`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.rng import Purpose, stream
from sim.schema.port import EtaConfig

if TYPE_CHECKING:
    from sim.flows.vessel_call import VesselCall

REFERENCE_LEAD_H = 72.0  # the lead time at which the error's spread is stated


def eta_error_z(seed: int, call_id: int) -> float:
    """The standard normal draw that sets which way, and how far, call ``call_id``'s ETAs err."""
    return float(stream(seed, Purpose.FORECAST, call_id).standard_normal())


def error_sd_h(cfg: EtaConfig, lead_h: float) -> float:
    """Spread (h) of the published ETA's error ``lead_h`` hours before the true arrival."""
    if lead_h <= 0:
        return 0.0
    lead_h = min(lead_h, cfg.published_from_h)
    return cfg.error_sd_at_72h_h * (lead_h / REFERENCE_LEAD_H) ** cfg.error_sd_exponent


def published_eta_h(cfg: EtaConfig, call: VesselCall, now_h: float) -> float:
    """The arrival time the carrier announces for ``call`` at ``now_h`` (hours since the start)."""
    lead_h = call.arrival_h - now_h
    if lead_h <= 0:
        return call.arrival_h
    if lead_h > cfg.published_from_h:
        return call.scheduled_h
    return call.arrival_h + call.eta_z * error_sd_h(cfg, lead_h)
