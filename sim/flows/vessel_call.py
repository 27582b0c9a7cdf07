"""Vessel calls: arrival, berth, discharge of import boxes, loading of export boxes, departure.

The call's import manifest is filed ``MANIFEST_LEAD_H`` before arrival: its boxes exist from then
on, and their journeys start (consignees decide when to declare, see :mod:`sim.flows.imports`).
The call arrives at its scheduled time plus a punctuality delay (which the port's users know only
through the carrier's published ETA, :mod:`sim.flows.eta`), waits for a berth in the order of
the terminal's berth plan (berth windows fixed on the ETA,
:meth:`sim.agents.terminal.Terminal.queue_for_berth`), moors,
and its quay cranes discharge the import boxes one move at a time (each goes to a truck at the ship side or into the
yard, see :func:`sim.flows.imports.discharged`), the bonded-zone lots booked on the call last
(:mod:`sim.bonded_zone.first_line`). Then the cranes load every export box booked on
the call that is released and in the yard; the others are shut out and rolled over to the next
call that has not started loading. The call unmoors and departs.

A call's export boxes are booked by their shippers (:func:`export_bookings`) some days before its
scheduled arrival; the shippers decide when to stuff and send them (:mod:`sim.agents.shipper`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.distributions import draw
from sim.flows.clearance import pause
from sim.flows.eta import eta_error_z, published_eta_h
from sim.flows.imports import discharged, import_container
from sim.places import ON_VESSEL
from sim.records import DETECTED, EXPORT, IMPORT
from sim.rng import Purpose, stream
from sim.schema.port import MANIFEST_LEAD_H
from sim.stress import bunched, surge_extra_boxes

BOOKING_LEAD_H = 14 * 24.0  # export boxes are booked on a call two weeks before it is due
SCHEDULE = 2  # stream key of the call schedule (0 and 1 are the flows)


@dataclass
class VesselCall:
    id: int
    scheduled_h: float
    arrival_h: float
    n_import: int
    n_export: int
    eta_z: float = 0.0  # which way, and how far, its published ETAs err (sim.flows.eta)
    first_import_id: int = 0  # id of the first box the cranes discharge (the others follow)
    exports: list = field(default_factory=list)  # Consignments booked on this call
    berthed: object = None  # SimPy event: the call is at its berth
    loading_start_h: float = math.inf  # known once berthed
    window: str = ""  # against its berth window: on window, early or late (sim.agents.terminal)
    berth_h: float = math.nan  # when it got its berth
    loading_started: bool = False
    next: VesselCall | None = None


def schedule_calls(cfg, seed: int) -> list[VesselCall]:
    """Every call whose scheduled arrival falls within the horizon or the drain after it (see
    :mod:`sim.cohort`), evenly spaced, with delays (and the stress section's surge and
    bunching, when switched on). A call's draws do not depend on how many calls follow it."""
    v = cfg.vessels
    interval_h = 24 / v.calls_per_day
    last_h = (cfg.run.horizon_days + cfg.run.drain_cap_days) * 24
    scheduled = bunched(cfg.stress, np.arange(interval_h / 2, last_h, interval_h))
    n = len(scheduled)
    delays = draw(stream(seed, Purpose.ARRIVALS, SCHEDULE, 1), v.delay, n)
    per_call = cfg.imports.boxes_per_day / v.calls_per_day, cfg.exports.boxes_per_day / v.calls_per_day
    imports = (stream(seed, Purpose.ARRIVALS, SCHEDULE, 2).poisson(per_call[IMPORT], n)
               + surge_extra_boxes(cfg.stress, seed, scheduled, per_call[IMPORT], IMPORT))
    exports = (stream(seed, Purpose.ARRIVALS, SCHEDULE, 3).poisson(per_call[EXPORT], n)
               + surge_extra_boxes(cfg.stress, seed, scheduled, per_call[EXPORT], EXPORT))
    calls = [VesselCall(k, float(scheduled[k]), float(scheduled[k] + delays[k]), int(imports[k]),
                        int(exports[k]), eta_error_z(seed, k))
             for k in range(n)]
    for a, b in zip(calls, calls[1:]):
        a.next = b
    return calls


def vessel_call(model, call: VesselCall):
    env, log, terminal, v = model.env, model.log, model.terminal, model.config.vessels
    call.berthed = env.event()
    yield from pause(env, call.arrival_h - MANIFEST_LEAD_H - env.now)  # cargo manifest filed
    boxes = model.new_consignments(IMPORT, call.id, call.n_import)
    for c in boxes:
        c.call, c.arrival_h = call, call.arrival_h
        env.process(import_container(model, c))
    boxes += model.first_line_boxes(call)  # bonded-zone lots: on the manifest, discharged last
    call.first_import_id = boxes[0].id if boxes else 0
    yield from pause(env, call.arrival_h - env.now)
    on_board = slice(boxes[0].id, boxes[-1].id + 1) if boxes else slice(0, 0)
    log.vessel_arrival[on_board] = env.now
    log.vessel[on_board] = call.id
    model.places.put(ON_VESSEL, IMPORT, len(boxes))
    request = terminal.queue_for_berth(call)  # in the berth plan's order (berth windows)
    with request:
        yield request
        terminal.berths.begin()
        call.berth_h = env.now
        log.berth[on_board] = env.now
        call.loading_start_h = env.now + v.berthing_h + len(boxes) * terminal.move_h
        call.berthed.succeed()
        yield env.timeout(v.berthing_h)
        for c in boxes:  # quay cranes discharge one move at a time
            yield env.timeout(terminal.move_h)
            model.places.take(ON_VESSEL, IMPORT)  # lifted off; discharged() puts it down
            discharged(model, c)
        loaded = shut_out_unready(model, call)
        for box in loaded:
            yield env.timeout(terminal.move_h)
            log.load[box] = env.now
            log.vessel[box] = call.id
            terminal.load(box, call)
            model.places.put(ON_VESSEL, EXPORT)
        yield env.timeout(v.departure_h)
        terminal.berths.finish()
    log.vessel_departure[loaded] = env.now
    model.places.take(ON_VESSEL, EXPORT, len(loaded))
    model.left_port.extend(loaded)


def shut_out_unready(model, call: VesselCall) -> list[int]:
    """Start loading: keep released boxes in the yard, roll the rest to the next call not yet loading."""
    log = model.log
    call.loading_started = True
    later = call.next
    while later is not None and later.loading_started:
        later = later.next
    loaded = []
    for c in call.exports:
        if not math.isnan(log.release[c.id]) and not math.isnan(log.gate_in[c.id]):
            loaded.append(c.id)
        elif log.outcome[c.id] != DETECTED and later is not None:
            later.exports.append(c)
            c.call = later
            log.rolled_over[c.id] += 1
    call.exports = []
    return loaded


def export_bookings(model, call: VesselCall):
    """The call's export boxes are booked ``BOOKING_LEAD_H`` before its scheduled arrival; each
    shipper plans when its box is stuffed (``shippers.ready_lead`` before the cut-off, counted
    from the call's ETA as published then: two weeks out, the schedule) and re-plans as the ETA
    moves (:meth:`sim.agents.shipper.Shipper.send_boxes`)."""
    env, shippers = model.env, model.config.behaviour.shippers
    yield env.timeout(max(call.scheduled_h - BOOKING_LEAD_H - env.now, 0.0))
    eta_h = published_eta_h(model.config.vessels.eta, call, env.now)
    cutoff_h = eta_h - shippers.cutoff_before_eta_h
    boxes = model.new_consignments(EXPORT, call.id, call.n_export)
    # a box that would have been stuffed before the run began is left out: at the start the
    # port's pipeline is empty, and sending days of such boxes at once to brokers and fleets
    # that work near capacity made a backlog the warm-up could not clear
    boxes = [c for c in boxes if cutoff_h - c.ready_lead_h >= 0.0]
    call.exports.extend(boxes)
    for c in boxes:
        c.call = call
        c.ready_h = max(cutoff_h - c.ready_lead_h, env.now)  # never before it is booked
        model.trader(c.firm).plan(c)


def start_vessel_traffic(model) -> None:
    model.calls = schedule_calls(model.config, model.seed)  # the bonded zone books lots on them
    for call in model.calls:
        model.env.process(vessel_call(model, call))
        if call.n_export:
            model.env.process(export_bookings(model, call))
