"""The journey of one import container, from the quay crane to the terminal gate.

Usually started by the vessel call the moment the box is discharged (see
:mod:`sim.flows.vessel_call`). A firm that declares in advance (pre-arrival processing, direct
pickup) starts it earlier, at lodgement, while the box is at sea: documents are checked before
arrival and physical controls wait for discharge. At discharge (:func:`discharged`) the box goes
either onto a truck waiting at the ship side (released, no controls pending, firm opted in) or
into the yard.
"""
from __future__ import annotations

import math

from sim.consignment import Consignment
from sim.flows.clearance import clear, pause
from sim.places import SHIP_SIDE
from sim.records import IMPORT, SHIP_SIDE_PICKUP


def import_container(model, c: Consignment, lodge_at_h: float | None = None):
    env, log, terminal = model.env, model.log, model.terminal
    if lodge_at_h is None:  # consignee and broker prepare the declaration after discharge
        yield from pause(env, model.measures.preparation_h(c, c.preparation_h))
    else:  # declared in advance
        yield from pause(env, lodge_at_h - env.now)
    released = yield from clear(model, c, until_discharged)
    yield from until_discharged(model, c)
    if not released:
        terminal.seize(c)  # detained: handed over for seizure
        return
    if c.ship_side is not None:  # straight from the quay crane onto the waiting truck
        yield from pause(env, c.ship_side)
        model.places.take(SHIP_SIDE, IMPORT)
        log.gate_out[c.id] = env.now
        model.left_port.append(c.id)
        return
    slot = terminal.book_pickup(env.now + c.pickup_delay_h)  # consignee books a truck
    yield from pause(env, slot - env.now)
    log.pickup_appointment[c.id] = env.now
    yield from terminal.pick_up(c)
    log.gate_out[c.id] = env.now
    model.left_port.append(c.id)


def discharged(model, c: Consignment) -> None:
    """The quay crane has put the box down: onto a waiting truck, or into the yard."""
    model.log.discharge[c.id] = model.env.now
    c.ship_side = model.measures.ship_side_pickup(c)
    if c.ship_side is None:
        model.terminal.enter_yard(c.id)
    else:
        model.places.put(SHIP_SIDE, IMPORT)
        model.log.fast_lane[c.id] = SHIP_SIDE_PICKUP
    if not c.declared_in_advance:
        model.env.process(import_container(model, c))
    elif c.waiting is not None:  # its journey is waiting for the box
        c.waiting.succeed()


def until_discharged(model, c: Consignment):
    """Return once the box is on the quay (at once if it already is)."""
    if math.isnan(model.log.discharge[c.id]):
        c.waiting = model.env.event()
        yield c.waiting
        c.waiting = None
