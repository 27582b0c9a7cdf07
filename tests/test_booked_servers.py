"""The fast path of first-come-first-served servers (:mod:`sim.booked_servers`: each job's start
booked on arrival, one timeout per visit) against an event-driven reference of the same servers
(a ``simpy.Resource``: request, wait, hold, release), under random arrivals, simultaneous
arrivals, a random mixture of service times and office hours (issue 9).

Without office hours the two grant every job its server at the same time, bit for bit: a job
starts when it arrives or when the first server frees, whichever is later, and both compute that
from the same floating-point sums. The job's own journey resumes at ``now + (end - now)`` (one
SimPy timeout from its arrival), which can differ from the booked end in the last bit: ends are
compared to 1e-12. With office hours the reference works the job in pieces (one timeout per
stretch of open hours), so its end is the same sum taken in more steps: equal to about 1e-9 h.
A job of no work still waits its turn for a server, as in the queue.
"""
from __future__ import annotations

import math

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.booked_servers import BookedServers
from sim.office_hours import finish_time, next_open
from sim.schema.behaviour import OfficeHours
from sim.station import Station

SERVICE = st.one_of(  # a mixture: exponential-like, constant, long, instant
    st.floats(0.01, 3.0), st.just(0.5), st.floats(5.0, 30.0), st.just(0.0))


@st.composite
def jobs(draw, max_jobs: int = 40):
    """(arrival h, service h) pairs, arrivals in order, some at the same instant."""
    n = draw(st.integers(1, max_jobs))
    gaps = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.0, 2.0)), min_size=n, max_size=n))
    services = draw(st.lists(SERVICE, min_size=n, max_size=n))
    arrivals, t = [], 0.0
    for gap in gaps:
        t += gap
        arrivals.append(t)
    return list(zip(arrivals, services))


def event_driven(servers: int, job_list, office: OfficeHours | None = None):
    """Starts and ends of each job on a ``simpy.Resource``; with ``office``, work proceeds only
    in office hours, one timeout per open stretch."""
    env = simpy.Environment()
    resource = simpy.Resource(env, servers)
    out = [None] * len(job_list)

    def job(k, arrival_h, work_h):
        yield env.timeout(arrival_h)
        with resource.request() as granted:
            yield granted
            start = env.now
            if office is None:
                yield env.timeout(work_h)
            else:
                left = work_h
                while True:
                    yield env.timeout(next_open(env.now, office) - env.now)
                    close = math.floor(env.now / 24) * 24 + office.close_h
                    if env.now + left <= close:
                        yield env.timeout(left)
                        break
                    left -= close - env.now
                    yield env.timeout(close - env.now)
            out[k] = (start, env.now)

    for k, (arrival_h, work_h) in enumerate(job_list):
        env.process(job(k, arrival_h, work_h))
    env.run()
    return out


def booked_station(servers: int, job_list):
    """Starts and ends of each job at a :class:`Station` that books starts on arrival."""
    env = simpy.Environment()
    station = Station(env, "desk", servers, book_ahead=True)
    assert station.booked is not None  # the fast path is the one under test
    out = [None] * len(job_list)

    def job(k, arrival_h, work_h):
        yield env.timeout(arrival_h)
        start = yield from station.serve(work_h)
        out[k] = (start, env.now)

    for k, (arrival_h, work_h) in enumerate(job_list):
        env.process(job(k, arrival_h, work_h))
    env.run()
    # a completion is counted at the station's first tick at or after its booked end (the job's
    # own journey may resume a rounding step before it): ask for the statistics a moment later
    env.run(until=env.now + 1.0)
    station.statistics()
    return out, station


@settings(max_examples=80, deadline=None)
@given(servers=st.integers(1, 4), job_list=jobs())
def test_a_booking_station_starts_and_ends_every_job_as_a_simpy_resource_does(servers, job_list):
    fast, station = booked_station(servers, job_list)
    reference = event_driven(servers, job_list)
    assert [start for start, _ in fast] == [start for start, _ in reference]  # grants: identical
    assert [end for _, end in fast] == pytest.approx([end for _, end in reference], rel=1e-12)
    assert station.arrivals == station.completions == len(job_list)
    assert station.present == station.busy == 0


@settings(max_examples=60, deadline=None)
@given(servers=st.integers(1, 3), job_list=jobs(25),
       hours=st.sampled_from([(8.0, 18.0), (9.0, 17.5), (0.0, 24.0), (6.0, 22.0)]))
def test_booked_servers_in_office_hours_match_work_done_stretch_by_stretch(servers, job_list, hours):
    office = OfficeHours(open_h=hours[0], close_h=hours[1])
    booked = BookedServers(servers, lambda start, work: finish_time(start, work, office))
    fast = [booked.book(arrival_h, work_h) for arrival_h, work_h in job_list]
    reference = event_driven(servers, job_list, office)
    for (start, end), (ref_start, ref_end) in zip(fast, reference):
        assert start == pytest.approx(ref_start, rel=1e-12, abs=1e-9)
        assert end == pytest.approx(ref_end, rel=1e-12, abs=1e-9)


def test_the_queue_count_follows_the_booked_starts():
    booked = BookedServers(1, count_waiting=True)
    for arrival_h in (0.0, 0.1, 0.2):  # three jobs of 1 h on one server
        booked.book(arrival_h, 1.0)
    assert [booked.waiting(t) for t in (0.2, 1.0, 1.5, 2.0, 3.0)] == [2, 1, 1, 0, 0]
