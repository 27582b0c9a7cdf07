"""The robustness experiment: two bands per reform effect, sign flips, Sobol indices, PRIM boxes
and the EMA Workbench adapter."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.robustness import COLUMNS, analyse_robustness, bands, paired_ci, sobol_indices
from sim.experiment.robustness import NOMINAL, RobustnessSettings, RobustnessStudy
from sim.experiment.spec import ExperimentSpec
from sim.schema.errors import ConfigError

# 4 days, and a drain of at most 4 more: a third of a run would otherwise go to following the
# last boxes to consignees who want their goods weeks after arrival
TINY_RUN = ["run.horizon_days=4", "run.warmup_days=1", "run.cooldown_days=1", "run.drain_cap_days=4"]
KPIS = ["import_port_time_h", "import_offences_missed_per_1000"]


def tiny_study(overrides=(), **settings) -> RobustnessStudy:
    """Baseline and e-documents on a tenth of the port for 4 days, two assumptions sampled."""
    spec = ExperimentSpec(name="robustness-test", base="shanghai", replications=1,
                          scenarios={"baseline": [], "e_documents": ["policy=e_documents"]},
                          overrides=[*TINY_RUN, *overrides])
    options = {"parameters": ["policies.e_documents", "behaviour.documents.courier"], "section_share": 0.1,
               "points": 2, "nominal_replications": 2, "kpis": KPIS, **settings}
    return RobustnessStudy(spec, RobustnessSettings(**options))


@pytest.mark.slow  # a whole experiment (8 runs, analysis, figures); the bands, PRIM and the EMA model are checked below
def test_tiny_robustness_experiment_gives_both_bands(tmp_path):
    study = tiny_study()
    samples = study.run(tmp_path, workers=0, progress=False)
    # one row per point x scenario x seed: nominal 2 seeds, 2 points x 1 seed; 2 scenarios each
    assert len(samples) == 2 * 2 + 2 * 1 * 2
    assert {"policies.e_documents.doc_check_factor", "behaviour.documents.courier.mean_h"} <= set(samples)
    assert samples[KPIS].notna().all().all()
    result = analyse_robustness(tmp_path, study, samples)
    table = pd.read_csv(tmp_path / "robustness.csv")
    assert list(table.columns) == COLUMNS
    assert set(table["scenario"]) == {"e_documents"} and list(table["kpi"]) == KPIS
    time = table.set_index("kpi").loc["import_port_time_h"]
    assert time["noise_low"] <= time["nominal"] <= time["noise_high"]
    assert time["assumption_low"] <= time["assumption_high"]
    assert time["nominal"] < 0  # e-documents: no courier wait for the B/L
    assert 0 <= time["sign_flips"] <= 1
    assert all(f.is_file() for f in result.figures)
    assert (tmp_path / "samples.csv").is_file() and (tmp_path / "design.csv").is_file()


def test_a_point_is_the_same_config_at_full_scale_then_scaled_to_the_section():
    study = tiny_study()
    p = study.point_names[0]
    values = dict(zip(study.ranges.paths, study.X[0]))
    overrides = study.point_overrides[p]
    factor = "policies.e_documents.doc_check_factor"
    assert f"{factor}={values[factor]:.10g}" in overrides
    assert "imports.boxes_per_day=300" in overrides  # a tenth of 3,000
    assert study.point_overrides[NOMINAL][0] == "imports.boxes_per_day=300"


def test_a_sobol_design_has_n_times_k_plus_2_points_within_the_ranges():
    study = tiny_study(design="sobol", points=2)
    assert study.X.shape == (2 * (2 + 2), 2)
    for j, p in enumerate(study.ranges.parameters):
        assert ((p.low <= study.X[:, j]) & (study.X[:, j] <= p.high)).all()


def test_a_share_with_a_balance_keeps_the_shares_summing_to_one():
    from sim.loading import load_config

    study = tiny_study(parameters=["exports.channels.red"], points=2)
    for name in study.point_names:
        cfg = load_config("shanghai", study.point_overrides[name])
        c = cfg.exports.channels
        assert c.green + c.yellow + c.red == pytest.approx(1)


def _samples(nominal_diffs, point_effects):
    """Synthetic samples: baseline 100 everywhere, the reform 100 + effect."""
    rows = []
    for seed, d in enumerate(nominal_diffs):
        rows += [[NOMINAL, "baseline", seed, 100.0], [NOMINAL, "reform", seed, 100.0 + d]]
    for i, e in enumerate(point_effects):
        rows += [[f"p{i}", "baseline", 1, 100.0], [f"p{i}", "reform", 1, 100.0 + e]]
    return pd.DataFrame(rows, columns=["point", "scenario", "seed", "kpi"])


def test_bands_set_the_noise_ci_beside_the_spread_across_points_and_count_sign_flips():
    effects = np.linspace(-3.1, 0.9, 21)  # 5 of 21 points above zero
    table = bands(_samples([-1.1, -0.9, -1.0], effects), "baseline", ["kpi"]).iloc[0]
    mean, low, high = paired_ci([-1.1, -0.9, -1.0])
    noise = (table["nominal"], table["noise_low"], table["noise_high"])
    assert noise == pytest.approx((mean, low, high))
    assert mean == pytest.approx(-1.0) and low < -1.0 < high
    assert table["assumption_low"] == pytest.approx(np.percentile(effects, 5))
    assert table["assumption_high"] == pytest.approx(np.percentile(effects, 95))
    assert table["sign_flips"] == pytest.approx(5 / 21)
    assert table["points"] == 21 and table["nominal_seeds"] == 3


def test_an_effect_that_never_changes_sign_has_no_flips():
    table = bands(_samples([-1.0, -2.0], [-0.5, -4.0, -2.0]), "baseline", ["kpi"]).iloc[0]
    assert table["sign_flips"] == 0


def test_sobol_indices_put_the_variance_on_the_parameter_that_drives_the_effect():
    from SALib.sample import sobol

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    X = sobol.sample(problem, 64, calc_second_order=False, seed=1)
    names = [f"p{i}" for i in range(len(X))]
    y = 5 * X[:, 0] + 0.1 * X[:, 1]
    effects = pd.DataFrame({"point": names, "scenario": "reform", "kpi": y})
    table = sobol_indices(problem, effects, names, ["kpi"]).set_index("parameter")
    assert table.loc["a", "ST"] > 0.9 and table.loc["b", "ST"] < 0.05


@pytest.mark.parametrize("change, field", [
    ({"points": 1}, "robustness.points"),
    ({"design": "morris"}, "robustness.design"),
    ({"section_share": 0.0}, "robustness.section_share"),
    ({"kpis": ["import_speed"]}, "robustness.kpis.import_speed"),
    ({"nominal_replications": 1}, "robustness.nominal_replications"),
])
def test_bad_robustness_settings_are_one_config_error(change, field):
    with pytest.raises(ConfigError) as err:
        RobustnessSettings.from_dict(change)
    assert err.value.field_path == field


def test_a_range_that_breaks_the_port_names_the_point():
    # 35 document officers carry the nominal 0.5 h checks at utilisation 0.98; the top third of
    # the doc-check range (0.53-0.6 h) overloads them, which is found before any run starts
    overloaded = r"^robustness.points.p\d+: customs.doc_officers: .*utilisation"
    with pytest.raises(ConfigError, match=overloaded):
        tiny_study(["customs.doc_officers=35"], parameters=["customs.doc_check"], section_share=1.0,
                   points=3)


def test_the_robustness_script_gives_one_line_and_exit_2_on_bad_options(capsys):
    import experiments.robustness as script

    with pytest.raises(SystemExit) as exit_:
        script.main(["--points", "1"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("clearway: config error: robustness.points:") and "\n" not in err
    with pytest.raises(SystemExit) as exit_:
        script.main(["--experiment", "robustnes"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("clearway: config error: experiment: unknown experiment 'robustnes'")
    assert "robustness_discovery" in err and "\n" not in err


# ------------------------------------------------------------------ PRIM and the EMA Workbench


def test_prim_finds_a_planted_region():
    pytest.importorskip("ema_workbench")
    from sim.analysis.scenario_discovery import find_box

    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((400, 4)), columns=["x1", "x2", "x3", "x4"])
    y = ((x["x1"] > 0.7) & (x["x2"] < 0.3)).to_numpy() | (rng.random(400) < 0.03)
    box = find_box(x, y, threshold=0.8)
    assert box is not None and box["density"] >= 0.8
    (x1_low, x1_high), (x2_low, x2_high) = box["limits"]["x1"], box["limits"]["x2"]
    assert abs(x1_low - 0.7) < 0.1 and x1_high > 0.9
    assert abs(x2_high - 0.3) < 0.1 and x2_low < 0.1


def test_prim_reports_no_box_in_pure_noise_over_many_assumptions():
    """60 points over 40 assumptions, failures at random: peeling alone finds a box restricting
    about ten of them at the threshold density; none of its limits beats chance."""
    pytest.importorskip("ema_workbench")
    from sim.analysis.scenario_discovery import find_box

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((60, 40)), columns=[f"x{i}" for i in range(40)])
    assert find_box(x, rng.random(60) < 0.3, threshold=0.6) is None


def test_prim_boxes_figure_and_lines_name_parameters_and_reforms_in_plain_words(tmp_path):
    """prim_boxes.csv keeps the path and adds the name; the figure and the brief's lines show
    the name and the reform's title, never a dotted path or an underscored scenario name."""
    pytest.importorskip("ema_workbench")
    import re

    from sim.analysis.robustness_figures import prim_figure
    from sim.analysis.scenario_discovery import box_lines, discover
    from sim.schema.uncertainty import ParameterRange, Ranges

    ranges = Ranges(parameters=[
        ParameterRange("terminal.gate_lanes", "gate lanes", 15, 18, "assumption", "a reason here"),
        ParameterRange("vessels.berths", "berths", 4, 5, "assumption", "a reason here")])
    rng = np.random.default_rng(3)
    lanes, berths = rng.uniform(15, 18, 60), rng.uniform(4, 5, 60)
    effect = np.where(lanes > 17, 1.0, -5.0)  # e-documents fails to cut time with many lanes
    points = [f"p{i:03d}" for i in range(60)]
    samples = pd.concat([pd.DataFrame({
        "point": points, "scenario": scenario, "seed": 1, "terminal.gate_lanes": lanes,
        "vessels.berths": berths, "import_port_time_h": 100 + (scenario != "baseline") * effect})
        for scenario in ("baseline", "e_documents")], ignore_index=True)
    boxes = discover(samples, ranges, "baseline", ["import_port_time_h"])
    assert list(boxes[["parameter", "name"]].itertuples(index=False, name=None)) == [
        ("terminal.gate_lanes", "gate lanes")]
    [line] = box_lines(boxes)
    assert line.startswith("Electronic documents does not cut time where gate lanes 1")
    svg = prim_figure(boxes, tmp_path / "prim.svg").read_text(encoding="utf-8")
    texts = re.findall(r"<!-- (.*?) -->", svg)
    assert any(t.startswith("gate lanes  [1") for t in texts)
    assert any(t.startswith("Electronic documents does not cut time") for t in texts)
    assert not [t for t in texts if "_" in t or "terminal." in t]


def test_samples_convert_to_ema_experiments_and_outcomes():
    from sim.experiment.ema import to_ema

    samples = _samples([-1.0, -1.0], [-2.0, 0.5])
    samples["a"] = samples["point"].map({NOMINAL: 0.5, "p0": 0.1, "p1": 0.9})
    experiments, outcomes = to_ema(samples, ["a"], "baseline", ["kpi"])
    assert list(experiments.columns) == ["a", "scenario", "policy", "model"]
    assert len(experiments) == 4  # 2 points x 2 scenarios; the nominal point is not a draw
    reform = experiments["policy"].to_numpy() == "reform"
    assert list(outcomes["kpi_effect"][reform]) == [-2.0, 0.5]
    assert list(outcomes["kpi_effect"][~reform]) == [0.0, 0.0]


def test_clearway_runs_as_an_ema_model():
    ema = pytest.importorskip("ema_workbench")
    from sim.experiment.ema import clearway_model

    model = clearway_model({"baseline": [], "e_documents": ["policy=e_documents"]},
                           parameters=["policies.e_documents"], overrides=TINY_RUN,
                           section_share=0.1, kpis=KPIS, seeds=[1])
    assert [u.name for u in model.uncertainties] == ["policies__e_documents__doc_check_factor"]
    experiments, outcomes = ema.perform_experiments(
        model, scenarios=1, policies=[ema.Policy("e_documents", reform="e_documents")])
    assert len(experiments) == 1 and experiments["reform"].iloc[0] == "e_documents"
    assert set(outcomes) == set(KPIS)
    assert all(np.isfinite(outcomes[k]).all() for k in KPIS)


@pytest.mark.slow  # composes every point of the committed designs: about 25 s of CPU
@pytest.mark.parametrize("name", ["robustness", "robustness_discovery"])
def test_the_committed_robustness_designs_compose_at_every_point(name):
    study = RobustnessStudy.load(name)  # composes and validates every point
    assert len(study.ranges.parameters) > 50 and len(study.point_names) == study.settings.points
    assert study.runs == (study.settings.points * study.experiment.replications
                          + study.settings.nominal_replications) * len(study.experiment.scenarios)


@pytest.mark.slow  # composes every point of the committed reference's design: about 10 s of CPU
def test_the_committed_reference_re_analyses_from_its_folder_with_the_ranges_it_sampled():
    """``--analyse-only``: the reference sampled fewer ranges than the file has now; the study
    rebuilt from its design.csv samples exactly those, so its design is the reference's."""
    from pathlib import Path

    folder = Path(__file__).parents[1] / "results" / "robustness" / "reference"
    study = RobustnessStudy.finished(folder)
    design = pd.read_csv(folder / "design.csv")
    assert study.ranges.paths == list(design.columns[1:])
    assert pd.read_csv(folder / "prim_boxes.csv")["name"].notna().all()
