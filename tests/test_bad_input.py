"""Every bad input: one line naming the field and its fix, exit code 2, nothing run, nothing lost.

Issue 7, item 2. Cases go through ``python -m sim``'s own ``main`` in this process (so that 60
of them take seconds, not minutes): a case passes only if it exits with code 2 and one line
``clearway: config error: <field>: <problem>`` on stderr, before anything is simulated or any
folder created. ``tests/test_cli.py`` and the end of this file run the real command as a
subprocess (a single run and a multirun in the default tier, more on the slow one). Python API cases (``load_config``, ``run``) must raise :class:`ConfigError`.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import namedtuple
from dataclasses import replace
from pathlib import Path

import pytest

import sim.cli
import sim.loading
import sim.outputs
from sim import ConfigError, load_config, run
from sim.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
SMALL = ("scenario=verification", "run.horizon_days=4", "run.warmup_days=1", "run.cooldown_days=1")
Outcome = namedtuple("Outcome", "code out err")


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    """``cli(*args)`` -> Outcome of ``python -m sim *args`` run in this process; never simulates."""

    def refuse_to_simulate(*args, **kwargs):
        raise AssertionError("bad input silently accepted: the run was about to start")

    monkeypatch.setattr(sim.cli, "run", refuse_to_simulate)
    monkeypatch.setattr(sim.cli, "hydra_job", lambda: refuse_to_simulate())

    def _cli(*args: str) -> Outcome:
        with pytest.raises(SystemExit) as exit_info:
            main([*args])
        captured = capsys.readouterr()
        return Outcome(exit_info.value.code, captured.out, captured.err)

    return _cli


def assert_one_line_error(outcome: Outcome, field: str, hint: str) -> None:
    assert outcome.code == 2, outcome
    assert "Traceback" not in outcome.out + outcome.err
    lines = outcome.err.splitlines()
    assert len(lines) == 1, outcome.err
    assert lines[0].startswith(f"clearway: config error: {field}: "), lines[0]
    assert hint in lines[0], f"{hint!r} not in {lines[0]!r}"
    assert outcome.out == ""


# (overrides, field named, words of the fix that must appear)
SINGLE_RUN_CASES = [
    # seeds: numpy's SeedSequence takes ints >= 0, Parquet stores int64
    pytest.param(["seed=-1"], "seed", "must be in [0, 9223372036854775807]", id="seed-negative"),
    pytest.param(["seed=9223372036854775808"], "seed", "must be in [0, 9223372036854775807]", id="seed-above-int64"),
    pytest.param(["seed=1.5"], "seed", "must be of type integer", id="seed-float"),
    pytest.param(["seed=true"], "seed", "must be of type integer", id="seed-bool"),
    pytest.param(["seed=abc"], "seed", "must be of type integer", id="seed-text"),
    # NaN and infinity, a sample across sections (one walker checks every number)
    pytest.param(["customs.doc_check.mean_h=inf"], "customs.doc_check.mean_h", "must be a finite number",
                 id="inf-doc-check-mean"),
    pytest.param(["imports.boxes_per_day=nan"], "imports.boxes_per_day", "must be a finite number", id="nan-volume"),
    pytest.param(["customs.risk.targeting_power=-inf"], "customs.risk.targeting_power", "must be a finite number",
                 id="minus-inf-risk"),
    pytest.param(["bonded_zone.orders.per_day=inf"], "bonded_zone.orders.per_day", "must be a finite number",
                 id="inf-zone-orders"),
    pytest.param(["bunkering.demand_mean_t=nan"], "bunkering.demand_mean_t", "must be a finite number",
                 id="nan-bunker-demand"),
    pytest.param(["policies.risk_management.red_odds_factor=nan"], "policies.risk_management.red_odds_factor",
                 "must be a finite number",
                 id="nan-policy-parameter"),
    pytest.param(["stress.surge_factor=inf"], "stress.surge_factor", "must be a finite number", id="inf-stress"),
    pytest.param(["costs.cny_per_usd=nan"], "costs.cny_per_usd", "must be a finite number", id="nan-cost"),
    pytest.param(["terminal.gate_service.cv=nan"], "terminal.gate_service.cv", "must be a finite number",
                 id="nan-cv"),
    pytest.param(["run.max_memory_gb=inf"], "run.max_memory_gb", "must be a finite number", id="inf-memory-limit"),
    pytest.param(["vessels.moves_per_crane_h=-inf"], "vessels.moves_per_crane_h", "must be a finite number",
                 id="minus-inf-crane"),
    # memory: estimated before anything is allocated
    pytest.param(["run.horizon_days=1000000"], "run.horizon_days", "shorten run.horizon_days",
                 id="million-days"),
    pytest.param(["imports.boxes_per_day=100000000", "run.steady_state=false"], "imports.boxes_per_day",
                 "GB of memory", id="hundred-million-boxes-a-day"),
    pytest.param(["run.max_memory_gb=0.01"], "run.horizon_days", "raise run.max_memory_gb", id="tight-memory-limit"),
    # config names: the group named, the closest name suggested
    pytest.param(["policy=pre_arival"], "policy", "did you mean 'pre_arrival'?", id="policy-typo"),
    pytest.param(["policy=[pre_arrival,e_documnets]"], "policy", "did you mean 'e_documents'?",
                 id="policy-typo-in-list"),
    pytest.param(["package=ful"], "package", "did you mean 'full'?", id="package-typo"),
    pytest.param(["scenario=shanghia"], "scenario", "did you mean 'shanghai'?", id="scenario-typo"),
    pytest.param(["bonded_zone=yangshen"], "bonded_zone", "did you mean 'yangshan'?", id="zone-config-typo"),
    pytest.param(["polcy=pre_arrival"], "polcy", "did you mean 'policy'?", id="group-key-typo"),
    pytest.param(["customs.inspecton_teams=3"], "customs.inspecton_teams", "did you mean 'inspection_teams'?",
                 id="field-typo"),
    # given twice, contradictory switches
    pytest.param(["policy=pre_arrival", "policy=e_documents"], "policy", "give it once", id="policy-twice"),
    pytest.param(["package=full", "package=none"], "package", "give it once", id="package-twice"),
    pytest.param(["seed=1", "seed=2"], "seed", "give it once", id="seed-twice"),
    pytest.param(["policy=[pre_arrival,pre_arrival]"], "policy", "list each reform once", id="policy-listed-twice"),
    pytest.param(["policy=direct_pickup", "policies.direct_pickup.enabled=false"],
                 "policies.direct_pickup.enabled", "drop one of the two", id="policy-on-and-off"),
    pytest.param(["package=full", "policies.e_documents.enabled=false"], "policies.e_documents.enabled",
                 "drop one of the two", id="package-on-policy-off"),
    # overrides that do not parse, sections set as values
    pytest.param(["seed=["], "seed", "write key=value", id="unparsable-override"),
    pytest.param(["customs.doc_check=5"], "customs.doc_check", "set one of its fields", id="value-for-section"),
    # bounds and cross-field rules of the new sections
    pytest.param(["run.max_memory_gb=-1"], "run.max_memory_gb", "must be >= 0", id="negative-memory-limit"),
    pytest.param(["policies.direct_pickup.transfer.dist=gamma"], "policies.direct_pickup.transfer.dist",
                 "must be lognormal", id="pickup-transfer-not-lognormal"),
    pytest.param(["behaviour.brokers.office.close_h=8"], "behaviour.brokers.office.close_h", "must be after",
                 id="broker-office-hours-order"),
    pytest.param(["behaviour.shippers.cutoff_before_eta_h=200"], "behaviour.shippers.cutoff_before_eta_h",
                 "must be below", id="cutoff-before-gate-opens"),
    pytest.param(["behaviour.lanes.short_sea.share=0.5"], "behaviour.lanes.deep_sea.share", "must sum to 1",
                 id="lane-shares"),
    pytest.param(["behaviour.brokers.summary_items=60"], "behaviour.brokers.summary_items", "must be <=",
                 id="summary-longer-than-full"),
    pytest.param(["bonded_zone.staff.shift_end_h=6"], "bonded_zone.staff.shift_end_h", "must be after",
                 id="zone-shift-order"),
]


@pytest.mark.parametrize(("overrides", "field", "hint"), SINGLE_RUN_CASES)
def test_single_run_bad_input_is_one_line_exit_2(cli, tmp_path, overrides, field, hint):
    folder = tmp_path / "run"
    assert_one_line_error(cli(*overrides, f"hydra.run.dir={folder}"), field, hint)
    assert not folder.exists(), "a refused run left a folder behind"


MULTIRUN_CASES = [
    pytest.param(["seed=1,-2"], "seed", "must be in [0", id="one-bad-seed-in-sweep"),
    pytest.param(["policy=pre_arrival,pre_arival"], "policy", "did you mean 'pre_arrival'?", id="policy-typo-in-sweep"),
    pytest.param(["customs.doc_officers=10,0"], "customs.doc_officers", "must be >= 1", id="bad-value-in-sweep"),
    pytest.param(["seed=1,2", "customs.doc_check.mean_h=inf"], "customs.doc_check.mean_h", "finite",
                 id="inf-beside-sweep"),
    pytest.param(["seed=1,2", "hydra.sweep.dir="], "hydra.sweep.dir", "is empty", id="empty-sweep-folder"),
]


@pytest.mark.parametrize(("overrides", "field", "hint"), MULTIRUN_CASES)
def test_multirun_checks_every_combination_before_launching(cli, tmp_path, overrides, field, hint):
    folder = tmp_path / "sweep"
    args = [*overrides] if any(o.startswith("hydra.sweep.dir") for o in overrides) else \
        [*overrides, f"hydra.sweep.dir={folder}"]
    assert_one_line_error(cli("-m", *SMALL, *args), field, hint)
    assert not folder.exists()


# ---------------------------------------------------------------- output folder, before simulating

def test_empty_run_folder(cli):
    assert_one_line_error(cli(*SMALL, "hydra.run.dir="), "hydra.run.dir", "is empty; give the run's folder")


def test_run_folder_that_is_a_file(cli, tmp_path):
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert_one_line_error(cli(*SMALL, f"hydra.run.dir={existing}"), "hydra.run.dir", "is an existing file")
    assert existing.read_text() == "keep me"


def test_run_folder_below_a_file(cli, tmp_path):
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert_one_line_error(cli(*SMALL, f"hydra.run.dir={existing}/run"), "hydra.run.dir", "cannot be created")


def test_run_folder_that_cannot_be_written(cli):
    # /proc refuses new files even to root, where a chmod'ed folder would not
    assert_one_line_error(cli(*SMALL, "hydra.run.dir=/proc/clearway/run"), "hydra.run.dir", "cannot write in '/proc'")


def test_run_folder_holding_an_earlier_run(cli, tmp_path):
    earlier = tmp_path / "run"
    earlier.mkdir()
    (earlier / "summary.json").write_text("{}")
    assert_one_line_error(cli(*SMALL, f"hydra.run.dir={earlier}"), "hydra.run.dir", "already holds a run")
    assert (earlier / "summary.json").read_text() == "{}"


def test_full_disk(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sim.outputs.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 1000))
    assert_one_line_error(cli(*SMALL, f"hydra.run.dir={tmp_path / 'run'}"), "hydra.run.dir", "MB free")


# ---------------------------------------------------------------- YAML files of the config search path

def broken_configs(tmp_path, monkeypatch, name: str, change) -> None:
    """A copy of configs/ with ``change(path)`` applied to ``configs/<name>``, used by the loader."""
    copy = tmp_path / "configs"
    shutil.copytree(REPO_ROOT / "configs", copy)
    change(copy / name)
    monkeypatch.setattr(sim.loading, "CONFIG_DIR", copy)
    monkeypatch.setattr(sim.cli, "CONFIG_DIR", copy)


def _append(text: str):
    return lambda path: path.write_text(path.read_text() + text)


def _replace(old: str, new: str):
    return lambda path: path.write_text(path.read_text().replace(old, new, 1))


SHANGHAI = (REPO_ROOT / "configs" / "scenario" / "shanghai.yaml").read_text().splitlines()
SMOKE_LINES = len((REPO_ROOT / "configs" / "experiment" / "smoke.yaml").read_text().splitlines())
FULL_LINES = len((REPO_ROOT / "configs" / "package" / "full.yaml").read_text().splitlines())
YAML_CASES = [
    pytest.param("scenario/shanghai.yaml", _append("seed: 3\n"), f"configs/scenario/shanghai.yaml:{len(SHANGHAI) + 1}",
                 f"duplicate key 'seed' (first at line {SHANGHAI.index('seed: 0') + 1})", id="duplicate-top-level-key"),
    pytest.param("bonded_zone/yangshan.yaml", _replace("  line_cv:", "  line_cv: 0.5\n  line_cv:"),
                 "configs/bonded_zone/yangshan.yaml:17", "duplicate key 'line_cv' (first at line 16)",
                 id="duplicate-nested-key"),
    pytest.param("policy/two_step.yaml", _append("\tenabled: true\n"), "configs/policy/two_step.yaml:6",
                 "indents with spaces only", id="tab-indent"),
    pytest.param("config.yaml", lambda p: p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes()), "configs/config.yaml:1",
                 "without BOM", id="byte-order-mark"),
    pytest.param("package/full.yaml", _append("oops: [1, 2\n"), f"configs/package/full.yaml:{FULL_LINES + 2}",
                 f"while parsing a flow sequence at line {FULL_LINES + 1}", id="unclosed-bracket"),
    pytest.param("experiment/smoke.yaml", _append("name: a: b\n"), f"configs/experiment/smoke.yaml:{SMOKE_LINES + 1}",
                 "YAML syntax error", id="colon-in-value"),
]


@pytest.mark.parametrize(("name", "change", "field", "hint"), YAML_CASES)
def test_bad_yaml_file_is_named_with_its_line(cli, tmp_path, monkeypatch, name, change, field, hint):
    broken_configs(tmp_path, monkeypatch, name, change)
    assert_one_line_error(cli(*SMALL, f"hydra.run.dir={tmp_path / 'run'}"), field, hint)


# ---------------------------------------------------------------- the Python API: typed exceptions

@pytest.fixture(scope="module")
def small_cfg():
    return load_config("verification", list(SMALL[1:]))


@pytest.mark.parametrize(("seed", "hint"), [(-1, "must be in [0"), (2**63, "must be in [0"),
                                            (1.5, "must be of type int"), (True, "must be of type int")],
                         ids=["negative", "above-int64", "float", "bool"])
def test_run_refuses_a_seed_numpy_or_parquet_cannot_take(small_cfg, seed, hint):
    with pytest.raises(ConfigError) as info:
        run(small_cfg, seed=seed)
    assert info.value.field_path == "seed" and hint in str(info.value)


@pytest.mark.parametrize(("folder", "hint"), [("", "is empty"), ("/proc/clearway/run", "cannot write")],
                         ids=["empty", "unwritable"])
def test_run_refuses_an_output_folder_before_simulating(small_cfg, folder, hint):
    with pytest.raises(ConfigError) as info:
        run(small_cfg, seed=1, output=folder)
    assert info.value.field_path == "output" and hint in str(info.value)


def test_run_refuses_a_full_disk_before_simulating(small_cfg, tmp_path, monkeypatch):
    monkeypatch.setattr(sim.outputs.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 1000))
    with pytest.raises(ConfigError) as info:
        run(small_cfg, seed=1, output=tmp_path / "run")
    assert info.value.field_path == "output" and "MB free" in str(info.value)
    assert not (tmp_path / "run").exists()


def test_run_refuses_a_hand_built_million_day_run_before_allocating(small_cfg):
    huge = replace(small_cfg, run=replace(small_cfg.run, horizon_days=1_000_000))
    with pytest.raises(ConfigError) as info:
        run(huge, seed=1)
    assert info.value.field_path == "run.horizon_days" and "GB of memory" in str(info.value)


def test_run_refuses_a_hand_built_nan(small_cfg):
    c = small_cfg.customs
    bad = replace(small_cfg, customs=replace(c, doc_check=replace(c.doc_check, mean_h=float("nan"))))
    with pytest.raises(ConfigError) as info:
        run(bad, seed=1)
    assert info.value.field_path == "customs.doc_check.mean_h"


@pytest.mark.parametrize(("scenario", "overrides", "field", "hint"), [
    ("verification", ["scenario=shanghai"], "scenario", "given twice"),
    ("verification", ["policy=pre_arival"], "policy", "did you mean 'pre_arrival'?"),
    ("shanghia", [], "scenario", "did you mean 'shanghai'?"),
    ("verification", ["policy=two_step", "policies.two_step.enabled=false"], "policies.two_step.enabled",
     "drop one of the two"),
], ids=["scenario-argument-and-override", "policy-typo", "scenario-argument-typo", "contradiction"])
def test_load_config_raises_config_error(scenario, overrides, field, hint):
    with pytest.raises(ConfigError) as info:
        load_config(scenario, overrides)
    assert info.value.field_path == field and hint in str(info.value)


def test_layered_overrides_may_set_a_value_again_in_python():
    """Experiments layer scenario overrides on shared ones: a value set twice takes the last."""
    cfg = load_config("verification", ["customs.doc_officers=8", "customs.doc_officers=9"])
    assert cfg.customs.doc_officers == 9


# ---------------------------------------------------------------- the real command

def run_sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)


# one real multirun in the default tier (the single run's: tests/test_cli.py); the others, whose
# cases the in-process checks above cover, on the slow tier: each command costs seconds of start-up
@pytest.mark.parametrize(("args", "field"), [
    pytest.param(["-m", "scenario=verification", "seed=1,-1"], "seed", id="multirun-bad-seed"),
    pytest.param(["run.horizon_days=1000000"], "run.horizon_days", id="million-days", marks=pytest.mark.slow),
    pytest.param(["hydra.run.dir="], "hydra.run.dir", id="empty-folder", marks=pytest.mark.slow),
])
def test_command_exits_2_with_one_line(args, field):
    proc = run_sim(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"clearway: config error: {field}: ") and proc.stderr.count("\n") == 1


def test_help_is_clearways_own_page(capsys):
    main(["--help"])
    page = capsys.readouterr().out
    for words in ("clearway: simulate customs clearance", "policy=NAME", "pre_arrival", "package=NAME",
                  "exit codes: 0 done; 2 bad input", "python -m sim -m"):
        assert words in page, words
    assert "Powered by Hydra" not in page and "cli is powered" not in page
