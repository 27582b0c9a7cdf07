"""The green-trade figures (sim/emissions.py): activity counted where it happens agrees with each
box's path, reforms change emissions only through the activity their mechanism changes, and
nothing is emitted where nothing happens."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import run
from sim.emissions import (
    ACTIVITIES, COMPONENTS, SO2_PER_SULFUR, call_wait_h, container_emissions, scenario_emissions,
)
from sim.kpis import BY_NAME, kpi_row
from sim.records import EXPORT, IMPORT, SHIP_SIDE_PICKUP, ConsignmentLog

from conftest import tiny_port_config

NEED_SOON = "behaviour.consignees.need_lag.mean_h=50"  # consignees declare early: boxes released by discharge
FORCED_DIRECT_PICKUP = ("policy=direct_pickup", "policies.direct_pickup.adoption.forced=true", NEED_SOON)
EMISSION_KPIS = ("import_co2_kg_per_box", "import_truck_trips_per_box", "import_truck_idle_h_per_box",
                 "import_yard_moves_per_box", "export_co2_kg_per_box", "export_truck_trips_per_box",
                 "export_truck_idle_h_per_box", "export_yard_moves_per_box", "vessel_wait_h_per_call",
                 "zone_co2_kg_per_order", "bunker_sox_t_per_day", "bunker_sox_kg_per_t")


def columns(result) -> dict[str, np.ndarray]:
    return {n: result.log.column(n).to_numpy() for n in result.log.column_names}


def left_port(log: dict[str, np.ndarray], flow: int) -> np.ndarray:
    leave = log["gate_out"] if flow == IMPORT else log["vessel_departure"]
    return (log["flow"] == flow) & np.isfinite(leave)


@pytest.mark.parametrize("overrides", [(), FORCED_DIRECT_PICKUP], ids=["baseline", "direct_pickup"])
def test_yard_lifts_are_two_per_stacked_box_and_two_more_per_inspection(tiny_run, overrides):
    log = columns(tiny_run(*overrides))
    inspected = np.isfinite(log["inspection_start"])
    ship_side = log["fast_lane"] == SHIP_SIDE_PICKUP
    for flow in (IMPORT, EXPORT):
        rows = left_port(log, flow)
        expected = np.where(ship_side, 0, 2 + 2 * inspected)[rows]  # stacked + retrieved, to and from inspection
        np.testing.assert_array_equal(log["yard_lifts"][rows], expected)
    emissions = container_emissions(log, tiny_run(*overrides).config.emissions)
    np.testing.assert_allclose(emissions["yard_moves"], log["yard_lifts"] + log["rehandles"])
    assert (emissions["yard_moves"][ship_side] == 0).all()


def test_each_box_that_left_took_one_truck_unless_a_ship_side_truck_left_empty(tiny_run):
    base, policy = columns(tiny_run()), columns(tiny_run(*FORCED_DIRECT_PICKUP))
    for flow in (IMPORT, EXPORT):
        assert (base["truck_trips"][left_port(base, flow)] == 1).all()
    rows = left_port(policy, IMPORT)
    ship_side = rows & (policy["fast_lane"] == SHIP_SIDE_PICKUP)
    assert ship_side.any(), "no box left from the ship side: the check below says nothing"
    assert (policy["truck_trips"][ship_side] == 1).all()  # the booked truck took it
    yard_route = rows & ~ship_side
    assert set(np.unique(policy["truck_trips"][yard_route])) <= {1, 2}
    waited = yard_route & (policy["ship_side_wait_h"] > 0)  # a ship-side truck came for it
    assert (policy["truck_trips"][waited] == 2).all()


def test_gate_idling_of_an_import_truck_is_its_appointment_to_gate_out(tiny_run):
    log = columns(tiny_run())
    rows = left_port(log, IMPORT)
    appointment_to_gate_out = (log["gate_out"] - log["pickup_appointment"])[rows]
    np.testing.assert_allclose(log["gate_wait_h"][rows], appointment_to_gate_out, atol=1e-3)
    exports = left_port(log, EXPORT)
    assert (log["gate_wait_h"][exports] > 0).all()  # every delivering truck is checked at the gate


def test_direct_pickup_takes_its_boxes_off_the_yard_under_common_random_numbers(tiny_run):
    base, policy = columns(tiny_run(NEED_SOON)), columns(tiny_run(*FORCED_DIRECT_PICKUP))
    n = min(base["flow"].size, policy["flow"].size)  # the same boxes, in the same order
    ship_side = (policy["fast_lane"][:n] == SHIP_SIDE_PICKUP) & np.isfinite(base["gate_out"][:n])
    assert ship_side.sum() >= 3
    cfg = tiny_run().config.emissions
    before = container_emissions({k: v[:n] for k, v in base.items()}, cfg)
    after = container_emissions({k: v[:n] for k, v in policy.items()}, cfg)
    assert (before["yard_moves"][ship_side] >= 2).all()
    assert (after["yard_moves"][ship_side] == 0).all()
    assert (after["co2_yard_handling_kg"][ship_side] == 0).all()
    assert (before["co2_yard_handling_kg"][ship_side] >= 2 * cfg.yard_move_co2_kg).all()


def test_a_berth_wait_is_shared_out_over_the_boxes_of_its_call(tiny_run):
    result = tiny_run("vessels.berths=2")  # calls queue for berths
    log = columns(result)
    wait = call_wait_h(log)
    assert np.nanmax(wait) > 0
    share = container_emissions(log, result.config.emissions)["vessel_wait_h"]
    on_call = log["vessel"] >= 0
    per_call = np.bincount(log["vessel"][on_call], weights=share[on_call], minlength=wait.size)
    has_wait = np.isfinite(wait)
    np.testing.assert_allclose(per_call[has_wait], wait[has_wait], rtol=1e-9)
    assert result.summary["emissions"]["vessel_wait_h_per_call"] > 0


def test_bunker_sox_is_the_sulfur_delivered_burnt_to_so2(tiny_run):
    result = tiny_run()
    calls = result.sub_model_logs["bunker_calls"].to_pandas()
    start_h, end_h = 24.0 * result.config.run.warmup_days, 24.0 * (
        result.config.run.horizon_days - result.config.run.cooldown_days)
    window = calls[(calls["requested"] >= start_h) & (calls["requested"] < end_h)
                   & calls["pumping_end"].notna()]
    sulfur_t = float((window["demand_t"].astype(float) * window["sulfur_pct"].astype(float) / 100).sum())
    sox = result.summary["emissions"]["bunkering"]
    assert sox["sox_t"] == pytest.approx(SO2_PER_SULFUR * sulfur_t, rel=1e-6)
    assert sox["sox_kg_per_t"] == pytest.approx(1000 * sox["sox_t"] / window["demand_t"].sum(), rel=1e-6)


def test_bonded_blending_moves_sox_per_tonne_with_the_sulfur_it_blends_to(tiny_run):
    def sox_kg_per_t(*overrides):
        return tiny_run(*overrides).summary["emissions"]["bunkering"]["sox_kg_per_t"]

    bought = sox_kg_per_t()  # pre-blended cargoes, 0.40-0.50 % S
    low = sox_kg_per_t("policy=bonded_blending", "policies.bonded_blending.sulfur_target_pct=0.3")
    high = sox_kg_per_t("policy=bonded_blending", "policies.bonded_blending.sulfur_target_pct=0.49")
    assert low < bought < high
    assert low == pytest.approx(SO2_PER_SULFUR * 10 * 0.3, rel=0.1)  # kg SO2 per t at 0.3 % S


def test_boxes_that_did_nothing_emit_nothing(tiny_run):
    cfg = tiny_run().config
    log = ConsignmentLog(capacity=8)
    log.allocate(5)  # five boxes announced, none moved, waited or was lifted
    per_box = container_emissions(log.view(), cfg.emissions)
    for name in (*ACTIVITIES, *(f"co2_{c}_kg" for c in (*COMPONENTS, "total"))):
        assert (per_box[name] == 0).all(), name
    figures = scenario_emissions(log.view(), cfg, {})
    assert figures == {"vessel_wait_h_per_call": None, "bonded_zone": None, "bunkering": None}


def test_no_emission_factor_means_no_co2_whatever_the_activity(tiny_run):
    result = tiny_run()
    zero = dataclasses.replace(result.config.emissions,
                               **{f.name: 0.0 for f in dataclasses.fields(result.config.emissions)})
    per_box = container_emissions(columns(result), zero)
    assert per_box["truck_trips"].sum() > 0
    assert (per_box["co2_total_kg"] == 0).all()


def test_emission_figures_are_kpis_of_every_run_and_repeat_with_the_seed(tiny_run):
    config = tiny_port_config()
    first, again = run(config, seed=3).summary, run(config, seed=3).summary
    assert first["emissions"] == again["emissions"]
    row = kpi_row(first)
    for name in EMISSION_KPIS:
        assert name in BY_NAME and row[name] is not None and row[name] >= 0, name
    assert row["import_co2_kg_per_box"] == pytest.approx(
        sum(row[f"import_co2_{c}_kg"] for c in COMPONENTS))
    assert first["flows"]["import"]["all"]["emissions"] == again["flows"]["import"]["all"]["emissions"]


def test_emissions_in_chunks_are_those_of_all_rows_at_once(tiny_run, monkeypatch):
    """container_emissions works a chunk of rows at a time (memory), each vessel call's wait
    shared from the whole log: the result is the one of all rows at once, bit for bit, also for
    a selection of rows that splits calls across chunks, and as float32 (the log's columns)."""
    import sim.per_row

    result = tiny_run("vessels.berths=2")  # calls queue for berths: their waits are shared out
    log = {n: result.log.column(n).to_numpy(zero_copy_only=False) for n in result.log.column_names}
    cfg = result.config.emissions
    at_once = container_emissions(log, cfg)
    monkeypatch.setattr(sim.per_row, "CHUNK_ROWS", 1000)
    rows = np.flatnonzero(log["flow"] == IMPORT)
    chunked, selected = container_emissions(log, cfg), container_emissions(log, cfg, rows)
    as_float32 = container_emissions(log, cfg, dtype=np.float32)
    assert len(log["flow"]) > 3000 and (at_once["vessel_wait_h"] > 0).any()
    for name, values in at_once.items():
        np.testing.assert_array_equal(chunked[name], values)
        np.testing.assert_array_equal(selected[name], values[rows])
        np.testing.assert_array_equal(as_float32[name], values.astype(np.float32))
