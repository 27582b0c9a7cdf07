"""Customs clearance of one declaration, the part import and export journeys share.

Lodge and risk-assess; yellow and red: document check; red: the declarant books an inspection,
the box is shuttled to the inspection area, inspected and shuttled back; goods that need it are
certified; then release. Returns ``True`` if released, ``False`` if an offence was found (the box
is detained and leaves the flow).
"""
from __future__ import annotations

from sim.consignment import Consignment
from sim.records import GREEN, RED


def clear(model, c: Consignment):
    env, customs, terminal = model.env, model.customs, model.terminal
    channel = customs.lodge(c)
    if channel != GREEN and not (yield from customs.check_documents(c)):
        return False
    if channel == RED:
        yield env.timeout(c.inspection_booking_h)  # inspection appointment with the declarant
        yield from terminal.shuttle(c.shuttle_out_h)  # yard -> inspection area
        if not (yield from customs.inspect(c)):
            return False  # seized at the inspection area
        yield from terminal.shuttle(c.shuttle_back_h)  # back to the stack
    if c.needs_certification:
        yield from customs.certify(c)
    customs.release(c)
    return True
