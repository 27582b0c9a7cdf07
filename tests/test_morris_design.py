"""The Morris design (sim.experiment.morris_design): settings checked as a structured config,
the SALib ProblemSpec sample, and the analysis recovering the effects of a known linear model."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiment.morris_design import MorrisSettings
from sim.loading import CONFIG_DIR
from sim.schema.errors import ConfigError
from sim.schema.uncertainty import load_ranges
from sim.studies.sensitivity import SensitivityStudy, read_study

NAMES = load_ranges(CONFIG_DIR / "uncertainty" / "shanghai.yaml").names  # as read_study passes

TWO = {"customs.doc_check.mean_h": {"low": 0.4, "high": 0.6},
       "behaviour.consignees.need_lag.mean_h": {"low": 60.0, "high": 88.0}}


def settings(**changes) -> MorrisSettings:
    return MorrisSettings.from_dict({"parameters": TWO, **changes}, NAMES)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"trajectories": 1}, "morris.trajectories", ">= 2"),
    ({"trajectories": 2.5}, "morris.trajectories", "type int"),
    ({"levels": 5}, "morris.levels", "even"),
    ({"sample_seed": -1}, "morris.sample_seed", ">= 0"),
    ({"num_resamples": True}, "morris.num_resamples", "type int"),
    ({"kpis": []}, "morris.kpis", "at least one KPI"),
    ({"kpis": ["import_port_tme_h"]}, "morris.kpis.import_port_tme_h", "unknown KPI"),
    ({"colour": "red"}, "morris.colour", "unknown key"),
    ({"parameters": {"customs.doc_officers": {"low": 21, "high": 15},
                     **TWO}}, "morris.parameters.customs.doc_officers", "low must be < high"),
    ({"parameters": {"customs.doc_officers": {"low": math.nan, "high": 15}, **TWO}},
     "morris.parameters.customs.doc_officers.low", "finite"),
    ({"parameters": {"customs.doc_officers": {"low": 1, "high": 3, "integer": "yes"}, **TWO}},
     "morris.parameters.customs.doc_officers.integer", "true or false"),
    ({"parameters": {"customs.doc_officers": {"low": 1}, **TWO}},
     "morris.parameters.customs.doc_officers", "{low: .., high: .."),
    ({"parameters": {"customs.doc_officers": {"low": 1, "high": 3, "name": " "}, **TWO}},
     "morris.parameters.customs.doc_officers.name", "plain words"),
    ({"parameters": {"customs.inspection.mean_h": {"low": 1, "high": 2}, **TWO}},
     "morris.parameters.customs.inspection.mean_h.name", "is missing"),
    ({"parameters": {"customs.doc_officers": {"low": 1, "high": 3}}}, "morris.parameters",
     "at least two"),
])
def test_bad_settings_raise_a_config_error_naming_the_field(changes, field, words):
    with pytest.raises(ConfigError) as err:
        settings(**changes)
    assert err.value.field_path == field and words in err.value.problem


def test_sample_is_the_problem_specs_morris_grid_and_repeats_for_a_seed():
    s = settings(trajectories=3, levels=4, sample_seed=7)
    x = s.sample()
    assert x.shape == (s.points, s.k) == (9, 2)
    assert np.array_equal(x, settings(trajectories=3, levels=4, sample_seed=7).sample())
    for j, p in enumerate(s.parameters):  # every value is on the 4-level grid of its range
        steps = (x[:, j] - p.low) / (p.high - p.low) * 3
        assert np.allclose(steps, np.round(steps))


def test_analysis_recovers_the_elementary_effects_of_a_linear_model():
    experiment, _ = read_study("sensitivity")
    study = SensitivityStudy(experiment, settings(trajectories=4, num_resamples=50))
    doc, prep = study.X[:, 0], study.X[:, 1]
    y = 100 * doc - 0.5 * prep  # effects over the whole range: +100 x 0.2 h, -0.5 x 28 h
    frame = study.analyse_kpi("import_port_time_h", y).set_index("parameter")
    assert frame.loc["customs.doc_check.mean_h", "mu_star"] == pytest.approx(20)
    assert frame.loc["behaviour.consignees.need_lag.mean_h", "mu"] == pytest.approx(-14)
    assert frame["sigma"].to_numpy() == pytest.approx([0, 0], abs=1e-9)  # linear: no interaction
    assert list(frame["rank"]) == [1, 2]


def test_a_parameter_takes_its_name_from_the_scenarios_ranges_unless_it_gives_one():
    """One source: the committed screening names only the paths the ranges file does not."""
    _, s = read_study("sensitivity")
    names = {p.path: p.name for p in s.parameters}
    assert names["behaviour.documents.courier.mean_h"] == NAMES["behaviour.documents.courier.mean_h"]
    assert names["customs.inspection.mean_h"] == "customs inspection of a box (h)"  # not ranged
    own = settings(parameters={**TWO, "terminal.gate_lanes": {"low": 5, "high": 8, "name": "lanes"}})
    assert own.parameters[-1].name == "lanes"
