"""Vessel ETA forecasts and the punctuality_forecast policy (issue 10, item 1).

The carrier's published ETA (sim/flows/eta.py) is the only thing the port's users know of a
call's arrival; direct pickup's truckers are dispatched on it. The runs here are the reduced
port of the policy tests (tests/policy_helpers.py) with every firm opted in to direct pickup and
goods needed soon, so that many boxes are declared at sea and leave from the ship side; the
berths are doubled where a test needs no berth queue (the ETA forecasts the arrival, not the
queue).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from policy_helpers import NEED_SOON, SEEDS, columns, paired_effect, reduced_config
from sim import load_config, run
from sim.flows.eta import error_sd_h, published_eta_h
from sim.flows.vessel_call import VesselCall, schedule_calls
from sim.policies import Measures
from sim.records import IMPORT, RED, SHIP_SIDE_PICKUP
from sim.schema.errors import ConfigError
from sim.schema.port import EtaConfig

# 8 days of arrivals and no drain: trucks meet their boxes at discharge, nothing later is read
SHORT = ("run.horizon_days=8", "run.warmup_days=2", "run.cooldown_days=1", "run.drain_cap_days=0")
PICKUP = ("policies.direct_pickup.adoption.forced=true", NEED_SOON, *SHORT)
DIRECT_PICKUP = "policy=direct_pickup"
FORECAST = "policy=[direct_pickup,punctuality_forecast]"
NO_BERTH_QUEUE = "vessels.berths=8"
PERFECT = "vessels.eta.error_sd_at_72h_h=0"

_RUNS: dict[tuple, object] = {}


def pickup_run(seed: int, policy: str = DIRECT_PICKUP, *extra: str):
    """A reduced-port run with every firm on direct pickup (cached for this module)."""
    key = (seed, policy, *extra)
    if key not in _RUNS:
        _RUNS[key] = run(reduced_config(policy, *PICKUP, *extra), seed=seed)
    return _RUNS[key]


# --------------------------------------------------------------------------- the forecast itself

def test_the_eta_is_the_schedule_until_published_then_closes_in_on_the_arrival():
    cfg = EtaConfig(published_from_h=168.0, error_sd_at_72h_h=4.0, error_sd_exponent=1.0)
    call = VesselCall(0, scheduled_h=500.0, arrival_h=509.0, n_import=0, n_export=0, eta_z=-1.5)
    assert published_eta_h(cfg, call, now_h=509.0 - 200) == 500.0  # not yet published
    errors = [published_eta_h(cfg, call, 509.0 - lead) - 509.0 for lead in (168, 72, 24, 1)]
    assert errors == pytest.approx([-1.5 * 4.0 * lead / 72 for lead in (168, 72, 24, 1)])
    assert all(abs(a) > abs(b) for a, b in zip(errors, errors[1:]))  # closer as the vessel nears
    assert published_eta_h(cfg, call, now_h=509.0) == 509.0  # in: the arrival is known
    assert error_sd_h(cfg, 0.0) == 0.0
    perfect = EtaConfig(error_sd_at_72h_h=0.0)
    assert published_eta_h(perfect, call, now_h=509.0 - 100) == 509.0


def test_the_policy_shrinks_each_calls_error_and_shifts_no_other_draw():
    """Under common random numbers a call keeps its arrival and its error's direction; only the
    error's spread changes (the draw comes from its own FORECAST stream)."""
    base = reduced_config(DIRECT_PICKUP, *PICKUP)
    policy = reduced_config(FORECAST, *PICKUP)
    calls = schedule_calls(base, seed=3)
    same = schedule_calls(policy, seed=3)
    assert [(c.scheduled_h, c.arrival_h, c.n_import, c.n_export, c.eta_z) for c in calls] == \
           [(c.scheduled_h, c.arrival_h, c.n_import, c.n_export, c.eta_z) for c in same]
    assert len({c.eta_z for c in calls}) == len(calls)  # one draw per call
    effective = Measures(policy.policies).effective_config(policy)
    factor = policy.policies.punctuality_forecast.error_factor
    assert effective.vessels.eta.error_sd_at_72h_h == pytest.approx(factor * base.vessels.eta.error_sd_at_72h_h)


@pytest.mark.parametrize("override, field", [
    ("vessels.eta.error_sd_at_72h_h=-1", "vessels.eta.error_sd_at_72h_h"),
    ("vessels.eta.published_from_h=0", "vessels.eta.published_from_h"),
    ("policies.punctuality_forecast.error_factor=1.5", "policies.punctuality_forecast.error_factor"),
    ("policies.direct_pickup.truck_margin_sds=-0.5", "policies.direct_pickup.truck_margin_sds"),
])
def test_a_bad_forecast_parameter_is_a_config_error_naming_it(override, field):
    with pytest.raises(ConfigError) as error:
        load_config("shanghai", [override])
    assert str(error.value).startswith(f"{field}:")


# --------------------------------------------------------------------------- what it does to trucks

def test_with_a_perfect_forecast_the_ship_side_truck_waits_only_for_the_transfer():
    """No ETA error and no berth queue: the truck reaches the quay as its box comes off the
    crane, so it never waits and never misses the box; a lane box is out after the transfer
    alone (the policy's 5-8 min). With the default forecast, trucks wait."""
    cols = columns(pickup_run(1, DIRECT_PICKUP, NO_BERTH_QUEUE, PERFECT))
    lane = cols["fast_lane"] == SHIP_SIDE_PICKUP
    assert lane.sum() >= 10
    assert not (cols["ship_side_wait_h"] > 1e-4).any()
    at_quay = cols["gate_out"][lane] - cols["discharge"][lane]
    assert at_quay.max() < 0.5 and 0.06 < at_quay.mean() < 0.2, at_quay.mean()
    usual = columns(pickup_run(1, DIRECT_PICKUP, NO_BERTH_QUEUE))
    assert usual["ship_side_wait_h"][usual["fast_lane"] == SHIP_SIDE_PICKUP].mean() > 0.3


def free_to_go_at_discharge(cols: dict) -> np.ndarray:
    """Boxes the crane could put on a waiting truck: not red, no certification, released and
    with their delivery order before discharge (by more than the float32 resolution)."""
    before = cols["discharge"] - 1e-3
    return ((cols["channel"] != RED) & ~cols["needs_certification"]
            & (cols["release"] < before) & (cols["delivery_order"] < before))


def test_a_truck_misses_its_box_only_when_it_comes_too_late_or_the_box_is_not_free():
    """Failed ship-side pickups are imports off the lane; a truck sent without a margin on an
    ETA later than the arrival misses boxes that were free to go; with a perfect forecast no
    truck is late, so every box a truck missed was not free to go when it came off the crane."""
    cols = columns(pickup_run(1, DIRECT_PICKUP, NO_BERTH_QUEUE))
    failed = cols["ship_side_failed"]
    assert failed.sum() > 0
    assert not (failed & (cols["fast_lane"] == SHIP_SIDE_PICKUP)).any()
    assert not (failed & (cols["flow"] != IMPORT)).any()
    no_margin = columns(pickup_run(1, DIRECT_PICKUP, NO_BERTH_QUEUE, "policies.direct_pickup.truck_margin_sds=0"))
    late_truck = no_margin["ship_side_failed"] & free_to_go_at_discharge(no_margin)
    assert late_truck.sum() > 0  # without a margin, a truck sent on an ETA that is late misses its box
    perfect = columns(pickup_run(1, DIRECT_PICKUP, NO_BERTH_QUEUE, PERFECT))
    assert not (perfect["ship_side_failed"] & free_to_go_at_discharge(perfect)).any()


def test_punctuality_forecasts_cut_ship_side_waiting_and_miss_no_more_boxes_under_crn():
    """Paired over seeds: the same calls, the same errors halved. Trucks wait less (their
    margin shrinks with the error). They keep the same odds of coming after their box (the
    margin is counted in spreads of the error: late when z > margin, whatever the spread), so no
    more come late; fewer only where a berth queue holds the vessel past a truck that came late.
    A late truck waited 0 h and left without the box; which boxes get a truck at all moves a
    little with the fleets' days, hence the slack of 5 %."""
    def figures(policy):
        rows = []
        for seed in SEEDS:
            cols = columns(pickup_run(seed, policy))
            imports = cols["flow"] == IMPORT
            late_trucks = cols["ship_side_failed"] & (cols["ship_side_wait_h"] == 0)
            rows.append((cols["ship_side_wait_h"][imports].sum() / imports.sum(), late_trucks.sum()))
        return np.array(rows)
    base, better = figures(DIRECT_PICKUP), figures(FORECAST)
    wait = paired_effect("punctuality_forecast", "ship-side truck waiting (h per import box)",
                         base[:, 0].tolist(), better[:, 0].tolist())
    print(f"\n{wait}\nlate trucks per seed: {base[:, 1]} -> {better[:, 1]}")
    assert wait.ci_high < 0, wait
    assert base[:, 1].sum() > 0
    assert np.all(better[:, 1] <= 1.05 * base[:, 1] + 2), (base[:, 1], better[:, 1])


def test_a_forecast_run_is_deterministic():
    first = pickup_run(2, FORECAST)
    again = run(reduced_config(FORECAST, *PICKUP), seed=2)
    a, b = columns(first), columns(again)
    for name in ("ship_side_wait_h", "ship_side_failed", "gate_out", "ready", "gate_in", "rolled_over"):
        assert np.array_equal(a[name], b[name], equal_nan=True), name
    assert math.isclose(first.summary["flows"]["import"]["all"]["ship_side_wait_h"],
                        again.summary["flows"]["import"]["all"]["ship_side_wait_h"])
