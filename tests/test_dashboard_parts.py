"""The dashboard's parts without a browser: what it reads from a folder, the what-if pair, the
reform pages' content, the command line, and that only ``sim/app`` imports Solara
(``tests/test_import_layers.py`` checks ``import sim`` leaves it unloaded)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import ConfigError
from sim.app import reform_info
from sim.app.folder import ExperimentFolder, FolderError
from sim.app.server import main as dashboard_main
from sim.app.tables import robustness_table
from sim.app.whatif import Levers, progress_text, run_pair

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "results" / "policy_comparison" / "reference"


def test_only_the_app_package_imports_solara():
    imports_solara = re.compile(r"^\s*(import|from) solara\b", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "sim").rglob("*.py")
                 if imports_solara.search(p.read_text()) and p.parent.name != "app"]
    assert offenders == []
    assert imports_solara.search((ROOT / "sim" / "app" / "dashboard.py").read_text())


def test_reference_folder_names_baseline_scenarios_and_what_is_missing():
    folder = ExperimentFolder(REFERENCE)
    assert folder.baseline == "baseline"
    assert folder.scenarios[0] == "pre_arrival" and "full" in folder.scenarios
    assert "baseline" not in folder.scenarios
    notes = " ".join(folder.missing())
    assert "daily.csv" in notes and "robustness.csv" in notes  # the reference keeps neither
    diffs = folder.differences("e_documents")
    port = diffs.set_index("kpi").loc["import_port_time_h"]
    assert port["diff_ci_low"] < port["diff_mean"] < port["diff_ci_high"] < 0


def test_a_folder_without_a_comparison_table_is_refused(tmp_path):
    with pytest.raises(FolderError, match="comparison.csv"):
        ExperimentFolder(tmp_path)


def _folder_with_robustness(tmp_path, rows: pd.DataFrame) -> ExperimentFolder:
    for name in ("comparison.csv", "summary.csv", "experiment.json"):
        shutil.copy(REFERENCE / name, tmp_path / name)
    rows.to_csv(tmp_path / "robustness.csv", index=False)
    return ExperimentFolder(tmp_path)


def test_robustness_bands_of_a_reform_are_shown_side_by_side(tmp_path):
    rows = pd.DataFrame([
        {"scenario": "direct_pickup", "kpi": "import_port_time_h", "nominal": -54.4,
         "noise_low": -63.6, "noise_high": -45.1, "assumption_low": -80.0,
         "assumption_high": 3.0, "sign_flips": 0.12},
        {"scenario": "pre_arrival", "kpi": "import_port_time_h", "nominal": -31.6,
         "noise_low": -36.9, "noise_high": -26.2, "assumption_low": -40.0,
         "assumption_high": -20.0, "sign_flips": 0.0},
    ])
    folder = _folder_with_robustness(tmp_path, rows)
    mine = reform_info.robustness(folder.robustness, "direct_pickup")
    assert list(mine["scenario"]) == ["direct_pickup"]
    text = robustness_table(mine, {"import_port_time_h": "h"}, {"import_port_time_h": "port time"})
    assert "| port time | \u221263.6 h to \u221245.1 h | \u221280.0 h to +3.0 h | 12 % |" in text
    assert "robustness.csv" not in " ".join(folder.missing())


def test_robustness_file_without_its_columns_is_refused(tmp_path):
    folder = _folder_with_robustness(tmp_path, pd.DataFrame({"scenario": ["x"], "kpi": ["y"]}))
    with pytest.raises(FolderError, match="noise_low"):
        folder.robustness


def test_reform_page_reads_the_policy_docstring_and_its_config_section():
    text = reform_info.mechanism("direct_pickup")
    assert text.startswith("Ship-side direct pickup") and ":mod:" not in text
    assert "\n\n- ``transfer``" in text  # a blank line before the list: it renders
    params = reform_info.assumptions("direct_pickup").set_index("parameter")["value"]
    assert params["policies.direct_pickup.transfer.mean_h"] == 0.12
    assert "policies.direct_pickup.enabled" not in params.index
    # ranged values carry their plain-word name and the range the robustness experiment samples
    ranged = reform_info.assumptions("punctuality_forecast").set_index("parameter")
    row = ranged.loc["policies.punctuality_forecast.error_factor"]
    assert row["name"] and "." not in row["name"] and row["range"] == "0.25 to 0.75 (assumption)"
    assert set(reform_info.REFORMS) >= {"pre_arrival", "two_step", "bonded_blending"}


def test_whatif_without_changed_levers_equals_its_baseline_day_by_day():
    seen = []
    result = run_pair(Levers(section_pct=5, horizon_days=6, seed=3), seen.append)
    assert result.table()["difference"].fillna(0).abs().max() == 0  # same seed, same config
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 2 * 6


def test_progress_names_the_run_and_its_day():
    assert progress_text(0.25, 6) == "baseline: day 3 of 6"
    assert progress_text(0.75, 6) == "what-if: day 3 of 6"


def test_whatif_reform_changes_the_result_against_the_same_baseline(tmp_path):
    levers = Levers(section_pct=5, horizon_days=6, seed=3, policies=("e_documents",))
    result = run_pair(levers)
    table = result.table().set_index("kpi")
    assert table.loc["import_clearance_time_h", "difference"] < 0  # paper hand-over removed
    assert result.figure("adoption", tmp_path) is None  # e-documents: nobody decides to join


def test_whatif_with_too_few_inspection_teams_fails_before_simulating():
    calls = []
    with pytest.raises(ConfigError, match="inspection"):
        run_pair(Levers(section_pct=50, horizon_days=6, inspection_teams=1), calls.append)
    assert calls == []


def test_cli_refuses_a_folder_that_is_not_an_experiment(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim", "dashboard", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"clearway: config error: EXPERIMENT_FOLDER: {tmp_path}: no comparison.csv here; point "
        "the dashboard at a finished experiment folder, e.g. results/policy_comparison/reference"]


def test_cli_refuses_a_port_out_of_range(capsys):
    assert dashboard_main(["--port", "70000"]) == 2
    assert capsys.readouterr().err == "clearway: config error: --port: must be 1-65535, got 70000\n"


def test_cli_help_names_the_folder_and_the_port(capsys):
    with pytest.raises(SystemExit) as stop:
        dashboard_main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "EXPERIMENT_FOLDER" in out and "--port" in out


def test_adoption_is_drawn_from_the_daily_series_when_the_folder_kept_them(tmp_path):
    from sim import load_config, run

    for name in ("comparison.csv", "summary.csv", "experiment.json"):
        shutil.copy(REFERENCE / name, tmp_path / name)
    for scenario, policies in (("baseline", ()), ("direct_pickup", ("direct_pickup",))):
        levers = Levers(section_pct=5, horizon_days=20, policies=policies)  # past the warm-up
        daily = run(load_config("shanghai", levers.whatif_overrides()), seed=1).daily
        (tmp_path / "runs" / scenario / "1").mkdir(parents=True)
        daily.to_csv(tmp_path / "runs" / scenario / "1" / "daily.csv", index=False)
    folder = ExperimentFolder(tmp_path)
    assert "daily series" not in " ".join(folder.missing())
    png = folder.figure("adoption", ("direct_pickup",))
    assert png is not None and png.startswith(b"\x89PNG")


def test_reforms_overview_names_each_reforms_largest_clear_change():
    table = reform_info.overview_table(ExperimentFolder(REFERENCE))
    assert "| Pre-arrival processing | TFA Art. 7.1 Pre-arrival Processing |" in table
    # the reference's largest headline change whose CI excludes zero: its export port-time cut
    # (-18.4 h, CI -38.4 to +1.6 over 3 replications) is not one, as the README says
    assert ("| Direct loading |" in table
            and "import cost per container, all components: \u221248 CNY (\u22121 %)" in table)
    assert table.count("\n") == 1 + len(reform_info.REFORMS)
