"""Declaration and customs clearance, the part import and export journeys share.

:func:`declare`: the trader's broker keys and lodges the declaration (with a rework if customs
returns it). :func:`clear`: customs risk-assesses it; yellow and red: document check; red: the
declarant books an inspection, the box is shuttled to the inspection area, inspected and shuttled
back; imported goods that need it are certified, unless their firm is approved (certification by
enterprise: the firm's releases may then be audited later); then release. A declaration
lodged before its box reaches the terminal (pre-arrival, direct loading) goes through the
document stages at once, and its physical controls wait for ``box_at_terminal`` (a sub-process of
the journey that returns when the box is on the ground). :func:`clear` returns ``True`` if
released, ``False`` if an offence was found (the box is detained).
"""
from __future__ import annotations

from sim.consignment import Consignment
from sim.records import GREEN, RED


def pause(env, hours: float):
    """Let ``hours`` pass; a zero pause costs no SimPy event (the verification network has many)."""
    if hours > 0:
        yield env.timeout(hours)


def declare(model, c: Consignment, summary: bool, electronic_data: bool):
    """The trader's broker keys and lodges ``c``'s declaration (see :mod:`sim.agents.broker`):
    its generator itself, for ``yield from`` (no forwarding layer on every resume)."""
    return model.trader(c.firm).broker.declare(c, summary, electronic_data)


def clear(model, c: Consignment, box_at_terminal):
    env, customs, terminal = model.env, model.customs, model.terminal
    channel = customs.lodge(c)
    if channel != GREEN and not (yield from customs.check_documents(c)):
        return False
    if channel == RED:
        yield from box_at_terminal(model, c)
        yield from pause(env, c.inspection_booking_h)  # inspection appointment with the declarant
        yield from terminal.to_inspection(c)  # a shuttle takes the box from the stack
        if not (yield from customs.inspect(c)):
            return False  # caught: the box stays at the inspection area to be seized
        yield from terminal.back_from_inspection(c)
    by_enterprise = model.measures.approved_by_enterprise(c)  # the firm's approval, not the box's
    if c.needs_certification and not by_enterprise:
        yield from box_at_terminal(model, c)
        yield from customs.certify(c)
    customs.release(c)
    if by_enterprise:
        model.log.enterprise_approved[c.id] = True
        model.measures.audit_after_release(c)
    return True
