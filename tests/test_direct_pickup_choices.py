"""Direct pickup as the consignees decide it (issue 8): which boxes they plan for the ship side,
when they book the truck, and how what they learn moves uptake.

- A consignee plans a box for the ship side only if it needs the goods before the yard's free
  time would run out, and books a truck only for a box that is free to go (released, D/O issued)
  when the fleet plans the day before the vessel: no truck is sent for a box that cannot go.
- Firms learn the lane's saving by *intent*: a box planned for the lane that fell back to the yard
  counts against the lane, so poor ETA forecasts (trucks waiting, or coming after their box)
  lower uptake.
"""
from __future__ import annotations

import numpy as np
import pytest

from policy_helpers import columns, paired_effect, reduced_config
from sim import load_config, run
from sim.adoption import Adoption
from sim.policies.direct_loading import DirectLoading
from sim.records import EXPORT, IMPORT, LOADING_ON_ARRIVAL, SHIP_SIDE_PICKUP, USUAL_ROUTE
from sim.scaling import scaled_overrides
from sim.schema.policies import DirectLoadingConfig

FREE_DAYS_H = 4 * 24.0  # costs.free_storage_days of the shanghai scenario


def test_a_box_planned_for_the_lane_counts_against_it_even_when_it_fell_back():
    """Grouping by intent: the lane box (cost 100) and the planned box that fell back to the yard
    (cost 900) are the lane's; only the box planned for the usual route (300) is the usual route's.
    Grouping by the route taken would have credited the lane with 100 against 600."""
    lane = DirectLoading(DirectLoadingConfig(enabled=True))
    lane.adoption = Adoption(lane.cfg.adoption, np.ones(2, bool), np.ones(2), np.random.default_rng(0))
    left = {"flow": np.array([EXPORT, EXPORT, EXPORT, IMPORT]),
            "needs_certification": np.zeros(4, bool),
            "release": np.array([1.0, 2.0, 3.0, 4.0]),
            "lane_planned": np.array([LOADING_ON_ARRIVAL, LOADING_ON_ARRIVAL, USUAL_ROUTE, USUAL_ROUTE]),
            "fast_lane": np.array([LOADING_ON_ARRIVAL, USUAL_ROUTE, USUAL_ROUTE, USUAL_ROUTE]),
            "cost_cny": np.array([100.0, 900.0, 300.0, 5000.0])}
    lane.daily_update(None, left)
    assert lane.adoption.cost_n == [1, 2]
    assert lane.adoption.cost_sum == [300.0, 1000.0]


def test_uptake_is_reported_by_volume_and_by_firms():
    """One large and three small eligible firms, plus an ineligible one: the large one joining is
    most of the volume but a quarter of the firms."""
    adoption = Adoption(DirectLoadingConfig().adoption, np.array([True, True, True, True, False]),
                        np.array([70.0, 10.0, 10.0, 10.0, 50.0]), np.random.default_rng(0))
    adoption.adopted = np.array([True, False, False, False, True])
    assert adoption.share() == pytest.approx(0.7)
    assert adoption.firm_share() == pytest.approx(0.25)


@pytest.fixture(scope="module")
def forced():
    """Every firm opted in, on the reduced port with the calibrated need dates."""
    return columns(run(reduced_config("policy=direct_pickup", "policies.direct_pickup.adoption.forced=true"),
                       seed=1))


def test_only_goods_needed_within_the_free_time_are_planned_for_the_ship_side(forced):
    """Planned on the ETA at the manifest, so a box is judged on its expected discharge: allow the
    ETA's error (hours) around the actual one."""
    cols = forced
    imports = cols["flow"] == IMPORT
    imports &= np.isfinite(cols["discharge"])  # (the last vessels are still to come at the drain cap)
    planned = imports & (cols["lane_planned"] == SHIP_SIDE_PICKUP)
    assert planned.sum() >= 10
    assert not (planned & cols["needs_certification"]).any()
    slack_h = cols["goods_needed"] - (cols["discharge"] + FREE_DAYS_H)
    assert (slack_h[planned] <= 12.0).all(), "a box needed well after the free time was planned"
    wanted_soon = imports & ~cols["needs_certification"] & (slack_h < -12.0)
    assert planned[wanted_soon].mean() > 0.9, "boxes needed soon were left on the usual route"
    assert (cols["lane_planned"][cols["flow"] != IMPORT] != SHIP_SIDE_PICKUP).all()


def test_a_truck_is_booked_only_for_a_box_free_to_go_when_the_fleet_plans(forced):
    """Every ship-side truck (a trip or a wait at the quay) belongs to a planned box that was
    released with its D/O 24 h before its vessel; every lane box is such a box; planned boxes
    that were not free then went to the yard with no truck sent."""
    cols = forced
    planned = cols["lane_planned"] == SHIP_SIDE_PICKUP
    booked_h = cols["vessel_arrival"] - 24.0
    free = planned & (cols["release"] <= booked_h + 1e-3) & (cols["delivery_order"] <= booked_h + 1e-3)
    lane = cols["fast_lane"] == SHIP_SIDE_PICKUP
    assert lane.sum() >= 5 and (planned & ~free).sum() >= 5
    assert not (lane & ~free).any()
    not_free = planned & ~free
    assert not (cols["ship_side_wait_h"][not_free] > 0).any()
    assert not cols["ship_side_failed"][not_free].any()
    assert not (cols["fast_lane"][not_free] == SHIP_SIDE_PICKUP).any()


def test_planned_boxes_are_declared_and_released_earlier_than_the_same_boxes_in_the_baseline(forced):
    """Under common random numbers the same boxes, planned for the ship side, start clearance at
    once (papers and rules allowing) instead of a planning lead before their pickup day."""
    base = columns(run(reduced_config(), seed=1))
    cols = forced
    n = min(len(base["flow"]), len(cols["flow"]))
    planned = (cols["lane_planned"][:n] == SHIP_SIDE_PICKUP) & np.isfinite(base["release"][:n])
    planned &= np.isfinite(cols["release"][:n])
    assert planned.sum() >= 10
    earlier = base["release"][:n][planned] - cols["release"][:n][planned]
    assert np.median(earlier) > 12.0, np.median(earlier)


@pytest.mark.slow
def test_direct_pickup_uptake_falls_when_forecasts_are_poor():
    """Poorer ETAs (a spread of 16 h three days out instead of 4 h) make ship-side trucks wait
    longer and come after their box more often. Firms count those misses against the lane, so
    fewer stay opted in. Paired over seeds on a 20 % section, 40 days: the same firms, the same
    review draws, the same vessels."""
    cfg = load_config("shanghai")
    section = scaled_overrides(cfg, 0.2)
    seeds = (1, 2, 3)

    def uptake(seed: int, *extra: str) -> float:
        result = run(load_config("shanghai", [*section, "policy=direct_pickup", "run.horizon_days=40",
                                              "run.warmup_days=8", "run.cooldown_days=2",
                                              "run.write_log=false", *extra]), seed=seed)
        return float(result.daily["direct_pickup_adoption"].to_numpy()[-10:].mean())

    usual = [uptake(s) for s in seeds]
    poor = [uptake(s, "vessels.eta.error_sd_at_72h_h=16") for s in seeds]
    effect = paired_effect("direct_pickup", "adoption over the last 10 days, poor - usual forecast",
                           usual, poor)
    print(f"\nadoption: usual {np.round(usual, 3)}, poor {np.round(poor, 3)}; {effect}")
    assert all(p < u for u, p in zip(usual, poor)), (usual, poor)
    assert np.mean(usual) - np.mean(poor) > 0.1, (usual, poor)


def test_without_the_advance_delivery_order_no_box_is_free_when_the_truck_is_booked():
    """The carrier issues D/Os for arrived calls only unless the pilot's advance exchange is on:
    then no planned box has its D/O a day before its vessel, no truck is booked, none waits and
    no box leaves from the ship side, although the same boxes are planned and declared early."""
    cols = columns(run(reduced_config("policy=direct_pickup", "policies.direct_pickup.adoption.forced=true",
                                      "policies.direct_pickup.advance_delivery_order=false"), seed=1))
    planned = cols["lane_planned"] == SHIP_SIDE_PICKUP
    assert planned.sum() >= 10
    issued = np.isfinite(cols["delivery_order"])
    assert not (issued & (cols["delivery_order"] < cols["vessel_arrival"] - 1e-3)).any()
    assert not (cols["fast_lane"] == SHIP_SIDE_PICKUP).any()
    assert not (cols["ship_side_wait_h"] > 0).any() and not cols["ship_side_failed"].any()
