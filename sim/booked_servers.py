"""Servers that take jobs first come, first served, each job's start booked the moment it arrives.

When jobs are served in arrival order, their work is known on arrival, and nothing can withdraw a
server or let a later job overtake, a job's start is fixed the moment it arrives: it takes the
server that becomes free first, or starts at once if one is free (the Kiefer-Wolfowitz recursion;
Lindley's for one server). So a job needs no SimPy request and release, only one timeout until
its work is done: the same starts and ends as a first-come-first-served ``simpy.Resource``, up to
the order of events at the same instant.

Used by the stations whose jobs qualify (:class:`sim.station.Station` with ``book_ahead``), the
brokers' declarants and the carriers' D/O counters. Priority queues, shifts and outages stay
event-driven.
"""
from __future__ import annotations

import heapq


class BookedServers:
    """``servers`` identical servers; times in hours since the start of the run."""

    def __init__(self, servers: int):
        self.free_at_h = [0.0] * servers  # a heap: when each server is next free
        self._starts_ahead_h: list[float] = []  # a heap: booked starts not yet reached

    def book(self, now_h: float, work_h: float, finish=None) -> tuple[float, float]:
        """Book a job arriving at ``now_h`` with ``work_h`` hours of work; return its (start,
        end). ``finish(start_h, work_h) -> end_h`` gives the end when work pauses (office hours);
        by default the work runs without a break."""
        first_free_h = self.free_at_h[0]
        start_h = first_free_h if first_free_h > now_h else now_h
        end_h = start_h + work_h if finish is None else finish(start_h, work_h)
        heapq.heapreplace(self.free_at_h, end_h)
        self._forget_started(now_h)
        if start_h > now_h:
            heapq.heappush(self._starts_ahead_h, start_h)
        return start_h, end_h

    def waiting(self, now_h: float) -> int:
        """Jobs booked whose work has not started by ``now_h``."""
        self._forget_started(now_h)
        return len(self._starts_ahead_h)

    def _forget_started(self, now_h: float) -> None:
        ahead = self._starts_ahead_h  # kept as long as the queue, not the run
        while ahead and ahead[0] <= now_h:
            heapq.heappop(ahead)
