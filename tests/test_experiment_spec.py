"""Experiment specs: a structured config whose every error is one line naming the field, and one
command line for every experiment script (exit 2 for a bad input, nothing simulated).
"""
from __future__ import annotations

import importlib
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sim import ConfigError
from sim.experiment import ExperimentSpec
from sim.experiment.cli import experiment_parser, guarded, run_args, spec_from_args
from sim.experiment.runner import resolve_configs

ROOT = Path(__file__).resolve().parent.parent
SMOKE = ExperimentSpec.load("smoke")
SCRIPTS = ["policy_comparison", "stress_test", "calibration", "sensitivity", "run_scenario"]


# (change to the smoke spec, field named, words in the message)
DICT_CASES = [
    pytest.param({"scenarios": {"pre_arrival": ["policy=pre_arrival"]}}, "scenarios",
                 ["baseline"], id="no-baseline-scenario"),
    pytest.param({"replications": 0}, "replications", ["[1, 10000]", "got 0"], id="replications-0"),
    pytest.param({"replications": 2.5}, "replications", ["2.5"], id="replications-fraction"),
    pytest.param({"replications": "ten"}, "replications", ["ten"], id="replications-text"),
    pytest.param({"first_seed": -1}, "first_seed", ["[0, 4294967295]", "got -1"], id="negative-seed"),
    pytest.param({"first_seed": 2**32}, "first_seed", ["4294967295]", "got 4294967296"], id="seed-beyond-uint32"),
    pytest.param({"base": "shangai"}, "base", ["did you mean 'shanghai'"], id="base-typo"),
    pytest.param({"scenarios": {"baseline": "policy=pre_arrival"}}, "scenarios.baseline",
                 ["List"], id="scenario-overrides-not-a-list"),
    pytest.param({"scenarios": {"baseline": [], "bad/name": []}}, "scenarios", ["bad/name"],
                 id="scenario-name-with-slash"),
    pytest.param({"overrides": ["seed=4"]}, "overrides", ["seed", "first_seed"],
                 id="override-of-seed"),
    pytest.param({"overrides": ["scenario=shanghai"]}, "overrides", ["base"],
                 id="override-of-scenario"),
    pytest.param({"overrides": ["customs.doc_officers"]}, "overrides", ["key=value"],
                 id="override-without-value"),
    pytest.param({"target_half_width": {"import_port_time_h": 0.5}}, "max_replications",
                 ["must be set"], id="target-without-max"),
    pytest.param({"target_half_width": {"import_port_tme_h": 0.5}, "max_replications": 20},
                 "target_half_width.import_port_tme_h", ["did you mean 'import_port_time_h'"],
                 id="unknown-kpi-with-suggestion"),
    pytest.param({"target_half_width": {"import_port_time_h": -1}, "max_replications": 20},
                 "target_half_width.import_port_time_h", ["> 0"], id="negative-target"),
    pytest.param({"target_half_width": {"import_port_time_h": float("nan")},
                  "max_replications": 20}, "target_half_width.import_port_time_h", ["> 0"],
                 id="nan-target"),
    pytest.param({"target_half_width": {"import_port_time_h": 1}, "max_replications": 2},
                 "max_replications", [">= replications"], id="max-below-replications"),
    pytest.param({"max_replications": 20}, "max_replications", ["target_half_width"],
                 id="max-without-target"),
    pytest.param({"workers": -1}, "workers", [">= 0"], id="negative-workers"),
    pytest.param({"keep_logs": "maybe"}, "keep_logs", ["maybe"], id="keep-logs-not-bool"),
    pytest.param({"colour": "blue"}, "colour", ["unknown key", "replications"],
                 id="unknown-key"),
    pytest.param({"quick": {"scale": 0}}, "quick.scale", ["(0, 1]"], id="quick-scale-0"),
    pytest.param({"quick": {"horizon_days": 3, "warmup_days": 2, "cooldown_days": 1}},
                 "quick.horizon_days", ["longer"], id="quick-horizon-too-short"),
    pytest.param({"quick": {"replication": 2}}, "quick.replication", ["unknown key"],
                 id="unknown-key-in-quick"),
    pytest.param({"name": ""}, "name", ["letters"], id="empty-name"),
]


@pytest.mark.parametrize("change, field, words", DICT_CASES)
def test_bad_spec_raises_one_config_error_naming_the_field(change, field, words):
    with pytest.raises(ConfigError) as err:
        ExperimentSpec.from_dict(SMOKE.to_dict() | change)
    assert err.value.field_path == field
    assert "\n" not in str(err.value)
    for word in words:
        assert word in str(err.value), str(err.value)


YAML_CASES = [
    pytest.param("name: x\nscenarios: {baseline: []\n", ["YAML syntax error", "at line 2"],
                 id="unclosed-brace"),
    pytest.param("name: x\nscenarios:\n\tbaseline: []\n", ["YAML syntax error", ":3"],
                 id="tab-indent"),
    pytest.param("name: x\nname: y\nscenarios: {baseline: []}\n", ["name"],
                 id="duplicate-key"),
    pytest.param("- name: x\n", ["must be a mapping"], id="a-list-not-a-mapping"),
    pytest.param("scenarios: {baseline: []}\n", ["name", "has no value"], id="missing-name"),
]


@pytest.mark.parametrize("text, words", YAML_CASES)
def test_bad_yaml_file_names_the_file_and_problem_in_one_line(tmp_path, text, words):
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        ExperimentSpec.from_yaml(path)
    assert "\n" not in str(err.value)
    for word in words:
        assert word in str(err.value), str(err.value)


def test_unknown_experiment_name_suggests_the_closest():
    with pytest.raises(ConfigError, match="unknown experiment 'policy_comparisn'; did you mean "
                                          "'policy_comparison'"):
        ExperimentSpec.load("policy_comparisn")


def test_unknown_policy_in_a_scenario_is_an_error_naming_the_scenario():
    spec = replace(SMOKE, base="shanghai", scenarios={"baseline": [], "typo": ["policy=pre_arival"]})
    with pytest.raises(ConfigError) as err:
        resolve_configs(spec)
    assert err.value.field_path == "scenarios.typo" and "pre_arival" in str(err.value)


def test_quick_variant_is_smaller_and_says_so():
    spec = ExperimentSpec.load("policy_comparison")
    quick = spec.as_quick()
    assert quick.is_quick and not spec.is_quick and quick.replications == spec.quick.replications
    configs = resolve_configs(replace(quick, scenarios={"baseline": []}))
    cfg = configs["baseline"]
    assert cfg.run.horizon_days == spec.quick.horizon_days
    assert cfg.imports.boxes_per_day == pytest.approx(600, rel=0.01)
    assert quick.as_quick() is quick and quick.to_dict()["is_quick"] is True


def test_quick_variant_scales_a_scenario_capacity_with_the_section():
    spec = ExperimentSpec.load("capacity_vs_paperwork")
    quick = spec.as_quick()
    assert spec.scenarios["fewer_teams"] == ["customs.inspection_teams=40"]
    assert quick.scenarios["fewer_teams"] == ["customs.inspection_teams=8"]  # 40 x 0.2
    assert quick.scenarios["e_documents"] == ["policy=e_documents"]


# --------------------------------------------------------------------------- the command line


def _cli(argv: list[str], name: str = "smoke"):
    args = experiment_parser("test").parse_args(argv)
    return spec_from_args(args, name)


@pytest.mark.parametrize("argv, field, words", [
    (["--replications", "0"], "replications", ["[1, 10000], got 0"]),
    (["--replications", "x"], "command line", ["--replications", "invalid int"]),
    (["--workers", "-2"], "--workers", [">= 0"]),
    (["--executor", "dask"], "command line", ["dask", "local", "ray"]),
    (["--colour"], "command line", ["unrecognized", "--colour"]),
])
def test_bad_command_line_is_a_config_error(argv, field, words):
    with pytest.raises(ConfigError) as err:
        _cli(argv)
    assert err.value.field_path == field
    for word in words:
        assert word in str(err.value), str(err.value)


@pytest.mark.parametrize("argv, field", [
    (["--partition", "compute"], "--partition"),
    (["--executor", "slurm", "--ray-address", "auto"], "--ray-address"),
])
def test_an_option_for_another_executor_is_refused(argv, field):
    with pytest.raises(ConfigError) as err:
        run_args(experiment_parser("test").parse_args(argv))
    assert err.value.field_path == field


def test_replications_option_replaces_the_spec_value():
    assert _cli(["--replications", "2"]).replications == 2
    quick = _cli(["--quick", "--replications", "5"])
    assert quick.is_quick and quick.replications == 5


def test_guarded_entry_point_prints_one_line_and_exits_2(capsys):
    def main() -> int:
        _cli(["--replications", "0"])
        return 0

    with pytest.raises(SystemExit) as exit_:
        guarded(main)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err == "clearway: config error: replications: must be in [1, 10000], got 0\n"


def test_run_scenario_with_a_bad_spec_exits_2_with_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "exp"
    proc = subprocess.run([sys.executable, "experiments/run_scenario.py", "smok", "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "clearway: config error: experiment: unknown experiment 'smok'; did you mean 'smoke'? "
        f"available: {', '.join(sorted(p.stem for p in (ROOT / 'configs/experiment').glob('*.yaml')))}"]
    assert not out.exists()


HELP_OPTIONS = ("--out", "--workers", "--replications", "--quick", "--executor", "--reuse-stale",
                "exit codes")


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_the_same_options_in_its_help(script, capsys):
    with pytest.raises(SystemExit) as exit_:
        importlib.import_module(f"experiments.{script}").main(["--help"])
    assert exit_.value.code == 0
    page = capsys.readouterr().out
    for option in HELP_OPTIONS:
        assert option in page, (script, option)


# each command pays its imports (about 4 s): the main job's in the default tier, the others slow
@pytest.mark.parametrize("script", [
    script if script == "policy_comparison" else pytest.param(script, marks=pytest.mark.slow)
    for script in [s for s in SCRIPTS if s != "run_scenario"] + ["robustness"]])
def test_every_script_as_a_command_exits_2_with_one_line_on_a_bad_option(script, tmp_path):
    """The real command (run_scenario's is above): a bad option stops it before anything runs."""
    out = tmp_path / "exp"
    proc = subprocess.run([sys.executable, f"experiments/{script}.py", "--replications", "0",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("clearway: config error: ") and "replications" in lines[0]
    assert "replications: must be in [1, 10000], got 0" in lines[0], lines[0]  # the same words in every script
    assert proc.stdout == "" and not out.exists()
