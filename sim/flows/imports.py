"""The journey of one import container, from the quay crane to the terminal gate.

Started by the vessel call the moment the box is discharged (see :mod:`sim.flows.vessel_call`),
or at its arrival when there are no vessels (the ``poisson`` arrival mode).
"""
from __future__ import annotations

from sim.consignment import Consignment
from sim.flows.clearance import clear, pause


def import_container(model, c: Consignment):
    env, log, terminal = model.env, model.log, model.terminal
    yield from pause(env, c.preparation_h)  # consignee and broker prepare and lodge the declaration
    if not (yield from clear(model, c)):
        terminal.leave_yard(c.id)  # detained: handed over for seizure
        return
    slot = terminal.book_pickup(env.now + c.pickup_delay_h)  # consignee books a truck
    yield from pause(env, slot - env.now)
    log.pickup_appointment[c.id] = env.now
    yield from terminal.pass_gate(c)
    terminal.leave_yard(c.id)
    log.gate_out[c.id] = env.now
