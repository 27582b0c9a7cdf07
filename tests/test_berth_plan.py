"""The terminal's berth plan and export yard plan on the published ETA (issue 10, item 1).

The berth windows are fixed on the ETA of the day before a call (``terminal.planning``,
sim/agents/terminal.py): a call within the tolerance of its window berths in plan order, one off
its window (early or late) waits behind the calls on their windows. Export boxes
stacked for a call that then comes a shift off the plan are re-marshalled (one more re-handle).
The runs here are the reduced port of the policy tests on 8 days with an unlimited yard, so that
every export re-handle is one the yard plan caused (a fuller yard adds its own, expected ones).
"""
from __future__ import annotations

import numpy as np
import pytest

from conftest import SubModelHarness
from policy_helpers import columns, reduced_config
from sim import load_config, run
from sim.agents.terminal import EARLY, LATE, ON_WINDOW, Terminal
from sim.flows.vessel_call import VesselCall
from sim.records import EXPORT
from sim.schema.errors import ConfigError

SHORT = ("run.horizon_days=8", "run.warmup_days=2", "run.cooldown_days=1", "run.drain_cap_days=0")
UNLIMITED_YARD = "terminal.yard_capacity_teu=0"  # no re-handles from a full yard: only the plan's

_RUNS: dict[tuple, object] = {}


def plan_run(error_sd_at_72h_h: float, seed: int = 1):
    """A short reduced-port run with the ETA's error spread ``error_sd_at_72h_h`` (cached)."""
    key = (error_sd_at_72h_h, seed)
    if key not in _RUNS:
        error = f"vessels.eta.error_sd_at_72h_h={error_sd_at_72h_h}"
        cfg = reduced_config(*SHORT, UNLIMITED_YARD, error)
        _RUNS[key] = run(cfg, seed=seed)
    return _RUNS[key]


def export_rehandles(result) -> float:
    """Re-handles of the export boxes loaded in the run."""
    cols = columns(result)
    loaded = (cols["flow"] == EXPORT) & np.isfinite(cols["load"])
    return float(cols["rehandles"][loaded].sum())


# --------------------------------------------------------------------------- the rule itself

def test_calls_on_their_window_berth_in_plan_order_before_calls_off_theirs():
    """One berth, each call holding it 10 h; an ETA error of 1 h a day out, so each call's window
    is its arrival + its draw (h), with 2 h of tolerance. A holds the berth from 10 h; B comes 3 h
    after its window (late), C and D on theirs, E 4 h before its own (early): when A leaves, C
    and D berth before B and E though B came first, then B and E in arrival order. F comes
    early to a free berth and takes it."""
    cfg = load_config("shanghai", ["vessels.berths=1", "vessels.eta.error_sd_at_72h_h=3",
                                   "run.steady_state=false"])  # one berth for the full port
    model = SubModelHarness(seed=0, config=cfg)
    model.log = model.places = None  # the berth plan records on the calls
    terminal = Terminal(model, cfg)
    env, berthed = model.env, {}

    def call(name: str, arrival_h: float, eta_z: float):
        vessel = VesselCall(len(berthed), arrival_h, arrival_h, 0, 0, eta_z)
        yield env.timeout(arrival_h)
        request = terminal.queue_for_berth(vessel)
        with request:
            yield request
            berthed[name] = (env.now, vessel.window)
            yield env.timeout(10.0)

    for name, arrival_h, eta_z in [("A", 10, 0.0), ("B", 15, -3.0), ("C", 16.5, -0.5),
                                   ("D", 17, 1.5), ("E", 18, 4.0), ("F", 65, 5.0)]:
        env.process(call(name, arrival_h, eta_z))
    env.run()
    assert berthed == {"A": (10, ON_WINDOW), "C": (20, ON_WINDOW), "D": (30, ON_WINDOW),
                       "B": (40, LATE), "E": (50, EARLY), "F": (65, EARLY)}


def test_a_bad_planning_parameter_is_a_config_error_naming_it():
    for field, bad in [("plan_lead_h", 0), ("window_tolerance_h", -1), ("remarshal_after_h", 0)]:
        with pytest.raises(ConfigError) as error:
            load_config("shanghai", [f"terminal.planning.{field}={bad}"])
        assert str(error.value).startswith(f"terminal.planning.{field}:")


# --------------------------------------------------------------------------- what the forecast does

def test_with_a_perfect_forecast_every_call_keeps_its_window_and_no_box_is_re_marshalled():
    perfect = plan_run(0.0)
    assert perfect.summary["berth_plan"]["calls"] >= 10
    assert perfect.summary["berth_plan"]["off_window_share"] == 0
    assert export_rehandles(perfect) == 0
    assert export_rehandles(plan_run(4.0)) > 0  # the default forecast re-marshals some


def test_a_poorer_forecast_puts_more_calls_off_their_window_and_re_marshals_more_under_crn():
    """The same calls and draws: a call's window is off by its draw times the spread, so a call
    off its window at 4 h three days out is off at 8 h too; export boxes gate in on the ETA, so
    which ones are re-marshalled moves, their number grows."""
    default, poor = plan_run(4.0), plan_run(8.0)
    off = [r.summary["berth_plan"]["off_window_share"] for r in (default, poor)]
    assert 0 < off[0] < off[1], off
    assert export_rehandles(default) < export_rehandles(poor)


def test_a_berth_plan_run_is_deterministic():
    again = run(reduced_config(*SHORT, UNLIMITED_YARD, "vessels.eta.error_sd_at_72h_h=4.0"), seed=1)
    first = plan_run(4.0)
    assert again.summary["berth_plan"] == first.summary["berth_plan"]
    for name in ("berth", "load", "rehandles"):
        assert np.array_equal(columns(first)[name], columns(again)[name], equal_nan=True), name


def test_a_box_rolled_over_hundreds_of_times_is_counted():
    """At Yangshan volume 16.5 calls a day start loading: an export box that waits 8 days for its
    release misses over 127 of them (a counter of one byte wrapped to a negative number at 128,
    and the box was then not counted as rolled over at all)."""
    from types import SimpleNamespace

    from sim.flows.vessel_call import shut_out_unready
    from sim.records import ConsignmentLog

    calls = [VesselCall(k, k * 0.7, k * 0.7, 0, 0) for k in range(301)]
    for a, b in zip(calls, calls[1:]):
        a.next = b
    model = SimpleNamespace(log=ConsignmentLog(capacity=4))
    box = SimpleNamespace(id=model.log.allocate(1), call=calls[0])  # never released
    calls[0].exports.append(box)
    for call in calls[:300]:
        assert shut_out_unready(model, call) == []
    assert model.log.rolled_over[box.id] == 300 and box.call is calls[300]
