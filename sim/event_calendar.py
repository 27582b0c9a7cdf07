"""A SimPy environment that keeps far-future events out of its heap (a calendar queue).

SimPy keeps every pending event in one binary heap keyed by (time, priority, event number). At
Yangshan volume about 120,000 events are pending, a third of them a day or more ahead (boxes
waiting in the yard for their consignee's pickup date, vessel calls, bookings), and taking the
next event off a heap that size was a sixth of a run's time.

:class:`CalendarEnvironment` puts an event in the heap only if it falls in the current bucket
of ``bucket_h`` hours (or earlier); a later one waits in its bucket's list, unsorted, until the
heap has run empty, when the earliest bucket is poured into the heap. Every event keeps SimPy's
key, and a bucket's events all come after everything in the heap (buckets are numbered by
``floor(time / bucket_h)``, which never decreases with time), so events are processed in
exactly SimPy's order: a run gives the same results, bit for bit.
"""
from __future__ import annotations

from heapq import heapify, heappop, heappush

import simpy
from simpy.core import EmptySchedule
from simpy.events import NORMAL

BUCKET_H = 1.0  # hours of events in the heap at once (benchmarks/bench_throughput.py, Yangshan volume)


class CalendarEnvironment(simpy.Environment):
    """:class:`simpy.Environment` with events beyond the current ``bucket_h``-hour bucket kept in
    per-bucket lists (see the module docstring). Same interface and event order as SimPy's."""

    def __init__(self, initial_time: float = 0, bucket_h: float = BUCKET_H):
        super().__init__(initial_time)
        self._bucket_h = bucket_h
        self._current_bucket = int(initial_time // bucket_h)  # the heap holds it and earlier
        self._buckets: dict[int, list] = {}  # later bucket -> its events, unsorted
        self._bucket_order: list[int] = []  # heap of the keys of _buckets

    def schedule(self, event, priority=NORMAL, delay=0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` (SimPy's key and numbering)."""
        at = self._now + delay
        item = (at, priority, next(self._eid), event)
        bucket = int(at // self._bucket_h)
        if bucket <= self._current_bucket:
            heappush(self._queue, item)
        elif bucket in self._buckets:
            self._buckets[bucket].append(item)
        else:
            self._buckets[bucket] = [item]
            heappush(self._bucket_order, bucket)

    def _pour_next_bucket(self) -> None:
        """The heap is empty: make the earliest waiting bucket the heap."""
        self._current_bucket = heappop(self._bucket_order)
        self._queue = self._buckets.pop(self._current_bucket)
        heapify(self._queue)

    def peek(self) -> float:
        if not self._queue and self._buckets:
            self._pour_next_bucket()
        return super().peek()

    def step(self) -> None:
        if not self._queue:
            if not self._buckets:
                raise EmptySchedule
            self._pour_next_bucket()
        super().step()
