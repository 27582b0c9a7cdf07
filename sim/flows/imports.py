"""The journey of one import container, from the cargo manifest to the terminal gate.

Started when its vessel's manifest is filed (72 h before arrival), or at arrival in the Poisson
network. The consignee decides when to start clearance (:mod:`sim.agents.consignee`): it waits
for the box to be discharged unless the rules let it declare in advance (then it plans on the
carrier's published ETA, :mod:`sim.flows.eta`, not on the true arrival), then hands the
declaration to its broker and the B/L to the carrier, who issues the delivery order. The broker
keys and lodges the declaration (:mod:`sim.agents.broker`); customs clears it
(:mod:`sim.flows.clearance`). A consignee that plans to take the box at the ship side (direct
pickup) declares as soon as its papers and the rules allow. At discharge (:func:`discharged`) the box goes onto a truck waiting
at the ship side (direct pickup: released, no controls pending) or into the yard, where the
consignee collects it on the day it chooses (:meth:`sim.agents.consignee.Consignee.book_pickups`,
then :func:`collect`).

With ``behaviour.enabled=false`` (the verification network) the box is declared the moment it is
discharged and collected the moment it is released.
"""
from __future__ import annotations

import math

from sim.consignment import Consignment
from sim.flows.clearance import clear, declare, pause
from sim.flows.eta import published_eta_h
from sim.places import SHIP_SIDE
from sim.records import IMPORT, SHIP_SIDE_PICKUP


def import_container(model, c: Consignment):
    env, log, terminal = model.env, model.log, model.terminal
    consignee = model.trader(c.firm)
    log.goods_needed[c.id] = consignee.need_h(c)
    log.own_warehouse_cny_per_day[c.id] = consignee.own_warehouse_cny_per_teu_day * c.teu
    if model.measures.plans_ship_side(c):
        c.ship_side_planned = True
        log.lane_planned[c.id] = SHIP_SIDE_PICKUP
    if model.behaviour:
        if not consignee.declares_in_advance(c):
            yield from until_discharged(model, c)
        expected_discharge_h = (c.discharge_h if not math.isnan(c.discharge_h)  # else the ETA
                                else published_eta_h(model.config.vessels.eta, c.call, env.now))
        yield from pause(env, consignee.clearance_start_h(c, expected_discharge_h) - env.now)
        log.clearance_started[c.id] = env.now
        log.paper_bl[c.id] = not model.electronic_documents
        c.delivery_order = env.process(delivery_order(model, c))
        summary = model.measures.releases_before_duty(c)
        yield from declare(model, c, summary=summary, electronic_data=model.electronic_documents)
    else:
        yield from until_discharged(model, c)
        log.clearance_started[c.id] = env.now
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
    if model.behaviour:
        yield c.delivery_order
        consignee.collect_later(c)  # its daily decision books the truck
    else:
        yield from collect(model, c)


def delivery_order(model, c: Consignment):
    """The consignee surrenders the B/L once its vessel is in (the carrier issues D/Os for
    arrived calls only, unless a reform lets it exchange them in advance), then waits at the
    carrier's counter."""
    if math.isnan(model.log.vessel_arrival[c.id]) and not model.measures.delivery_order_before_arrival(c):
        yield from pause(model.env, c.arrival_h - model.env.now)
    yield from model.carriers[c.call.id % len(model.carriers)].release_delivery_order(c)


def collect(model, c: Consignment, at_h: float | None = None):
    """The booked truck comes at ``at_h`` (now if None), takes the box and leaves the gate."""
    env, log = model.env, model.log
    if at_h is not None:
        yield from pause(env, model.terminal.book_pickup(at_h) - env.now)
    log.pickup_appointment[c.id] = env.now
    yield from model.terminal.pick_up(c)
    log.gate_out[c.id] = env.now
    model.left_port.append(c.id)


def discharged(model, c: Consignment) -> None:
    """The quay crane has put the box down: onto a waiting truck, or into the yard."""
    now = model.env.now
    model.log.discharge[c.id] = now
    c.discharge_h = now
    c.ship_side = model.measures.ship_side_pickup(c)
    if c.ship_side is None:
        model.terminal.enter_yard(c.id)
    else:
        model.places.put(SHIP_SIDE, IMPORT)
        model.log.fast_lane[c.id] = SHIP_SIDE_PICKUP
    if c.waiting is not None:  # its journey is waiting for the box
        c.waiting.succeed()


def until_discharged(model, c: Consignment):
    """Return once the box is on the quay (at once if it already is)."""
    if math.isnan(c.discharge_h):
        c.waiting = model.env.event()
        yield c.waiting
        c.waiting = None
