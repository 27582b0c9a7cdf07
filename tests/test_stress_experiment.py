"""The stress-test experiment, shrunk: its real pipeline (configs/experiment/stress_test.yaml,
run_stress_test, the stress-vs-reform table, report) on the tiny port with one seed, and the
findings it must show. The quick size runs five of its eight scenarios; the slow tier
(``-m slow``) runs all eight.
"""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from named_experiment_helpers import TINY_PORT, check_report_files
from sim.experiment import ExperimentSpec
from sim.plots.style import png_only
from sim.studies.stress import run_stress_test

STRESS_TIMING = [  # events inside the tiny port's measurement window (days 2-7)
    "customs.inspection_teams=2",  # inspection busy enough to feel an outage
    "stress.surge_start_day=3",
    "stress.surge_days=4",
    "stress.outage_start_day=3",
    "stress.outage_days=4",
    "stress.bunching_start_day=3",
    "stress.bunching_h=24",
]


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
    spec = ExperimentSpec.load("stress_test")
    spec = replace(spec, replications=1, overrides=[*TINY_PORT, *STRESS_TIMING],
                   scenarios={name: spec.scenarios[name] for name in scenarios})
    out = tmp_path_factory.mktemp("stress_test")
    with png_only():  # its tests read no SVG
        result, svr = run_stress_test(spec, out, workers=0, progress=False)
    assert result.ok
    return out, result.comparison, svr, (set(scenarios), package_stresses, stress_rows)


def test_stress_test_writes_report_and_stress_vs_reform_table(stress):
    out, comparison, _svr, (scenarios, package_stresses, stress_rows) = stress
    check_report_files(out)
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
