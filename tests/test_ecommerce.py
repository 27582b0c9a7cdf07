"""Cross-border e-commerce by air and the ecommerce_air policy, run in a minimal Mesa harness.

The harness (``conftest.SubModelHarness``) is a bare ``mesa.Model`` with what :class:`AirCargoTerminal` reads (``env``, ``seed``,
``config``), stepped a day at a time like ``ClearanceModel``. Runs are 10 days (2 warm-up, 2
cool-down) of the Pudong config at a quarter of its volume (one flight a day), about 0.3 s each.
The last test runs the whole model (tiny port) with the air terminal on, through ``sim.run``.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from conftest import SubModelHarness, tiny_port_config

from sim import ConfigError, load_config, run
from sim.ecommerce.terminal import AirCargoTerminal
from sim.ecommerce.capacity import offered_load
from sim.ecommerce.records import DESTROYED, IN_STOCK, NO_RETURN, REFUSED
from sim.kpis import kpi_row
from sim.loading import CONFIG_DIR
from sim.schema.policies import EcommerceAirConfig
from sim.schema.uncertainty import load_ranges

RUN = ("run.horizon_days=10", "run.warmup_days=2", "run.cooldown_days=2", "ecommerce.enabled=true",
       "ecommerce.flights.per_day=1")
OFF, ON = EcommerceAirConfig(), EcommerceAirConfig(enabled=True)


def simulate(seed: int, policy: EcommerceAirConfig = OFF, *overrides: str):
    """Run the horizon day by day; return (terminal, summary of the measurement window)."""
    config = load_config("shanghai", [*RUN, *overrides])
    model = SubModelHarness(seed, config)
    terminal = AirCargoTerminal(model, config.ecommerce, policy)
    run = config.run
    for day in range(1, run.horizon_days + 1):
        model.env.run(until=day * 24.0)
        terminal.daily_update()
    return terminal, terminal.summary(run.warmup_days * 24.0, (run.horizon_days - run.cooldown_days) * 24.0)


@pytest.mark.parametrize("policy", [OFF, ON])
def test_every_parcel_landed_is_in_exactly_one_place(policy):
    terminal, s = simulate(3, policy)
    states = s["conservation"]
    landed = sum(int(terminal.draw_flight(k)["per_uld"].sum()) for k in np.unique(terminal.log.view()["flight"]))
    assert states["landed"] == landed == terminal.log.size
    assert sum(v for k, v in states.items() if k != "landed") == landed
    assert states["with_consumer"] > 0 and states["back_in_stock"] > 0 and states["detained"] > 0


def _in_order(log, *milestones):
    """Rows where every given milestone is set: each one is no earlier than the one before."""
    t = np.stack([log[m].astype(np.float64) for m in milestones])
    reached = np.isfinite(t).all(axis=0)
    return reached.sum(), bool(np.all(np.diff(t[:, reached], axis=0) >= 0))


@pytest.mark.parametrize("policy", [OFF, ON])
def test_milestones_come_in_order(policy):
    terminal, _ = simulate(4, policy)
    log = terminal.log.view()
    for chain in [("flight_arrival", "broken_down", "declared", "matched", "release", "picked_up",
                   "return_requested", "return_arrived", "back_in_stock"),
                  ("matched", "check_joined", "check_start", "release"),
                  ("matched", "check_joined", "check_start", "detained"),
                  ("return_requested", "return_arrived", "destroyed")]:
        n, ordered = _in_order(log, *chain)
        assert ordered, chain
    assert _in_order(log, "flight_arrival", "picked_up", "back_in_stock")[0] > 0
    assert not np.any(np.isfinite(log["release"]) & np.isfinite(log["detained"]))


def test_returns_inside_the_window_reenter_stock_and_later_ones_do_not():
    # a one-day window: requests (about 6 days after pickup) mostly fall outside it
    terminal, s = simulate(5, ON, "ecommerce.returns.window_days=1", "ecommerce.returns.share=0.5")
    log = terminal.log.view()
    asked = np.isfinite(log["return_requested"])
    late = asked & (log["return_requested"] - log["release"] > 24.0)
    assert late.sum() > 0 and (asked & ~late).sum() > 0
    assert np.all(log["return_outcome"][late] == REFUSED)
    assert not np.any(np.isfinite(log["back_in_stock"][late]))
    inside = asked & ~late
    outcomes = log["return_outcome"][inside]
    assert np.all(np.isin(outcomes, [IN_STOCK, DESTROYED, NO_RETURN]))
    assert np.mean(outcomes == IN_STOCK) > 0.8
    assert s["returns"]["refused_outside_window"] > 0


def test_whitelisting_cuts_the_special_check_wait_under_common_random_numbers():
    waits_off, waits_on = [], []
    for seed in (1, 2, 3):
        off, s_off = simulate(seed, OFF, "ecommerce.special_check.inspectors=1")
        on, s_on = simulate(seed, EcommerceAirConfig(enabled=True, consolidated_declaration=False,
                                                     streamlined_returns=False),
                            "ecommerce.special_check.inspectors=1")
        for name in ("seller", "goods", "value_cny", "flight_arrival", "broken_down", "mismatched"):
            np.testing.assert_array_equal(off.log.view()[name], on.log.view()[name])  # same parcels
        assert s_on["special_checked_share"] < s_off["special_checked_share"]
        waits_off.append(s_off["special_check_wait_h"]["mean"])
        waits_on.append(s_on["special_check_wait_h"]["mean"])
    assert all(on < off for on, off in zip(waits_on, waits_off)), (waits_off, waits_on)


def test_consolidated_declaration_cuts_declarations_and_clearance_time():
    _, off = simulate(6, OFF)
    _, on = simulate(6, EcommerceAirConfig(enabled=True, random_check_share=1.0, streamlined_returns=False))
    assert on["special_checked_share"] == off["special_checked_share"] == 1.0  # every special parcel checked
    assert on["declarations_per_parcel"] < 0.7 < off["declarations_per_parcel"] == 1.0
    assert on["clearance_time_h"]["mean"] < off["clearance_time_h"]["mean"]
    assert on["cost_cny_per_parcel"]["declaration"] < off["cost_cny_per_parcel"]["declaration"]


def test_streamlined_returns_are_faster_and_more_reenter_stock_but_faulty_ones_slip_through():
    _, off = simulate(7, OFF)
    _, on = simulate(7, EcommerceAirConfig(enabled=True, whitelisted_seller_share=0.0))
    r_off, r_on = off["returns"], on["returns"]
    assert r_on["lead_time_h"]["mean"] < r_off["lead_time_h"]["mean"]
    assert r_on["share_back_in_stock"] > r_off["share_back_in_stock"]
    assert r_off["opened_share"] == 1.0 and r_on["opened_share"] < 0.3
    assert r_off["faulty_back_in_stock"] == 0 < r_on["faulty_back_in_stock"]


def test_same_seed_same_parcels_and_outcomes():
    a, sa = simulate(8, ON)
    b, sb = simulate(8, ON)
    for name, column in a.log.view().items():
        np.testing.assert_array_equal(column, b.log.view()[name], err_msg=name)
    assert sa == sb


@pytest.mark.parametrize("override, field", [
    ("ecommerce.goods.ordinary=0.9", "ecommerce.goods"),
    ("ecommerce.flights.per_day=0", "ecommerce.flights.per_day"),
    ("ecommerce.customs.mismatch_share=1.5", "ecommerce.customs.mismatch_share"),
    ("ecommerce.special_check.check_h.mean_h=0", "ecommerce.special_check.check_h.mean_h"),
    ("ecommerce.returns.window_days=0", "ecommerce.returns.window_days"),
    ("policies.ecommerce_air.whitelisted_seller_share=-0.1", "policies.ecommerce_air.whitelisted_seller_share"),
])
def test_bad_values_are_one_config_error_naming_the_field(override, field):
    with pytest.raises(ConfigError) as err:
        load_config("shanghai", ["ecommerce.enabled=true", override])
    assert err.value.field_path == field


def test_a_run_with_the_air_terminal_writes_its_parcels_and_kpis(tmp_path):
    config = tiny_port_config("ecommerce.enabled=true", "ecommerce.flights.per_day=1", "policy=ecommerce_air",
                              "run.horizon_days=6", "run.drain_cap_days=2")
    result = run(config, seed=1, output=tmp_path)
    assert result.summary["ecommerce"]["parcels"]["arrived"] > 0
    assert (tmp_path / "parcels.parquet").exists()
    assert result.sub_model_logs["parcels"].num_rows == result.summary["ecommerce"]["conservation"]["landed"]
    row = kpi_row(result.summary)
    assert row["parcel_clearance_time_h"] > 0 and row["parcel_cost_cny"] > 0
    assert {"parcels_arrived", "special_goods_check_queue"} <= set(result.daily.columns)


def test_an_overloaded_station_is_a_config_error_before_anything_runs():
    with pytest.raises(ConfigError) as err:
        load_config("shanghai", ["ecommerce.enabled=true", "ecommerce.customs.declaration_officers=1"])
    assert err.value.field_path == "ecommerce.customs.declaration_officers"
    assert "utilisation 1.93 >= 1" in str(err.value)
    load_config("shanghai", ["ecommerce.customs.declaration_officers=1"])  # the terminal is off: no check


def test_no_station_saturates_at_the_worst_corner_of_the_assumption_ranges():
    cfg = load_config("shanghai").ecommerce
    for p in load_ranges(CONFIG_DIR / "uncertainty" / "shanghai.yaml").parameters:
        if p.path.startswith("ecommerce."):
            *parents, name = p.path.removeprefix("ecommerce.").split(".")
            section = functools.reduce(getattr, parents, cfg)
            setattr(section, name, p.low if p.integer else p.high)  # fewest servers, most work
    g = cfg.goods
    g.ordinary = 1 - g.electrified - g.magnetic - g.cosmetics
    loads = {station: rho for station, (_, rho) in offered_load(cfg).items()}
    assert max(loads.values()) < 1, loads
