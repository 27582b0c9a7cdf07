"""The Nangang scenario (issue 10, item 4): container calls at multipurpose berths and ro-ro calls of
imported vehicles, and the direct-pickup pilot there.

On short runs of ``scenario=nangang`` under common random numbers (the same ships, boxes and
vehicles in every scenario of a seed): the scenario composes and runs; every vehicle is
accounted for (arrived = picked up + in the port, counted from the log and by the terminal's
own counts; cohort: arrived = picked up + unfinished), and a vehicle dropped on purpose breaks the
count; no vehicle ever takes the direct-pickup lane, while containers do; direct pickup cuts the
port time of the import boxes that take the lane against the same boxes in the baseline and
leaves the vehicles' times about alone (they only share customs' document desk with the
containers); the experiment spec loads; bad values of the new fields give one line, exit 2.
"""
from __future__ import annotations

import numpy as np
import pytest

from sim import ConfigError, load_config, run
from sim.cli import format_summary
from sim.experiment import ExperimentSpec
from sim.records import IMPORT, SHIP_SIDE_PICKUP
from sim.roro.summary import states

SHORT = ("run.horizon_days=9", "run.warmup_days=2", "run.cooldown_days=1", "run.drain_cap_days=8")
# consignees who need their goods about two days after arrival, every firm opted in: the lane has
# boxes to take (as in tests/policy_helpers.py)
PILOT = ("policy=direct_pickup", "policies.direct_pickup.adoption.forced=true",
         "behaviour.consignees.need_lag.mean_h=50")
BASELINE = ("behaviour.consignees.need_lag.mean_h=50",)
SEEDS = (1, 2)


def nangang(*overrides: str):
    return load_config("nangang", [*SHORT, *overrides])


@pytest.fixture(scope="module")
def runs() -> dict[str, list]:
    """Baseline and pilot runs over ``SEEDS`` (a few seconds each)."""
    return {name: [run(nangang(*overrides), seed=s) for s in SEEDS]
            for name, overrides in (("baseline", BASELINE), ("pilot", PILOT))}


def table(result, name: str) -> dict[str, np.ndarray]:
    t = result.sub_model_logs[name] if name != "log" else result.log
    return {c: t.column(c).to_numpy(zero_copy_only=False) for c in t.column_names}


def test_the_nangang_scenario_runs_containers_and_vehicles(runs):
    summary = runs["baseline"][0].summary
    assert summary["scenario"] == "nangang"
    assert summary["flows"]["import"]["all"]["n"] > 1000
    r = summary["roro"]
    assert r["vehicles"]["arrived"] > 500
    assert r["port_time_h"]["mean"] > r["clearance_time_h"]["mean"] > 0
    assert sum(r["stages_h"].values()) == pytest.approx(
        np.mean(runs_port_times(runs["baseline"][0])), rel=1e-6)
    assert r["cost_cny_per_vehicle"]["total"] > r["cost_cny_per_vehicle"]["handling"] > 0
    assert "vehicle_inspection" in summary["stations"] and "roro_berth" in summary["stations"]
    assert "ro-ro vehicles:" in format_summary(summary)  # what `python -m sim scenario=nangang` prints


def runs_port_times(result) -> np.ndarray:
    """Port time (h) of the measured vehicles that left, from the vehicle log."""
    v = table(result, "vehicles")
    cfg = result.config.run
    measured = (v["vessel_arrival"] >= cfg.warmup_days * 24) & (
        v["vessel_arrival"] < (cfg.horizon_days - cfg.cooldown_days) * 24)
    left = measured & np.isfinite(v["picked_up"])
    return (v["picked_up"][left] - v["vessel_arrival"][left]).astype(np.float64)


@pytest.mark.parametrize("scenario", ["baseline", "pilot"])
def test_every_vehicle_is_accounted_for(runs, scenario):
    for result in runs[scenario]:
        r = result.summary["roro"]
        c = r["conservation"]
        assert c["balanced"], c
        assert c["arrived"] == c["picked_up"] + c["in_port"] == len(table(result, "vehicles")["call"])
        assert c["in_port"] == c["in_port_by_places"]
        n = r["vehicles"]
        assert n["arrived"] == n["picked_up"] + n["unfinished"], n


def test_a_vehicle_lost_from_the_yard_breaks_the_count():
    from sim.model import ClearanceModel

    model = ClearanceModel(nangang("run.horizon_days=5", "run.warmup_days=1", "run.cooldown_days=1"), seed=1)
    model.run_horizon()
    assert states(model.roro)["balanced"]
    model.roro.in_yard -= 1  # a vehicle vanishes from the yard without a pickup
    assert not states(model.roro)["balanced"]


def test_the_same_seed_gives_the_same_vehicles():
    cfg = nangang("run.horizon_days=5", "run.warmup_days=1", "run.cooldown_days=1", "run.drain_cap_days=4")
    first, second = (table(run(cfg, seed=3), "vehicles") for _ in range(2))
    for name, column in first.items():
        np.testing.assert_array_equal(column, second[name], err_msg=name)


def test_vehicles_never_take_the_direct_pickup_lane(runs):
    """Every vehicle that left went through the yard, its certificate check and its inspection
    before release and a car carrier after it, while the pilot's containers used the lane."""
    for result in runs["pilot"]:
        boxes = table(result, "log")
        assert (boxes["fast_lane"] == SHIP_SIDE_PICKUP).sum() > 0, "the lane was open to containers"
        v = table(result, "vehicles")
        left = np.isfinite(v["picked_up"])
        assert left.sum() > 500
        assert not v["ship_side"].any()
        order = ("discharge", "declaration_lodged", "certificate_checked", "inspection_start",
                 "inspection_end", "release", "picked_up")
        for earlier, later in zip(order, order[1:]):
            assert (v[earlier][left] <= v[later][left]).all(), (earlier, later)
        assert (v["release"][left] == v["inspection_end"][left]).all()


def test_direct_pickup_cuts_the_port_time_of_the_boxes_it_takes_and_leaves_vehicles_alone(runs):
    saved_h, vehicle_change_h = [], []
    for base, pilot in zip(runs["baseline"], runs["pilot"]):
        b, p = table(base, "log"), table(pilot, "log")
        n = min(len(b["flow"]), len(p["flow"]))  # the same boxes, in the same order
        assert (b["cargo_value_cny"][:n] == p["cargo_value_cny"][:n]).all()
        lane = (p["fast_lane"][:n] == SHIP_SIDE_PICKUP) & (p["flow"][:n] == IMPORT)
        lane &= np.isfinite(b["gate_out"][:n])
        assert lane.sum() >= 10
        port_h = {k: (x["gate_out"][:n] - x["vessel_arrival"][:n])[lane].astype(np.float64)
                  for k, x in (("baseline", b), ("pilot", p))}
        saved_h.append(float(np.mean(port_h["baseline"] - port_h["pilot"])))
        vb, vp = table(base, "vehicles"), table(pilot, "vehicles")
        m = min(len(vb["call"]), len(vp["call"]))
        assert (vb["discharge"][:m] == vp["discharge"][:m]).all(), "the same ships and vehicles"
        vehicle_change_h.append(pilot.summary["roro"]["port_time_h"]["mean"]
                                - base.summary["roro"]["port_time_h"]["mean"])
    assert min(saved_h) > 12, f"hours saved per lane box, per seed: {saved_h}"
    assert max(abs(x) for x in vehicle_change_h) < 0.5, f"vehicle port time change, h: {vehicle_change_h}"


def test_the_nangang_experiment_names_its_scenario():
    spec = ExperimentSpec.load("nangang")
    assert spec.base == "nangang" and spec.baseline == "baseline"
    assert {"direct_pickup", "full"} <= set(spec.scenarios)
    for overrides in spec.scenarios.values():  # every scenario composes and passes the start-up checks
        load_config("nangang", [*spec.overrides, *overrides])


@pytest.mark.parametrize(("override", "field", "hint"), [
    ("roro.calls.per_day=-1", "roro.calls.per_day", "must be in (0, 24]"),
    ("roro.need_lag.mean_h=-5", "roro.need_lag.mean_h", "must be >= 0"),
    ("roro.car_carriers.vehicles_per_day=50", "roro.car_carriers.vehicles_per_day", "pile up"),
    ("roro.clearance.inspection_teams=2", "roro.clearance.inspection_teams", "utilisation"),
    ("roro.calls.gangs=nan", "roro.calls.gangs", "type int"),
])
def test_bad_ro_ro_values_are_one_config_error(override, field, hint):
    from sim.feasibility import validate

    with pytest.raises(ConfigError) as err:
        validate(nangang(override))
    assert err.value.field_path == field
    assert hint in str(err.value)


def test_the_command_refuses_a_bad_ro_ro_value_in_one_line_exit_2(tmp_path, capsys, monkeypatch):
    """``python -m sim`` in this process (the real command's start-up and exit: tests/test_cli.py)."""
    import sim.cli

    def refuse_to_simulate(*_args, **_kwargs):
        raise AssertionError("bad ro-ro value silently accepted: the run was about to start")

    monkeypatch.setattr(sim.cli, "run", refuse_to_simulate)
    out_dir = tmp_path / "run"
    with pytest.raises(SystemExit) as exit_info:
        sim.cli.main(["scenario=nangang", "roro.calls.vehicles_per_call=0", f"hydra.run.dir={out_dir}"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert err.startswith("clearway: config error: roro.calls.vehicles_per_call: must be > 0")
    assert not out_dir.exists()


@pytest.mark.slow
def test_the_nangang_experiment_reports_the_vehicles(tmp_path):
    """The experiment's own pipeline, shrunk: the report has the vehicles' table, and no scenario
    sends a vehicle to the ship side."""
    from dataclasses import replace

    from sim.studies import run_experiment

    spec = ExperimentSpec.load("nangang")
    spec = replace(spec, replications=2, overrides=list(SHORT),
                   scenarios={k: spec.scenarios[k] for k in ("baseline", "direct_pickup")})
    result = run_experiment(spec, tmp_path / "nangang", workers=0, progress=False)
    assert result.ok
    report = result.report_md.read_text()
    assert "## Imported vehicles at the ro-ro terminal" in report
    c = result.comparison
    ship_side = c[c["kpi"] == "vehicle_ship_side_share"]
    assert len(ship_side) == 2 and (ship_side["mean"] == 0).all()
    assert c[c["kpi"] == "vehicle_port_time_h"]["mean"].gt(0).all()


def test_every_assumed_nangang_value_has_a_range_that_holds_it_and_runs():
    """configs/uncertainty/nangang.yaml ranges every value the nangang files label an assumption
    (or says why it is fixed), each range holds the value the scenario runs, and random points
    inside the ranges pass the start-up checks (no station at utilisation 1)."""
    from sim.feasibility import validate
    from sim.loading import CONFIG_DIR
    from sim.schema.fields import value_at
    from sim.schema.uncertainty import labelled_parameters, load_ranges

    ranges = load_ranges(CONFIG_DIR / "uncertainty" / "nangang.yaml")
    assert ranges.covers == ["scenario/nangang.yaml", "roro/nangang.yaml"]
    known = [*ranges.paths, *ranges.fixed]
    missing = [f"{name}: {path}" for name in ranges.covers for path in labelled_parameters(CONFIG_DIR / name)
               if not any(k == path or k.startswith(path + ".") for k in known)]
    assert not missing, missing
    nominal = nangang()
    for p in ranges.parameters:
        assert p.low <= value_at(nominal, p.path) <= p.high, p.path
    rng = np.random.default_rng(7)
    for _ in range(6):
        point = [f"{p.path}={p.value(rng.uniform(p.low, p.high))}" for p in ranges.parameters]
        validate(nangang(*point))
