"""The sensitivity experiment (Morris screening), shrunk: its parameters' overrides, its settings'
checks, the committed design's validity, and its real pipeline (configs/experiment/sensitivity.yaml,
runs, Morris indices, tornado figures, report) on the tiny port with three parameters, one seed
and two trajectories, with the findings it must show.
"""
from __future__ import annotations

import copy
import functools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from named_experiment_helpers import TINY_PORT, check_report_files
from sim import ConfigError, load_config
from sim.experiment.morris_design import MorrisSettings, Parameter
from sim.experiment.runner import resolve_configs
from sim.feasibility import validate
from sim.plots.style import png_only
from sim.studies.sensitivity import SensitivityStudy


def test_red_share_parameter_moves_the_difference_to_green():
    base = load_config("shanghai", [])
    p = Parameter("imports.channels.red", "share of imports inspected", 0.08, 0.12)
    overrides = dict(o.split("=") for o in p.overrides(0.12, base))
    assert float(overrides["imports.channels.red"]) == pytest.approx(0.12)
    assert float(overrides["imports.channels.green"]) == pytest.approx(base.imports.channels.green - 0.02)
    cfg = load_config("shanghai", p.overrides(0.12, base))  # shares still sum to 1
    assert cfg.imports.channels.yellow == base.imports.channels.yellow


def test_integer_parameters_run_rounded_values():
    assert Parameter("customs.doc_officers", "officers", 15, 21, integer=True).overrides(16.6, None) == [
        "customs.doc_officers=17"]


def test_morris_settings_reject_inverted_bounds_naming_the_parameter():
    with pytest.raises(ConfigError) as err:
        MorrisSettings.from_dict({"parameters": {"customs.doc_officers": {"low": 21, "high": 15},
                                                 "customs.inspection_teams": {"low": 18, "high": 24}}},
                                 {"customs.doc_officers": "officers", "customs.inspection_teams": "teams"})
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
    with png_only():  # its tests read the PNG tornados only
        return study, study.run(out, workers=0, progress=False)  # in this process: no pool start-up


def test_morris_screening_writes_indices_design_tornados_and_report(morris):
    study, result = morris
    out = result.out_dir
    check_report_files(out, comparison=False)
    table = pd.read_csv(out / "morris.csv")
    assert len(table) == 3 * MORRIS_PARAMETERS and set(table["kpi"]) == set(study.settings.kpis)
    assert np.isfinite(table[["mu", "mu_star", "sigma"]].to_numpy()).all()
    assert (table["mu_star"] >= table["mu"].abs() - 1e-9).all()  # mean |EE| >= |mean EE|
    assert len(pd.read_csv(out / "design.csv")) == 2 * (MORRIS_PARAMETERS + 1)
    for i in (1, 2, 3):
        assert (out / "figures" / f"tornado_{i}.png").is_file()
    report = (out / "report.md").read_text()
    assert "tornado_1.png" in report
    # each input by its name (from the ranges file), its path beside it in the ranking only
    names = dict(zip(table["parameter"], table["name"]))
    assert names["customs.doc_check.mean_h"] == "customs document check (h)"
    summary = report.split("## Ranking")[0]
    assert all(n in report for n in names.values()) and "`customs.doc_check" not in summary


def test_morris_ranks_consignees_need_date_above_doc_check_time_for_port_time(morris):
    # when consignees need their goods (88-132 h after arrival) sets every import's stay; a doc
    # check (0.45-0.55 h) delays some
    frame = morris[1].frames["import_port_time_h"].set_index("parameter")
    need = "behaviour.consignees.need_lag.mean_h"
    assert frame.loc[need, "mu_star"] > 5 * frame.loc["customs.doc_check.mean_h", "mu_star"]


def test_later_need_dates_cut_the_import_cost_of_goods_late(morris):
    # needed 88-132 h after arrival, most goods leave the port after their need date (clearance
    # and pickup take longer), and each day late costs their time value (sim/costs.py); a later
    # need date leaves fewer days late
    cost = morris[1].frames["import_cost_total_cny"].set_index("parameter")
    assert cost.loc["behaviour.consignees.need_lag.mean_h", "mu"] < 0


def test_a_finished_screening_re_analyses_from_its_folder_alone(morris):
    """How a committed reference is re-rendered: the same indices from the folder's runs table."""
    study, result = morris
    again = study.analyse(result.out_dir, report=False)
    for kpi, frame in result.frames.items():
        pd.testing.assert_frame_equal(again.frames[kpi], frame)
