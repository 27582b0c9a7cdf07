"""The calendar environment (sim/event_calendar.py) processes events in exactly SimPy's order:
a Hypothesis property over random processes (ties, zero delays, bucket boundaries, far-future
waits, events triggered by other processes, runs in steps), and a whole run of the model."""
from __future__ import annotations

import json

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.model
from sim import run
from sim.event_calendar import CalendarEnvironment

from conftest import tiny_port_config

DELAYS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 24.0, 0.1 + 0.2]),  # ties, bucket edges, rounding
    st.floats(min_value=0.0, max_value=5.0, allow_nan=False),
    st.floats(min_value=5.0, max_value=500.0, allow_nan=False),  # far future
)
PROCESS = st.lists(st.tuples(DELAYS, st.booleans()), min_size=1, max_size=8)  # (delay, signal the next process)


def trace(env: simpy.Environment, processes: list, run_until: list[float]) -> list:
    """Run ``processes`` (each a list of (delay, signal) steps) on ``env``; return the order in
    which they resumed, with the clock."""
    seen = []
    signals = [env.event() for _ in processes]

    def process(i: int, steps):
        for k, (delay, signal) in enumerate(steps):
            if signal and i + 1 < len(signals) and not signals[i + 1].triggered:
                signals[i + 1].succeed(k)  # wakes process i + 1 now, if it waits for it
            yield env.timeout(delay)
            seen.append((env.now, i, k))
        if not signals[i].triggered:
            got = yield signals[i] | env.timeout(100.0)  # waits for its predecessor's signal
            seen.append((env.now, i, "signal", sorted(repr(v) for v in got.todict().values())))

    for i, steps in enumerate(processes):
        env.process(process(i, steps))
    for until in sorted(set(run_until)):
        if until > env.now:
            env.run(until=until)
            seen.append(("until", env.now))
    env.run()
    seen.append(("end", env.now))
    return seen


@settings(max_examples=200, deadline=None)
@given(processes=st.lists(PROCESS, min_size=1, max_size=12),
       run_until=st.lists(st.floats(min_value=0.01, max_value=300.0), max_size=4),
       bucket_h=st.sampled_from([0.125, 0.5, 1.0, 32.0]))
def test_events_come_in_simpys_order(processes, run_until, bucket_h):
    expected = trace(simpy.Environment(), processes, run_until)
    assert trace(CalendarEnvironment(bucket_h=bucket_h), processes, run_until) == expected


def test_far_events_wait_outside_the_heap():
    """The point of it: an event of a later bucket is not in the heap until its bucket opens;
    the heap holds one marker for the bucket instead."""
    env = CalendarEnvironment(bucket_h=1.0)
    env.timeout(0.5)
    for delay in (30.0, 30.2, 30.7):
        env.timeout(delay)
    assert len(env._queue) == 2 and env.peek() == 0.5  # the near event and bucket 30's marker
    env.step()
    env.step()  # bucket 30 opens at 30.0
    assert env.now == 30.0 and len(env._queue) == 3
    env.run()
    assert env.now == pytest.approx(30.7)


def test_the_bucket_must_be_a_power_of_two_hours():
    with pytest.raises(ValueError, match="power of two"):
        CalendarEnvironment(bucket_h=0.1)


def test_a_run_is_the_same_on_simpys_own_environment(monkeypatch):
    """The whole model on SimPy's environment and on the calendar: the same summary."""
    config = tiny_port_config("run.horizon_days=6", "run.warmup_days=1", "run.cooldown_days=1")
    on_calendar = run(config, seed=2).summary
    monkeypatch.setattr(sim.model, "CalendarEnvironment", simpy.Environment)
    on_simpy = run(config, seed=2).summary
    for summary in (on_calendar, on_simpy):
        summary.pop("wall_s")
        summary.pop("consignments_per_s")
    assert json.dumps(on_calendar, sort_keys=True) == json.dumps(on_simpy, sort_keys=True)
