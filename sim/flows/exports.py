"""The journey of one export container, from the factory to release for loading.

Started by the shipper (:mod:`sim.agents.shipper`): usually when its booked truck reaches the
terminal; the box is stacked, its declaration documents go to the shipper's broker (on paper, in
office hours, unless they are electronic), and the broker declares it; then customs clears it. A shipper
that loads on arrival (direct loading) starts it at the factory once the box is stuffed: the box
is declared from there, and once released it is trucked in through a dedicated lane in the hours
before its vessel starts loading (a box that customs wants to inspect is trucked in at once
through the normal gate).

Loading is the vessel call's work: at the start of loading it takes every box booked on it that
is released and in the yard, and rolls the others over to the next call (see
:mod:`sim.flows.vessel_call`). Without vessels (``poisson`` mode) the journey ends at release.
"""
from __future__ import annotations

import math

from sim.consignment import Consignment
from sim.flows.clearance import clear, declare, pause
from sim.office_hours import finish_time
from sim.records import LOADING_ON_ARRIVAL


def export_container(model, c: Consignment, before_loading_h: float | None = None,
                     start_h: float | None = None):
    """``before_loading_h``: None if the box is at the gate when the journey starts; else it is at
    the factory and trucks in that many hours (at most) before its vessel starts loading, once
    released. ``start_h``: when the journey starts (now if None)."""
    env, log, terminal = model.env, model.log, model.terminal
    if start_h is not None:
        yield from pause(env, start_h - env.now)
    log.ready[c.id] = c.ready_h if not math.isnan(c.ready_h) else env.now
    if before_loading_h is None:
        yield from deliver(model, c)  # the truck is at the gate
    log.clearance_started[c.id] = env.now
    if model.behaviour:
        yield from hand_over_documents(model, c)
        yield from declare(model, c, summary=False, electronic_data=model.electronic_documents)
    if not (yield from clear(model, c, deliver_if_away)):
        if is_at_terminal(model, c):
            terminal.seize(c)  # detained
        return
    if not is_at_terminal(model, c):  # released at the factory: truck in as the ship loads
        yield from until_loading_begins(model, c, before_loading_h)
        log.fast_lane[c.id] = LOADING_ON_ARRIVAL
        log.truck_trips[c.id] += 1
        log.gate_in[c.id] = env.now  # through the dedicated lane, no gate queue
        terminal.stack_export(c)


def hand_over_documents(model, c: Consignment):
    """The shipper's declaration documents (invoice, packing list with the container and seal
    numbers the gate confirmed, power of attorney) reach its broker after ``c.documents_h`` hours
    of office time: prepared and sent by messenger in office hours, so a box that gates in
    overnight is declared the next working day. Electronic documents are in the broker's system at
    once."""
    if not model.electronic_documents:
        env, office = model.env, model.config.behaviour.brokers.office
        yield from pause(env, finish_time(env.now, c.documents_h, office) - env.now)


def deliver(model, c: Consignment):
    """A truck brings the box through the gate into the yard."""
    yield from model.terminal.deliver(c)
    model.log.gate_in[c.id] = model.env.now


def deliver_if_away(model, c: Consignment):
    if not is_at_terminal(model, c):
        yield from deliver(model, c)


def is_at_terminal(model, c: Consignment) -> bool:
    return not math.isnan(model.log.gate_in[c.id])


def until_loading_begins(model, c: Consignment, before_h: float):
    """Wait for the box's slot in the ``before_h`` hours before its vessel call starts loading:
    each lane truck arrives at a random time in that window (from the box's own draw), so the
    call's trucks spread over it instead of arriving at once."""
    call = c.call
    if not call.berthed.triggered:
        yield call.berthed
    position = 0.5 * (1 + math.erf(c.policy_z / math.sqrt(2)))  # uniform in (0, 1)
    yield from pause(model.env, call.loading_start_h - before_h * (1 - position) - model.env.now)
