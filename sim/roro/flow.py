"""The imported vehicles' journeys through the ro-ro terminal, as SimPy processes.

A ro-ro ship (PCTC) arrives at its scheduled time plus a delay, waits for a ro-ro berth, moors
and lowers its ramp; gangs of drivers drive the vehicles off one by one into the vehicle yard
(no crane). Each vehicle's importer then gets its papers to its broker, who keys the declaration
in office hours (:meth:`sim.agents.broker.Broker.key`); customs checks the vehicle against its
compulsory product certification (CCC) at the port's document desk, which it shares with the
containers, and inspects the vehicle itself in the yard (every vehicle, in customs' shifts);
then releases it. The importer books a car carrier for the day its dealer wants the vehicle
(:func:`book_car_carriers`, the day's decision); a company whose fleet is full that day refuses,
and the importer tries again the next day.

Direct pickup never applies: the pilot is for goods that "do not require certification or
inspection" (seed 000), and an imported vehicle requires both (CCC certification and the
statutory inspection of imported vehicles, docs/references.md). A vehicle is never asked about
the container fast lanes; its ``ship_side`` column stays False.
"""
from __future__ import annotations

import numpy as np

from sim.flows.clearance import pause
from sim.roro.draws import call_delays_h

NOT_AEO = 1  # the document desk's priority class of a non-AEO declaration (sim.agents.customs)


def call_arrivals(terminal):
    """Start every call scheduled within the horizon and the drain after it, evenly spaced."""
    run, calls = terminal.run_cfg, terminal.cfg.calls
    interval_h = 24 / calls.per_day
    scheduled = np.arange(interval_h / 2, (run.horizon_days + run.drain_cap_days) * 24, interval_h)
    delays = call_delays_h(terminal.cfg, terminal.seed, len(scheduled))
    for number, arrival_h in enumerate(scheduled + delays):
        terminal.env.process(roro_call(terminal, number, float(arrival_h)))


def roro_call(terminal, number: int, arrival_h: float):
    """Arrive, berth, drive every vehicle off, depart."""
    env, calls = terminal.env, terminal.cfg.calls
    yield from pause(env, arrival_h - env.now)
    v = terminal.draw_call(number)
    first, n = terminal.arrive(number, v), len(v["importer"])
    request = terminal.berths.join()
    with request:
        yield request
        terminal.berths.begin()
        terminal.log.berth[first:first + n] = env.now
        yield from pause(env, calls.berthing_h)
        for j in range(n):
            yield env.timeout(calls.drive_off_h / calls.gangs)
            terminal.drive_off(first + j)
            env.process(vehicle(terminal, v, first + j, j))
        yield from pause(env, calls.departure_h)
        terminal.berths.finish()


def vehicle(terminal, v: dict, row: int, j: int):
    """Declare, check the certification, inspect, release; then wait for a car carrier."""
    env, log = terminal.env, terminal.log
    yield from pause(env, float(v["documents_h"][j]))
    log.documents_ready[row] = env.now
    broker = terminal.brokers[int(v["importer"][j]) % len(terminal.brokers)]
    yield from broker.key(float(v["declaration_work_h"][j]))
    log.declaration_lodged[row] = env.now
    yield from terminal.doc_desk.serve(float(v["certificate_check_h"][j]), NOT_AEO)
    log.certificate_checked[row] = env.now
    log.inspection_queued[row] = env.now
    yield from terminal.inspection.serve(float(v["inspection_h"][j]), stamp=(log, "inspection_start"), row=row)
    log.inspection_end[row] = env.now
    log.release[row] = env.now
    terminal.awaiting_carrier.append(row)


def book_car_carriers(terminal, today: int) -> None:
    """At the start of ``today`` each released vehicle wanted by the end of the day is booked on
    its importer's car-carrier company; a booking the company refuses waits for tomorrow."""
    log, working = terminal.log, terminal.cfg.car_carriers.working
    day_end_h = (today + 1) * 24.0
    waiting = []
    for row in terminal.awaiting_carrier:
        if log.need_h[row] >= day_end_h:
            waiting.append(row)
            continue
        company = terminal.car_carriers[int(log.importer[row]) % len(terminal.car_carriers)]
        if not company.book(today):
            log.car_carrier_refusals[row] += 1
            waiting.append(row)
            continue
        at_h = today * 24.0 + working.open_h + float(log.pickup_u[row]) * (working.close_h - working.open_h)
        terminal.env.process(pick_up(terminal, row, at_h))
    terminal.awaiting_carrier = waiting


def pick_up(terminal, row: int, at_h: float):
    """The car carrier loads the vehicle at ``at_h`` and leaves."""
    yield from pause(terminal.env, at_h - terminal.env.now)
    terminal.leave(row)
