"""The named experiments, shrunk: Morris sensitivity, stress test and calibration check.

Each runs its real pipeline (configs/experiment/<name>.yaml, run_experiment, analyse, its own
tables and figure) on a tiny port (the conftest tiny section on a 10-day horizon) with one seed,
and checks the files it promises and one finding it must show. The stress test's quick size runs
five of its eight scenarios; the slow tier (``-m slow``) runs all eight.
"""
from __future__ import annotations

import copy
import functools
import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_SECTION

from sim import ConfigError, load_config
from sim.experiment import ExperimentSpec
from sim.experiment.morris_design import MorrisSettings, Parameter
from sim.experiment.runner import resolve_configs
from sim.feasibility import validate
from sim.reference import TARGETS
from sim.studies.sensitivity import SensitivityStudy

ROOT = Path(__file__).resolve().parent.parent
TINY_PORT = ["run.horizon_days=10", "run.warmup_days=2", "run.cooldown_days=3",
             "vessels.calls_per_day=1", *TINY_SECTION]
STRESS_TIMING = [  # events inside the tiny port's measurement window (days 2-7)
    "customs.inspection_teams=2",  # inspection busy enough to feel an outage
    "stress.surge_start_day=3",
    "stress.surge_days=4",
    "stress.outage_start_day=3",
    "stress.outage_days=4",
    "stress.bunching_start_day=3",
    "stress.bunching_h=24",
]


def _entry_point(name: str):
    spec = importlib.util.spec_from_file_location(f"experiments_{name}", ROOT / "experiments" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report_files(out: Path, comparison: bool = True) -> None:
    names = ["summary.csv", "manifest.jsonl", "report.md", "report.html"]
    for name in names + (["comparison.csv"] if comparison else []):
        assert (out / name).is_file(), f"{name} missing in {sorted(p.name for p in out.iterdir())}"


# ------------------------------------------------------------------ sensitivity (Morris)


def test_red_share_parameter_moves_the_difference_to_green():
    base = load_config("shanghai", [])
    p = Parameter("imports.channels.red", 0.08, 0.12)
    overrides = dict(o.split("=") for o in p.overrides(0.12, base))
    assert float(overrides["imports.channels.red"]) == pytest.approx(0.12)
    assert float(overrides["imports.channels.green"]) == pytest.approx(base.imports.channels.green - 0.02)
    cfg = load_config("shanghai", p.overrides(0.12, base))  # shares still sum to 1
    assert cfg.imports.channels.yellow == base.imports.channels.yellow


def test_integer_parameters_run_rounded_values():
    assert Parameter("customs.doc_officers", 15, 21, integer=True).overrides(16.6, None) == [
        "customs.doc_officers=17"]


def test_morris_settings_reject_inverted_bounds_naming_the_parameter():
    with pytest.raises(ConfigError) as err:
        MorrisSettings.from_dict({"parameters": {"customs.doc_officers": {"low": 21, "high": 15},
                                                 "customs.inspection_teams": {"low": 18, "high": 24}}})
    assert err.value.field_path == "morris.parameters.customs.doc_officers"


def test_default_sensitivity_design_has_every_point_valid_and_within_bounds():
    study = SensitivityStudy.load("sensitivity")
    s = study.settings
    assert s.k >= 8 and len(study.spec.scenarios) == s.trajectories * (s.k + 1) + 1
    for p in s.parameters:
        values = study.design[p.path]
        assert values.min() >= p.low - 1e-9 and values.max() <= p.high + 1e-9, p.path
    # every point validates (utilisation < 1 at every station): set its overrides on the base
    # config directly (composing 53 configs with Hydra would take 15 s)
    for overrides in study.spec.scenarios.values():
        cfg = copy.deepcopy(study.base_config)
        for o in overrides:
            path, value = o.split("=")
            *parents, leaf = path.split(".")
            node = functools.reduce(getattr, parents, cfg)
            setattr(node, leaf, type(getattr(node, leaf))(float(value)))
        validate(cfg)
    resolve_configs(replace(study.spec, scenarios={"baseline": [], "p000": study.spec.scenarios["p000"]}))


# three of the design's parameters: the need date and the doc check time the findings compare,
# and an integer one (rounded to whole officers)
MORRIS_PATHS = ("customs.doc_officers", "customs.doc_check.mean_h",
                "behaviour.consignees.need_lag.mean_h")
MORRIS_PARAMETERS = len(MORRIS_PATHS)


@pytest.fixture(scope="module")
def morris(tmp_path_factory):
    full = SensitivityStudy.load("sensitivity").with_options(
        trajectories=2, replications=1, overrides=TINY_PORT)
    settings = replace(full.settings,
                       parameters=[p for p in full.settings.parameters if p.path in MORRIS_PATHS])
    study = SensitivityStudy(full.experiment, settings)
    out = tmp_path_factory.mktemp("sensitivity")
    return study, study.run(out, workers=0, progress=False)  # in this process: no pool start-up


def test_morris_screening_writes_indices_design_tornados_and_report(morris):
    study, result = morris
    out = result.out_dir
    _report_files(out, comparison=False)
    table = pd.read_csv(out / "morris.csv")
    assert len(table) == 3 * MORRIS_PARAMETERS and set(table["kpi"]) == set(study.settings.kpis)
    assert np.isfinite(table[["mu", "mu_star", "sigma"]].to_numpy()).all()
    assert (table["mu_star"] >= table["mu"].abs() - 1e-9).all()  # mean |EE| >= |mean EE|
    assert len(pd.read_csv(out / "design.csv")) == 2 * (MORRIS_PARAMETERS + 1)
    for i in (1, 2, 3):
        assert (out / "figures" / f"tornado_{i}.png").is_file()
    assert "tornado_1.png" in (out / "report.md").read_text()


def test_morris_ranks_consignees_need_date_above_doc_check_time_for_port_time(morris):
    # when consignees need their goods (88-132 h after arrival) sets every import's stay; a doc
    # check (0.45-0.55 h) delays some
    frame = morris[1].frames["import_port_time_h"].set_index("parameter")
    need = "behaviour.consignees.need_lag.mean_h"
    assert frame.loc[need, "mu_star"] > 5 * frame.loc["customs.doc_check.mean_h", "mu_star"]


def test_later_need_dates_raise_import_cost(morris):
    cost = morris[1].frames["import_cost_total_cny"].set_index("parameter")
    assert cost.loc["behaviour.consignees.need_lag.mean_h", "mu"] > 0  # more days of inventory


# ------------------------------------------------------------------ stress test


# (scenarios run, stresses the package is compared under, stress-effect rows) per size: the quick
# one drops bunching and the package under surge (5 runs); the slow one runs every scenario (8)
STRESS_SIZES = [
    pytest.param((("baseline", "full", "surge", "outage", "outage_full"), ["none", "outage"], 3),
                 id="quick"),
    pytest.param((("baseline", "full", "surge", "surge_full", "outage", "outage_full", "bunching",
                   "bunching_full"), ["bunching", "none", "outage", "surge"], 6),
                 id="all", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module", params=STRESS_SIZES)
def stress(request, tmp_path_factory):
    scenarios, package_stresses, stress_rows = request.param
    module = _entry_point("stress_test")
    spec = ExperimentSpec.load("stress_test")
    spec = replace(spec, replications=1, overrides=[*TINY_PORT, *STRESS_TIMING],
                   scenarios={name: spec.scenarios[name] for name in scenarios})
    out = tmp_path_factory.mktemp("stress_test")
    result, svr = module.run_stress_test(spec, out, workers=0, progress=False)
    assert result.ok
    return out, result.comparison, svr, (set(scenarios), package_stresses, stress_rows)


def test_stress_test_writes_report_and_stress_vs_reform_table(stress):
    out, comparison, _svr, (scenarios, package_stresses, stress_rows) = stress
    _report_files(out)
    assert set(comparison["scenario"]) == scenarios
    written = pd.read_csv(out / "stress_vs_reform.csv")
    package = written[(written["effect"] == "package") & (written["kpi"] == "import_port_time_h")]
    assert sorted(package["stress"]) == package_stresses
    assert set(package["versus"]) == {"baseline" if s == "none" else s for s in package_stresses}
    rows = written[(written["effect"] == "stress") & (written["kpi"] == "import_port_time_h")]
    assert len(rows) == stress_rows  # each stress run, against no stress with the same reform


def test_inspection_outage_raises_inspection_wait_over_no_stress(stress):
    svr = stress[2]
    rows = svr[(svr["effect"] == "stress") & (svr["stress"] == "outage")
               & (svr["kpi"] == "inspection_wait_h")].set_index("reform")
    assert rows.loc["none", "scenario_mean"] > 1.15 * rows.loc["none", "versus_mean"]
    # with the package (risk management sends fewer boxes to inspection) it hurts less, but still
    assert rows.loc["full", "scenario_mean"] > rows.loc["full", "versus_mean"]
    assert rows.loc["full", "diff_mean"] < rows.loc["none", "diff_mean"]


def test_surge_brings_more_import_boxes(stress):
    out, scenarios = stress[0], stress[3][0]
    n = {s: json.loads((out / "runs" / s / "1" / "summary.json").read_text())["flows"]["import"]["all"]["n"]
         for s in scenarios}
    assert n["surge"] > 1.1 * n["baseline"]  # +30 % on calls in 4 of the 5 measured days
    if "surge_full" in scenarios:
        assert n["surge_full"] > 1.1 * n["full"]


# ------------------------------------------------------------------ calibration


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    module = _entry_point("calibration")
    spec = replace(ExperimentSpec.load("calibration"), replications=1, overrides=TINY_PORT)
    out = tmp_path_factory.mktemp("calibration")
    cal, figure, _md, _html = module.run_calibration(spec, out, workers=0, progress=False)
    return out, cal, figure


def test_calibration_writes_table_figure_and_report(calibration):
    out, _cal, figure = calibration
    _report_files(out)
    written = pd.read_csv(out / "calibration.csv")
    assert list(written["figure"][: len(TARGETS)]) == [t.figure for t in TARGETS]
    assert list(written["reference"][: len(TARGETS)]) == [t.reference for t in TARGETS]
    for ext in ("png", "svg"):
        assert (out / "figures" / f"calibration.{ext}").is_file()
    within = int(written["within"].sum())
    assert figure.title.startswith(f"{within} of {len(written)} reference figures"
                                   if within < len(written) else "All")


# ------------------------------------------------------------------ the README's sweep example


@pytest.mark.slow
def test_readme_sweep_quick_ends_in_a_report_with_an_explainable_effect(tmp_path, capsys):
    """``python experiments/run_scenario.py capacity_vs_paperwork --quick``: e-documents cut
    import port time; a third fewer inspection teams does not move it measurably."""
    code = _entry_point("run_scenario").main(["capacity_vs_paperwork", "--quick", "--out",
                                              str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "quick variant" in printed and "e_documents: import port time \u2212" in printed
    assert json.loads((tmp_path / "experiment.json").read_text())["is_quick"] is True
    _report_files(tmp_path)
    comparison = pd.read_csv(tmp_path / "comparison.csv").set_index(["scenario", "kpi"])
    edocs = comparison.loc[("e_documents", "import_port_time_h")]
    assert edocs["diff_ci_high"] < 0  # hours: a cut, its size set by how many were waiting for paper
    teams = comparison.loc[("fewer_teams", "import_port_time_h")]
    assert abs(teams["diff_mean"]) < 1
