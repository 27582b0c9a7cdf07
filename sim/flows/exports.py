"""The journey of one export container, from the terminal gate to release for loading.

The box is delivered by truck, stacked, declared and cleared. Loading is the vessel call's work:
at the start of loading it takes every released box booked on it and rolls the others over to
the next call (see :mod:`sim.flows.vessel_call`). Without vessels (``poisson`` mode) the journey
ends at release.
"""
from __future__ import annotations

from sim.consignment import Consignment
from sim.flows.clearance import clear, pause


def export_container(model, c: Consignment):
    env, log, terminal = model.env, model.log, model.terminal
    yield from terminal.pass_gate(c)  # truck delivers the box
    log.gate_in[c.id] = env.now
    terminal.enter_yard(c.id)
    yield from pause(env, c.preparation_h)  # exporter and broker prepare and lodge the declaration
    if not (yield from clear(model, c)):
        terminal.leave_yard(c.id)  # detained
