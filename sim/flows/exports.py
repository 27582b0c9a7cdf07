"""The journey of one export container, from the factory to release for loading.

Started when the box is ready at the factory (its planned gate-in, milestone ``ready``). Usually
a truck delivers it at once, it is stacked, declared and cleared. A firm that loads on arrival
(direct loading) keeps the box at the factory while it is declared; once released, it is
trucked in through a dedicated lane in the hours before its vessel starts loading (a box that
customs wants to inspect is trucked in at once through the normal gate).

Loading is the vessel call's work: at the start of loading it takes every box booked on it that
is released and in the yard, and rolls the others over to the next call (see
:mod:`sim.flows.vessel_call`). Without vessels (``poisson`` mode) the journey ends at release.
"""
from __future__ import annotations

import math

from sim.consignment import Consignment
from sim.flows.clearance import clear, pause
from sim.records import LOADING_ON_ARRIVAL


def export_container(model, c: Consignment):
    env, log, terminal = model.env, model.log, model.terminal
    log.ready[c.id] = env.now
    gate_in_before_loading_h = model.measures.loads_on_arrival(c) if c.call is not None else None
    if gate_in_before_loading_h is None:
        yield from deliver(model, c)  # truck delivers the box now
    yield from pause(env, model.measures.preparation_h(c, c.preparation_h))
    if not (yield from clear(model, c, deliver_if_away)):
        if is_at_terminal(model, c):
            terminal.seize(c)  # detained
        return
    if not is_at_terminal(model, c):  # released at the factory: truck in as the ship loads
        yield from until_loading_begins(model, c, gate_in_before_loading_h)
        log.fast_lane[c.id] = LOADING_ON_ARRIVAL
        log.gate_in[c.id] = env.now  # through the dedicated lane, no gate queue
        terminal.enter_yard(c.id)


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
