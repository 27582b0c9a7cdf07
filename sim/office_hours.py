"""Work that only happens in office hours: a broker keying a declaration, a clerk issuing a
delivery order, a truck driving. Hours of the day in [0, 24]; 0-24 means round the clock."""
from __future__ import annotations

import math

from sim.schema.behaviour import OfficeHours

DAY_H = 24.0


def next_open(t_h: float, office: OfficeHours) -> float:
    """The first moment at or after ``t_h`` (hours since the start) when the office is open."""
    day = math.floor(t_h / DAY_H)
    hour = t_h - day * DAY_H
    if hour < office.open_h:
        return day * DAY_H + office.open_h
    if hour >= office.close_h:
        return (day + 1) * DAY_H + office.open_h
    return t_h


def finish_time(start_h: float, work_h: float, office: OfficeHours) -> float:
    """When ``work_h`` hours of work begun at ``start_h`` are done, working only in office hours."""
    t, left = next_open(start_h, office), work_h
    while True:
        close = math.floor(t / DAY_H) * DAY_H + office.close_h
        if t + left <= close:
            return t + left
        left -= close - t
        t = next_open(close, office)


def hour_in_office(day: int, u: float, office: OfficeHours) -> float:
    """A moment of day ``day`` inside office hours, at fraction ``u`` in [0, 1) of the open hours."""
    return day * DAY_H + office.open_h + u * (office.close_h - office.open_h)
