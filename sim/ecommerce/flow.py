"""The parcels' journeys through the air cargo terminal, as SimPy processes.

A flight lands (its scheduled time plus a delay); each ULD waits for a breakdown team, which
breaks it down into parcels. Each parcel is declared (on its own, or in its ULD's consolidated
declaration), its three documents are matched (by hand if they do not match), the red channel
opens it, a special parcel (electrified, magnetic, cosmetics) gets its extra check unless the
policy waives it, and the parcel is released (or detained) and collected by the last-mile
courier. Some come back: a return inside the window gets its papers prepared, is re-declared
and opened (standard) or is matched electronically to its declaration (streamlined), and
re-enters bonded stock or is destroyed; a request after the window is refused.
"""
from __future__ import annotations

import numpy as np

from sim.ecommerce.records import DESTROYED, DETAINED, IN_STOCK, MISSED, REFUSED, RELEASED


def flight_arrivals(terminal):
    """The day's flights at evenly spaced scheduled times, over the horizon."""
    env, per_day = terminal.env, terminal.cfg.flights.per_day
    for day in range(terminal.horizon_days):
        for j in range(per_day):
            yield env.timeout(day * 24 + (j + 0.5) * 24 / per_day - env.now)
            env.process(flight(terminal, day * per_day + j))


def flight(terminal, number: int):
    """A flight lands after its delay; every ULD on it queues for breakdown."""
    f = terminal.draw_flight(number)
    yield terminal.env.timeout(f["delay_h"])
    first = terminal.land(number, f)
    f = {name: v.tolist() if isinstance(v, np.ndarray) else v for name, v in f.items()}  # each
    # parcel reads a dozen of its draws: Python values are cheaper to read than numpy scalars
    for uld_no, n in enumerate(f["per_uld"]):
        terminal.env.process(uld(terminal, f, uld_no, first, int(n)))
        first += int(n)


def uld(terminal, f: dict, uld_no: int, first: int, n: int):
    """Break the ULD down; declare its whitelisted sellers' parcels together (policy) and clear
    every parcel."""
    env, log = terminal.env, terminal.log
    yield from terminal.breakdown.serve(float(f["breakdown_h"][uld_no]))
    log.broken_down[first:first + n] = env.now
    rows = range(first, first + n)
    in_batch = [terminal.policy.declares_by_uld(bool(log.whitelisted[row])) for row in rows]
    batch = [row for row, listed in zip(rows, in_batch) if listed]
    declared = env.process(consolidated_declaration(terminal, f, batch)) if batch else None
    for row, listed in zip(rows, in_batch):
        env.process(parcel(terminal, f, row, declared if listed else None))


def consolidated_declaration(terminal, f: dict, rows: list[int]):
    """One declaration lists the ULD's parcels of whitelisted sellers."""
    terminal.log.consolidated[rows] = True
    terminal.log.declaration_share[rows] = 1 / len(rows)
    j = terminal.index(f, rows[0])
    yield from terminal.desk.serve(float(f["declaration_h"][j])
                                   + terminal.cfg.customs.batch_h_per_parcel * len(rows))


def parcel(terminal, f: dict, row: int, declared):
    """Declare, match, inspect, check, release, collect; maybe come back."""
    env, log, policy = terminal.env, terminal.log, terminal.policy
    j = terminal.index(f, row)
    if declared is None:
        log.declaration_share[row] = 1.0
        yield from terminal.desk.serve(float(f["declaration_h"][j]))
    else:
        yield declared
    log.declared[row] = env.now
    if f["mismatched"][j]:
        yield from terminal.manual.serve(float(f["manual_h"][j]))
    log.matched[row] = env.now
    if f["inspected"][j]:
        yield from terminal.inspection.serve(float(f["inspection_h"][j]))
    special, noncompliant = f["goods"][j] != 0, bool(log.noncompliant[row])  # only special parcels fail
    if policy.needs_special_check(special, bool(log.whitelisted[row]), float(f["check_u"][j])):
        log.special_checked[row] = True
        log.check_joined[row] = env.now
        yield from terminal.special_check.serve(float(f["check_h"][j]), stamp=(log, "check_start"), row=row)
        if noncompliant:
            log.detained[row] = env.now
            log.outcome[row] = DETAINED
            return
    log.release[row] = env.now
    log.outcome[row] = MISSED if noncompliant else RELEASED
    yield env.timeout(float(f["pickup_h"][j]))
    log.picked_up[row] = env.now
    if f["returned"][j]:
        yield from parcel_return(terminal, f, j, row)


def parcel_return(terminal, f: dict, j: int, row: int):
    """The consumer asks to return the parcel; inside the window it comes back and is re-declared
    and opened (standard) or matched to its declaration (streamlined), then re-enters stock."""
    env, log, policy = terminal.env, terminal.log, terminal.policy
    yield env.timeout(float(f["request_h"][j]))
    log.return_requested[row] = env.now
    if env.now - float(log.release[row]) > terminal.cfg.returns.window_days * 24:
        log.return_outcome[row] = REFUSED  # destroyed or duty paid: never back in bonded stock
        return
    yield env.timeout(float(f["transit_h"][j]))
    log.return_arrived[row] = env.now
    if policy.streamlined_returns:
        yield env.timeout(policy.cfg.match_h)
    else:
        log.return_redeclared[row] = True
        yield env.timeout(float(f["redeclaration_prep_h"][j]))
        yield from terminal.return_desk.serve(float(f["redeclaration_h"][j]))
    if policy.opens_return(float(f["return_check_u"][j])):
        log.return_opened[row] = True
        yield from terminal.return_inspection.serve(float(f["return_inspection_h"][j]))
        if f["return_fails"][j]:
            log.destroyed[row] = env.now
            log.return_outcome[row] = DESTROYED
            return
    log.back_in_stock[row] = env.now
    log.return_outcome[row] = IN_STOCK
