"""A service station: servers, a queue, and the time-averaged statistics queueing theory needs.

Think of a customs document desk: consignments arrive, wait for a free officer, are served and
leave. A :class:`Station` wraps a SimPy resource with that story and keeps, at a cost of a few
float additions per event, the time integrals of the number present, waiting and in service,
from which utilisation and Little's law (L = lambda W) are checked. ``servers=0`` means an
unlimited station: nobody waits, service is a pure delay.

Optional working hours: a server that becomes free outside the shift holds the next consignment
until the shift opens (inspection teams and labs work days; the desk can be 24 h).

With ``book_ahead``, a station that serves first come, first served round the clock books each
consignment's start the moment it arrives (:mod:`sim.booked_servers`): one SimPy timeout per visit
instead of a request, a timeout and a release. Its statistics follow the booked starts and ends
as they come due. A station whose servers are held for work of unknown length (``join``, ``begin``,
``finish``: berths, barges) or withdrawn in an outage must not book ahead.
"""
from __future__ import annotations

import heapq
import itertools

import simpy

from sim.booked_servers import BookedServers


class Station:
    def __init__(self, env: simpy.Environment, name: str, servers: int, *,
                 priority: bool = False, shift: tuple[float, float] = (0.0, 24.0),
                 book_ahead: bool = False):
        self.env = env
        self.name = name
        self.servers = servers
        self.priority = priority
        self.shift_start_h, self.shift_end_h = shift
        self.always_open = shift == (0.0, 24.0)
        self.booked = None  # BookedServers when starts are booked on arrival
        # booked changes not yet reached: (end_h, -1 busy, -1 present) and
        # (start_h, +1 busy, 0, ticket, stamp, row), applied by _tick as they come due
        self._due: list[tuple] = []
        self._tickets = itertools.count()  # orders booked starts at the same instant
        self._last = env.now  # time the integrals were last brought up to
        self.present = 0  # consignments at the station (waiting or in service)
        self.busy = 0  # servers at work
        if servers == 0:
            self.resource = None
        elif book_ahead and not priority and self.always_open:
            self.resource = None
            self.booked = BookedServers(servers)
        elif priority:
            self.resource = simpy.PriorityResource(env, servers)
        else:
            self.resource = simpy.Resource(env, servers)
        self.reset_statistics()

    # ------------------------------------------------------------------ the procedure
    def serve(self, service_h: float, priority: int = 0, stamp=None, row: int = 0):
        """Wait for a server (lower ``priority`` first), then hold it ``service_h`` hours.

        A SimPy sub-process: ``yield from station.serve(...)``. If ``stamp`` = ``(log, column)``
        is given, the service start is written to ``log.columns[column][row]`` the moment service
        begins (looked up then: the log may have grown, and moved its columns, while the
        consignment queued).
        """
        if self.booked is not None:  # the busiest path: one generator layer fewer
            return self._serve_booked(service_h, stamp, row)
        return self._serve_event_driven(service_h, priority, stamp, row)

    def _serve_event_driven(self, service_h: float, priority: int, stamp, row: int):
        """Wait for a SimPy request (or pass straight through a no-time visit), then work."""
        if self.resource is None and service_h <= 0:  # passes straight through: no time, no area
            now = self.env.now
            self.arrivals += 1
            self.completions += 1
            if stamp is not None:
                _write(stamp, row, now)
            return now
        request = self.join(priority)
        if request is None:
            return (yield from self._work(service_h, stamp, row))
        with request:
            yield request
            if not self.always_open:
                wait_h = self.hours_until_open(self.env.now)
                if wait_h > 0:
                    yield self.env.timeout(wait_h)
            return (yield from self._work(service_h, stamp, row))

    def _serve_booked(self, service_h: float, stamp, row: int):
        """Book the start now (the first server free), wait until the work is done. A visit of no
        work still waits for a server, as in a queue (a server free now: no event at all)."""
        now = self.env.now
        self._tick()
        self.present += 1
        self.arrivals += 1
        start, end = self.booked.book(now, service_h)
        if start > now:  # stamped when it comes due: the log never holds a start yet to come
            heapq.heappush(self._due, (start, 1, 0, next(self._tickets), stamp, row))
        else:
            self.busy += 1
            if stamp is not None:
                _write(stamp, row, start)
        heapq.heappush(self._due, (end, -1, -1))
        if end > now:
            yield self.env.timeout(end - now)  # resumes at now + (end - now): end, up to rounding
        self._tick()  # the start is logged by now; the end counts at the first tick at or after it
        return start

    def _work(self, service_h: float, stamp, row: int):
        start = self.begin()
        if stamp is not None:
            _write(stamp, row, start)
        yield self.env.timeout(service_h)
        self.finish()
        return start

    def join(self, priority=0):
        """Arrive; return the SimPy request to yield (None for an unlimited station). With
        ``priority`` mode, lower ``priority`` first (any comparable: a number or a tuple), first
        come first served among equals."""
        self._tick()
        self.present += 1
        self.arrivals += 1
        if self.resource is None:
            return None
        return self.resource.request(priority=priority) if self.priority else self.resource.request()

    def begin(self) -> float:
        """A server starts work on the arrival; returns the time."""
        self._tick()
        self.busy += 1
        return self.env.now

    def finish(self) -> None:
        """Service done; the server is freed when the request's ``with`` block ends."""
        self._tick()
        self.busy -= 1
        self.present -= 1
        self.completions += 1

    def hours_until_open(self, now_h: float) -> float:
        """Hours from ``now_h`` until the station's shift is open (0 if open now)."""
        hour = now_h % 24
        if self.shift_start_h <= hour < self.shift_end_h:
            return 0.0
        if hour < self.shift_start_h:
            return self.shift_start_h - hour
        return 24 - hour + self.shift_start_h

    # ------------------------------------------------------------------ statistics
    def _tick(self) -> None:
        """Bring the time integrals up to now, applying booked starts and ends on the way."""
        now = self.env.now
        due = self._due
        while due and due[0][0] <= now:
            change = heapq.heappop(due)
            at_h, busy_change, present_change = change[:3]
            self._integrate_to(at_h)
            self.busy += busy_change
            self.present += present_change
            if present_change:  # the consignment leaves: its service is complete
                self.completions += 1
            elif change[4] is not None:  # a booked start: log it
                _write(change[4], change[5], at_h)
        self._integrate_to(now)

    def _integrate_to(self, t_h: float) -> None:
        dt = t_h - self._last
        if dt:
            self.area_present += self.present * dt
            self.area_busy += self.busy * dt
            self._last = t_h

    def busy_server_hours(self) -> float:
        """Server-hours of work done since the last reset (the integral of busy servers)."""
        self._tick()
        return self.area_busy

    def reset_statistics(self) -> None:
        """Start the time integrals afresh (at the end of the warm-up), keeping who is present."""
        self._tick()
        self._since = self.env.now
        self.arrivals = 0
        self.completions = 0
        self.area_present = 0.0  # integral of number present (waiting + in service), box-hours
        self.area_busy = 0.0  # integral of busy servers, server-hours

    @property
    def waiting(self) -> int:
        self._tick()
        return self.present - self.busy

    def statistics(self) -> dict[str, float]:
        """Time averages since the last reset: utilisation, mean number present / waiting, rates."""
        self._tick()
        elapsed = max(self.env.now - self._since, 1e-12)
        mean_busy = self.area_busy / elapsed
        return {
            "servers": self.servers,
            "utilisation": mean_busy / self.servers if self.servers else float("nan"),
            "mean_present": self.area_present / elapsed,
            "mean_waiting": (self.area_present - self.area_busy) / elapsed,
            "arrivals_per_h": self.arrivals / elapsed,
            "arrivals": self.arrivals,
            "completions": self.completions,
        }


def _write(stamp: tuple, row: int, time_h: float) -> None:
    log, column = stamp
    log.columns[column][row] = time_h
