"""The calibration check's experiment, shrunk, and the README's sweep example.

The calibration check runs its real pipeline (configs/experiment/calibration.yaml,
sim.studies.calibration, its table and figure, report) on the tiny port with one seed and checks the
files it promises. The sensitivity and stress-test experiments have their own modules
(test_sensitivity_experiment.py, test_stress_experiment.py).
"""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from named_experiment_helpers import TINY_PORT, check_report_files, entry_point
from sim.experiment import ExperimentSpec
from sim.reference import TARGETS
from sim.studies.calibration import run_calibration


# ------------------------------------------------------------------ calibration


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    spec = replace(ExperimentSpec.load("calibration"), replications=1, overrides=TINY_PORT)
    out = tmp_path_factory.mktemp("calibration")
    cal, figure, _md, _html = run_calibration(spec, out, workers=0, progress=False)
    return out, cal, figure


def test_calibration_writes_table_figure_and_report(calibration):
    out, _cal, figure = calibration
    check_report_files(out)
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
    code = entry_point("run_scenario").main(["capacity_vs_paperwork", "--quick", "--out",
                                              str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "quick variant" in printed and "e_documents: import port time \u2212" in printed
    assert json.loads((tmp_path / "experiment.json").read_text())["is_quick"] is True
    check_report_files(tmp_path)
    comparison = pd.read_csv(tmp_path / "comparison.csv").set_index(["scenario", "kpi"])
    edocs = comparison.loc[("e_documents", "import_port_time_h")]
    assert edocs["diff_ci_high"] < 0  # hours: a cut, its size set by how many were waiting for paper
    teams = comparison.loc[("fewer_teams", "import_port_time_h")]
    assert abs(teams["diff_mean"]) < 1
