"""The port feeds the bonded zone under first-line rules (issue 10, item 3).

A zone firm's bonded lots come as import boxes on the port's vessel calls, wait in the yard until
their warehouse has room (or the deadline forces the filing), are filed into the zone and trucked
to its gate (:mod:`sim.bonded_zone.first_line`). Tiny port: conservation counted two ways, the
milestone order, the deadline rule and its late fee, the mechanism under common random numbers
(shared warehousing pools the space a bonded lot can use, so its boxes wait less for room), and
bad input.
"""
from __future__ import annotations

import numpy as np
import pytest

from sim import ConfigError
from sim.bonded_zone.first_line import IN_ZONE
from sim.bonded_zone.summary import first_line_conservation
from sim.cohort import cohort
from sim.model import ClearanceModel
from sim.places import conservation
from sim.records import IMPORT
from conftest import tiny_port_config
from test_bad_input import assert_one_line_error, cli  # noqa: F401  (cli: the fixture)

SHARED = ("policy=shared_warehousing", "policies.shared_warehousing.adoption.forced=true")
# firms resize their space weekly (within the ranges of configs/uncertainty), and the window
# starts once the pooled warehouse has been resized to the peak of the sum
STEADY = ("run.horizon_days=20", "run.warmup_days=8", "run.cooldown_days=2", "bonded_zone.space.sizing_window_days=7")
STEADY_WINDOW_H = (8 * 24.0, 18 * 24.0)
_STEADY_RUNS: dict[tuple, ClearanceModel] = {}


def simulate(*overrides: str, seed: int = 1) -> ClearanceModel:
    model = ClearanceModel(tiny_port_config(*overrides), seed)
    model.run()
    return model


def steady(seed: int, shared: bool) -> ClearanceModel:
    """The tiny port on the steady-state setup, baseline or shared warehousing (forced), cached."""
    if (seed, shared) not in _STEADY_RUNS:
        _STEADY_RUNS[seed, shared] = simulate(*STEADY, *(SHARED if shared else ()), seed=seed)
    return _STEADY_RUNS[seed, shared]


@pytest.fixture(scope="module")
def run_and_horizon() -> tuple[ClearanceModel, list[dict]]:
    """The default tiny port, run and drained; and the first line's balance at each day's end."""
    model = ClearanceModel(tiny_port_config(), 1)
    first_line = model.sub_models["bonded_zone"].first_line
    daily = []
    model.run_horizon(on_day=lambda day, days: daily.append(first_line_conservation(first_line)))
    model.drain()
    return model, daily


@pytest.fixture(scope="module")
def model(run_and_horizon) -> ClearanceModel:
    return run_and_horizon[0]


def boxes(model: ClearanceModel) -> tuple[dict, dict]:
    """(zone-side log, port-log columns of the same boxes) of the boxes whose manifest is filed."""
    zone_log = model.sub_models["bonded_zone"].first_line.log.view()
    filed = zone_log["consignment"] >= 0
    ids = zone_log["consignment"][filed]
    port = {name: column[ids].astype(np.float64) if column.dtype == np.float32 else column[ids]
            for name, column in model.log.view().items()}
    return {name: column[filed] for name, column in zone_log.items()}, port


def test_zone_boxes_are_marked_imports_outside_the_import_cohort(model):
    zone_log, port = boxes(model)
    assert zone_log["consignment"].size > 50
    assert (port["flow"] == IMPORT).all() and port["first_line"].all()
    assert (port["firm"] == model.sub_models["bonded_zone"].firm_index[zone_log["zone_firm"]]).all()
    log = model.log.view()
    assert log["first_line"].sum() == zone_log["consignment"].size  # no other box is marked
    assert not (cohort(log, IMPORT, model.config.run) & log["first_line"]).any()


def test_every_box_is_at_sea_in_the_port_on_its_way_or_in_the_zone_and_a_lost_one_shows(run_and_horizon):
    model, daily = run_and_horizon
    assert all(day["balanced"] for day in daily), daily
    for place in ("at_sea", "in_port", "in_zone"):  # the check has something to count
        assert any(day["from_log"][place] > 0 for day in daily), place
    first_line = model.sub_models["bonded_zone"].first_line
    assert first_line_conservation(first_line)["balanced"]  # after the drain too
    assert conservation(model.log.view(), model.places)["import"]["balanced"]  # the port's own count
    in_zone = np.flatnonzero(np.isfinite(first_line.log.put_away[: first_line.log.size]))
    lost = in_zone[0]
    kept = first_line.log.put_away[lost]
    first_line.log.put_away[lost] = np.nan  # the log loses a put-away box
    try:
        assert not first_line_conservation(first_line)["balanced"]
    finally:
        first_line.log.put_away[lost] = kept
    first_line.count[IN_ZONE] -= 1  # the places lose one
    try:
        assert not first_line_conservation(first_line)["balanced"]
    finally:
        first_line.count[IN_ZONE] += 1


def test_milestones_follow_arrival_discharge_filing_gate_out_zone_entry_put_away(model):
    zone_log, port = boxes(model)
    f64 = {**{k: np.asarray(v, dtype=np.float64) for k, v in port.items() if v.dtype.kind == "f"},
           **{k: np.asarray(zone_log[k], dtype=np.float64) for k in ("decided", "at_zone_gate", "zone_entry", "put_away")}}
    # the lot's filing is lodged once all its boxes are on the quay; each box moves after its
    # firm's decision and the filing's acceptance
    for path in (("vessel_arrival", "discharge", "declaration_lodged", "release", "gate_out", "at_zone_gate",
                  "zone_entry", "put_away"),
                 ("discharge", "decided", "gate_out"), ("vessel_arrival", "clearance_started", "declaration_lodged")):
        for earlier, later in zip(path, path[1:]):
            reached = np.isfinite(f64[later])
            assert reached.sum() > 50, later
            assert np.isfinite(f64[earlier][reached]).all(), (earlier, later)  # none without the one before
            assert (f64[earlier][reached] <= f64[later][reached] + 1e-3).all(), (earlier, later)


def test_no_box_waits_past_the_deadline_less_the_filing_lead(model):
    cfg = model.config.bonded_zone.first_line
    zone_log, port = boxes(model)
    decided = np.isfinite(zone_log["decided"])
    due_h = port["vessel_arrival"] + cfg.deadline_days * 24 - cfg.filing_lead_h
    assert (zone_log["decided"][decided] <= np.maximum(due_h, port["discharge"])[decided] + 1e-3).all()


def test_a_filing_lodged_after_the_deadline_pays_the_late_fee_per_started_day_and_no_other_does():
    # a deadline about as long as berthing, discharge and filing take: some filings are late (by a started day)
    late_model = simulate("bonded_zone.first_line.deadline_days=0.23", "bonded_zone.first_line.filing_lead_h=0")
    cfg = late_model.config.bonded_zone.first_line
    zone_log, port = boxes(late_model)
    filed = np.isfinite(port["declaration_lodged"])
    late_h = (port["declaration_lodged"] - port["vessel_arrival"] - cfg.deadline_days * 24)[filed]
    days = np.where(late_h > 0, np.ceil(late_h / 24), 0)
    assert (days > 0).sum() > 20 and (days == 0).sum() > 0
    assert (zone_log["late_days"][filed] == days).all()
    expected = zone_log["value_cny"][filed] * cfg.late_fee_pct_per_day / 100 * days
    assert zone_log["late_fee_cny"][filed] == pytest.approx(expected, rel=1e-5)
    assert zone_log["forced"].any()  # boxes with no room went in at the deadline
    summary = late_model.sub_models["bonded_zone"].summary(*(24.0 * d for d in (2, 10)))["first_line"]
    assert summary["late_boxes"] > 0 and summary["late_fee_cny_per_box"] > 0


def test_the_baseline_and_shared_warehousing_see_the_same_boxes_on_the_same_calls():
    base, shared = steady(1, False), steady(1, True)
    a, b = (m.sub_models["bonded_zone"].first_line.log.view() for m in (base, shared))
    for column in ("zone_firm", "lot", "call", "pallets", "ordered"):
        assert np.array_equal(a[column], b[column], equal_nan=True), column
    filed = (a["consignment"] >= 0) & (b["consignment"] >= 0)
    for column in ("vessel_arrival", "cargo_value_cny", "teu"):
        assert np.array_equal(base.log.view()[column][a["consignment"][filed]],
                              shared.log.view()[column][b["consignment"][filed]], equal_nan=True)


def _first_line_figures(seed: int) -> list[dict]:
    return [steady(seed, shared).sub_models["bonded_zone"].summary(*STEADY_WINDOW_H)["first_line"]
            for shared in (False, True)]


def test_shared_warehousing_shortens_zone_boxes_wait_for_room_on_one_seed():
    """The quick form of the paired test below: seed 1 alone, the boxes of the test above."""
    base, shared = _first_line_figures(1)
    assert shared["room_wait_h"]["mean"] < base["room_wait_h"]["mean"]
    assert shared["port_dwell_h"]["mean"] < base["port_dwell_h"]["mean"]


@pytest.mark.slow
def test_shared_warehousing_shortens_zone_boxes_wait_for_room_and_port_dwell_paired_over_seeds():
    """The pooled warehouse is rented for the peak of the sum of both goods classes: a bonded lot
    can use the headroom above, and the troughs of, its firm's non-bonded stock, so it finds room
    sooner than in a bonded warehouse rented for its own peak. Paired over seeds (same boxes)."""
    wait, dwell = [], []
    for seed in (1, 2, 3):
        figures = _first_line_figures(seed)
        wait.append(figures[1]["room_wait_h"]["mean"] - figures[0]["room_wait_h"]["mean"])
        dwell.append(figures[1]["port_dwell_h"]["mean"] - figures[0]["port_dwell_h"]["mean"])
    assert np.mean(wait) < 0 and np.mean(dwell) < 0, (wait, dwell)
    assert max(wait) <= 0, wait  # never longer on the same boxes


@pytest.mark.parametrize("override, field", [
    ("bonded_zone.first_line.pallets_per_box=0", "bonded_zone.first_line.pallets_per_box"),
    ("bonded_zone.first_line.deadline_days=-1", "bonded_zone.first_line.deadline_days"),
    ("bonded_zone.first_line.late_fee_pct_per_day=101", "bonded_zone.first_line.late_fee_pct_per_day"),
    ("bonded_zone.first_line.transfer.mean_h=-0.5", "bonded_zone.first_line.transfer.mean_h"),
])
def test_bad_first_line_values_are_one_line_exit_2(cli, override, field):  # noqa: F811
    assert_one_line_error(cli(override), field, "")


def test_the_first_line_needs_vessel_calls(cli):  # noqa: F811
    outcome = cli("arrivals.mode=poisson", "behaviour.enabled=false")
    assert_one_line_error(outcome, "bonded_zone.first_line.enabled", "arrivals.mode=vessel")
    with pytest.raises(ConfigError):
        tiny_port_config("arrivals.mode=poisson", "behaviour.enabled=false")
    tiny_port_config("arrivals.mode=poisson", "behaviour.enabled=false", "bonded_zone.first_line.enabled=false")
