"""``python -m sim``: bad configs stop at start-up with one line and exit 2; a good one writes its folder.

The runs and two of the bad configs go through the CLI as a subprocess from the repository root,
as a user would; every bad config also goes through the CLI's ``main`` in this process (a
subprocess costs seconds of start-up, most of it importing the model).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim.cli

REPO_ROOT = Path(__file__).resolve().parent.parent
RUN_FILES = ("log.parquet", "summary.json", "daily.csv", "provenance.json")


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


BAD_CONFIGS = [
    pytest.param(["scenario=verification", "customs.risk.xyz=1"], "customs.risk.xyz",
                 ["unknown", "targeting_power"], id="unknown-nested-key"),
    pytest.param(["scenario=verification", "customs.doc_officers=abc"], "customs.doc_officers",
                 ["abc"], id="wrong-type"),
    pytest.param(["scenario=verification", "customs.inspection_teams=0"],
                 "customs.inspection_teams", [">= 1"], id="zero-capacity"),
    pytest.param(["scenario=verification", "imports.channels.green=0.7"], "imports.channels",
                 ["sum to 1"], id="channel-shares"),
    pytest.param(["scenario=verification", "run.horizon_days=4", "run.warmup_days=4"],
                 "run.horizon_days", ["warmup_days"], id="horizon-vs-warmup"),
    pytest.param(["scenario=verification", "customs.doc_officers=5"], "customs.doc_officers",
                 ["doc_check", "1.05"], id="overloaded-station"),
    pytest.param(["scenario=nowhere"], "scenario", ["nowhere", "shanghai", "verification"],
                 id="unknown-scenario"),
]
# the ones also run as the real command: a bad load (the model's own feasibility check) and, on
# the slow tier (a command costs seconds of start-up), a bad key (Hydra's composition)
REAL_COMMAND = {"overloaded-station": (), "unknown-nested-key": (pytest.mark.slow,)}


def assert_refused(code: int, out: str, err: str, field: str, words: list[str], out_dir: Path):
    assert code == 2, err
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"clearway: config error: {field}: "), line
    missing = [w for w in words if w not in line]
    assert not missing, f"{missing} not in {line!r}"
    assert out == ""
    assert not out_dir.exists(), "failed config still created a run folder"


@pytest.mark.parametrize(("args", "field", "words"), BAD_CONFIGS)
def test_bad_config_exits_2_with_one_line_and_no_traceback(tmp_path, capsys, monkeypatch, args,
                                                          field, words):
    def refuse_to_simulate(*_args, **_kwargs):
        raise AssertionError("bad config silently accepted: the run was about to start")

    monkeypatch.setattr(sim.cli, "run", refuse_to_simulate)
    monkeypatch.setattr(sim.cli, "hydra_job", refuse_to_simulate)
    out_dir = tmp_path / "run"
    with pytest.raises(SystemExit) as exit_info:
        sim.cli.main([*args, f"hydra.run.dir={out_dir}"])
    captured = capsys.readouterr()
    assert_refused(exit_info.value.code, captured.out, captured.err, field, words, out_dir)


@pytest.mark.parametrize(("args", "field", "words"),
                         [pytest.param(*p.values, id=p.id, marks=REAL_COMMAND[p.id])
                          for p in BAD_CONFIGS if p.id in REAL_COMMAND])
def test_bad_config_through_the_real_command_exits_2_with_one_line(tmp_path, args, field, words):
    out_dir = tmp_path / "run"
    proc = run_cli(*args, f"hydra.run.dir={out_dir}", timeout=120)
    assert_refused(proc.returncode, proc.stdout, proc.stderr, field, words, out_dir)


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("cli") / "run"
    proc = run_cli("scenario=verification", "run.horizon_days=4", "run.warmup_days=1",
                   "run.cooldown_days=1", f"hydra.run.dir={out_dir}", timeout=120)
    return proc, out_dir


def test_short_run_exits_0_and_prints_summary_and_folder(short_run):
    proc, out_dir = short_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "scenario 'verification'" in proc.stdout
    assert re.search(r"^import: [\d,]+ containers measured", proc.stdout, re.M), proc.stdout
    assert str(out_dir) in proc.stdout


def test_short_run_writes_all_run_files_and_no_temporaries(short_run):
    _, out_dir = short_run
    names = {p.name for p in out_dir.iterdir()}
    assert set(RUN_FILES) <= names, names
    for name in RUN_FILES:
        assert (out_dir / name).stat().st_size > 0, name
    leftovers = [p for p in out_dir.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, leftovers


def test_short_run_provenance_records_config_seed_packages_and_commit(short_run):
    _, out_dir = short_run
    prov = json.loads((out_dir / "provenance.json").read_text())
    assert {"config", "seed", "packages", "git"} <= set(prov)
    assert prov["config"]["scenario"] == "verification"
    assert prov["config"]["run"]["horizon_days"] == 4  # the command-line overrides reached the run
    assert prov["seed"] == prov["config"]["seed"] == 0
    for pkg in ("mesa", "simpy", "numpy"):
        assert re.match(r"\d+\.\d+", prov["packages"][pkg] or ""), (pkg, prov["packages"].get(pkg))
    assert "commit" in prov["git"]
    if (REPO_ROOT / ".git").exists():
        assert re.fullmatch(r"[0-9a-f]{40}", prov["git"]["commit"] or ""), prov["git"]


def test_short_run_keeps_mesa_step_logging_quiet(short_run):
    proc, out_dir = short_run
    for text in (proc.stdout, proc.stderr, *(p.read_text() for p in out_dir.glob("*.log"))):
        assert "calling model.step" not in text
        assert "MESA" not in text


def test_multirun_runs_one_job_per_combination(tmp_path):
    sweep = tmp_path / "sweep"
    proc = run_cli("-m", "scenario=verification", "run.horizon_days=4", "run.warmup_days=1",
                   "run.cooldown_days=1", "seed=1,2", f"hydra.sweep.dir={sweep}", timeout=300)
    assert proc.returncode == 0, proc.stderr
    jobs = sorted(p for p in sweep.iterdir() if p.is_dir())
    assert [p.name[:2] for p in jobs] == ["0_", "1_"], jobs
    seeds = [json.loads((job / "provenance.json").read_text())["seed"] for job in jobs]
    assert seeds == [1, 2]
