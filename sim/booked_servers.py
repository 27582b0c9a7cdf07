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
    """``servers`` identical servers; times in hours since the start of the run.

    ``finish(start_h, work_h) -> end_h`` gives a job's end when work pauses (office hours); by
    default work runs without a break. With ``count_waiting`` the servers remember the starts
    still ahead, so :meth:`waiting` can count the queue (a station keeps its own account).
    """

    def __init__(self, servers: int, finish=None, count_waiting: bool = False):
        self.free_at_h = [0.0] * servers  # a heap: when each server is next free
        self.finish = finish
        self.count_waiting = count_waiting
        self._starts_ahead_h: list[float] = []  # a heap: booked starts not yet reached

    def book(self, now_h: float, work_h: float) -> tuple[float, float]:
        """Book a job arriving at ``now_h`` with ``work_h`` hours of work; return its (start, end)."""
        first_free_h = self.free_at_h[0]
        start_h = first_free_h if first_free_h > now_h else now_h
        end_h = start_h + work_h if self.finish is None else self.finish(start_h, work_h)
        heapq.heapreplace(self.free_at_h, end_h)
        if self.count_waiting:
            self._forget_started(now_h)
            if start_h > now_h:
                heapq.heappush(self._starts_ahead_h, start_h)
        return start_h, end_h

    def waiting(self, now_h: float) -> int:
        """Jobs booked whose work has not started by ``now_h`` (needs ``count_waiting``)."""
        if not self.count_waiting:
            raise ValueError("these servers do not count their queue: create them with count_waiting=True")
        self._forget_started(now_h)
        return len(self._starts_ahead_h)

    def _forget_started(self, now_h: float) -> None:
        ahead = self._starts_ahead_h  # kept as long as the queue, not the run
        while ahead and ahead[0] <= now_h:
            heapq.heappop(ahead)
