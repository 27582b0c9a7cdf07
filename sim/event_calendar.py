"""A SimPy environment that keeps far-future events out of its heap (a calendar queue).

SimPy keeps every pending event in one binary heap keyed by (time, priority, event number). At
Yangshan volume about 120,000 events are pending, a third of them a day or more ahead (boxes
waiting in the yard for their consignee's pickup date, vessel calls, bookings), and taking the
next event off a heap that size was a sixth of a run's time.

:class:`CalendarEnvironment` files an event due in a later bucket of ``bucket_h`` hours (bucket
``k`` covers ``[k bucket_h, (k + 1) bucket_h)``) in that bucket's list, unsorted, and puts one
marker in the heap at the bucket's start, ahead of every event of that time (priority -1, SimPy
uses 0 and 1). When the clock reaches the marker, the bucket's events go into the heap. Every
event keeps its SimPy key and is in the heap before anything later than it is taken off, so
events are processed in exactly SimPy's order and a run gives the same results, bit for bit.
Only :meth:`peek` can tell: it may show a bucket's start.
"""
from __future__ import annotations

import math
from functools import partial
from heapq import heappush

import simpy
from simpy.events import NORMAL, Event

BUCKET_H = 1.0  # hours a bucket covers (0.25 h: x0.96 of 1 h in 2 pairs with the first,
# wrapped calendar and a year run beside; not measured since)
OPENS_BUCKET = -1  # the markers' priority: before SimPy's URGENT (0) and NORMAL (1) at one time


class CalendarEnvironment(simpy.Environment):
    """:class:`simpy.Environment` with events of later buckets kept out of the heap until the
    clock reaches their bucket (see the module docstring). ``bucket_h``: a power of two hours,
    so that a bucket's start and the bucket of a time are exact in floating point."""

    def __init__(self, initial_time: float = 0, bucket_h: float = BUCKET_H):
        if bucket_h <= 0 or math.frexp(bucket_h)[0] != 0.5:
            raise ValueError(f"bucket_h must be a power of two hours (e.g. 0.25, 1, 2), got {bucket_h}")
        super().__init__(initial_time)
        self._bucket_h = bucket_h
        self._heap_until = (math.floor(initial_time / bucket_h) + 1) * bucket_h  # earlier: the heap
        self._buckets: dict[int, list] = {}  # bucket number -> its events, unsorted

    def schedule(self, event, priority=NORMAL, delay=0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` (SimPy's key and numbering)."""
        at = self._now + delay
        item = (at, priority, next(self._eid), event)
        if at < self._heap_until:
            heappush(self._queue, item)
            return
        bucket = int(at // self._bucket_h)
        waiting = self._buckets.get(bucket)
        if waiting is not None:
            waiting.append(item)
            return
        start = bucket * self._bucket_h
        if start <= self._now:  # its bucket has begun (the clock passed it with no marker)
            heappush(self._queue, item)
            return
        self._buckets[bucket] = [item]
        marker = Event(self)
        marker._ok, marker._value = True, None
        marker.callbacks.append(partial(self._open_bucket, bucket))
        heappush(self._queue, (start, OPENS_BUCKET, next(self._eid), marker))

    def _open_bucket(self, bucket: int, _marker: Event) -> None:
        """The clock reached the bucket's start: its events go into the heap."""
        for item in self._buckets.pop(bucket):
            heappush(self._queue, item)
        self._heap_until = max(self._heap_until, (bucket + 1) * self._bucket_h)
