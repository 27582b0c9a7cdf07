"""The experiment runner: scenarios x replications with common random numbers, a manifest that
survives SIGKILL, verified resume, failures that can't hide, two runners on one folder, strict
JSON, a checked output folder and sequential replication.

Every experiment here is the verification queueing network on a few days (a run takes a few
tenths of a second); the ``smoke`` experiment (configs/experiment/smoke.yaml) is baseline vs two
more document officers, 3 replications.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats as scipy_stats

import sim.experiment.worker as worker_module
from sim import ConfigError, load_config
from sim.experiment import (
    ExperimentSpec,
    config_hash,
    failed_runs,
    half_width,
    read_manifest,
    run_runs,
)
from sim.experiment.claims import CLAIM
from sim.experiment.executors import LocalExecutor
from sim.experiment.manifest import code_version
from sim.experiment.outdir import check_out_dir
from sim.experiment.sequential import next_replications
from sim.outputs import write_json
from sim.studies import run_experiment

ROOT = Path(__file__).resolve().parent.parent
SMOKE = ExperimentSpec.load("smoke")
# A longer run (~0.4 s) so that a SIGKILL lands between the first and the last run.
KILL_SPEC = ExperimentSpec(
    name="kill",
    base="verification",
    replications=4,
    scenarios={"baseline": [], "more_officers": ["customs.doc_officers=9"]},
    overrides=["run.horizon_days=16", "run.warmup_days=1", "run.cooldown_days=1"],
)


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=["wall_s"]).reset_index(drop=True)


def _mtimes(out_dir: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out_dir)): p.stat().st_mtime_ns for p in out_dir.glob("runs/*/*/*.json")
    }


def _strict(text: str):
    """Parse JSON as a strict (RFC 8259) reader does: NaN and Infinity are errors."""
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def smoke_reference(tmp_path_factory):
    """The smoke experiment run once with a pool of 2 worker processes."""
    out = tmp_path_factory.mktemp("smoke_pool")
    return out, run_runs(SMOKE, out, workers=2, progress=False)


# --------------------------------------------------------------------------- end to end


def test_experiment_writes_manifest_and_one_summary_row_per_scenario_and_seed(smoke_reference):
    out, table = smoke_reference
    assert len(table) == 6
    assert not table.duplicated(["scenario", "seed"]).any()
    assert list(table.scenario.unique()) == ["baseline", "more_officers"]  # spec order
    for _, group in table.groupby("scenario"):
        assert group.seed.tolist() == [1, 2, 3] and group.replication.tolist() == [0, 1, 2]
    assert (table.status == "done").all() and table.import_clearance_time_h.notna().all()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), table)
    assert len(pd.read_csv(out / "summary.csv")) == 6
    manifest = read_manifest(out)
    assert len(manifest) == 6 and set(manifest.status) == {"done"}
    assert not manifest.duplicated(["scenario", "seed"]).any()
    for scenario in SMOKE.scenarios:  # each record carries the hash of its own config and seed
        cfg = load_config(SMOKE.base, SMOKE.scenario_overrides(scenario))
        mine = manifest[manifest.scenario == scenario].sort_values("seed")
        assert mine.config_hash.tolist() == [config_hash(cfg, seed) for seed in (1, 2, 3)]
    assert json.loads((out / "experiment.json").read_text())["name"] == "smoke"
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["scenarios"]["more_officers"]["config"]["customs"]["doc_officers"] == 9
    assert failed_runs(out).empty and (out / "failures.csv").is_file()
    assert not list(out.glob(f"runs/*/*/{CLAIM}*"))  # every claim given back


def test_two_workers_asked_for_are_two_processes_running_runs(smoke_reference):
    out, _ = smoke_reference
    manifest = read_manifest(out)
    assert manifest.pid.nunique() == 2 and os.getpid() not in set(manifest.pid)


def test_workers_start_before_the_configs_compose_in_a_new_folder(tmp_path, monkeypatch):
    """A new experiment always has runs to do: its workers import the model while the runner
    composes the configs (and are closed if a config is refused)."""
    import sim.experiment.runner as runner

    calls = []
    start, close = LocalExecutor.start, LocalExecutor.close
    monkeypatch.setattr(LocalExecutor, "start", lambda self: (calls.append("start"), start(self)))
    monkeypatch.setattr(LocalExecutor, "close", lambda self: (calls.append("close"), close(self)))

    def refused(spec):
        calls.append("compose")
        raise ConfigError("scenarios.baseline", "refused by the test")

    monkeypatch.setattr(runner, "resolve_configs", refused)
    with pytest.raises(ConfigError):
        run_runs(SMOKE, tmp_path / "new", workers=2, progress=False)
    assert calls == ["start", "compose", "close"]


def test_a_resume_with_nothing_to_do_starts_no_worker(smoke_reference, tmp_path, monkeypatch):
    out, table = smoke_reference
    shutil.copytree(out, tmp_path / "done")
    started = []
    monkeypatch.setattr(LocalExecutor, "start", lambda self: started.append(self))
    again = run_runs(SMOKE, tmp_path / "done", workers=2, progress=False)
    assert started == []  # every run is sound: no worker process was started for nothing
    pd.testing.assert_frame_equal(_comparable(again), _comparable(table))


def test_every_json_file_parses_with_a_strict_parser(smoke_reference):
    out, _ = smoke_reference
    files = [out / "experiment.json", out / "provenance.json", *out.glob("runs/*/*/*.json")]
    for path in files:
        _strict(path.read_text())
    for line in (out / "manifest.jsonl").read_text().splitlines():
        _strict(line)


def test_nan_and_infinity_are_written_as_null(tmp_path):
    write_json(tmp_path / "x.json", {"a": float("nan"), "b": [float("inf"), 1.5], "c": None})
    assert _strict((tmp_path / "x.json").read_text()) == {"a": None, "b": [None, 1.5], "c": None}


def test_scenarios_share_replication_seeds_so_arrivals_are_common(smoke_reference):
    out, table = smoke_reference

    def arrivals(scenario: str, seed: int) -> int:
        summary = json.loads((out / "runs" / scenario / str(seed) / "summary.json").read_text())
        assert summary["seed"] == seed
        return summary["flows"]["import"]["all"]["n"]

    for seed in (1, 2, 3):  # more officers change waiting, not who arrives (common random numbers)
        assert arrivals("baseline", seed) == arrivals("more_officers", seed)
    assert len({arrivals("baseline", s) for s in (1, 2, 3)}) > 1  # seeds differ
    wide = table.pivot(index="seed", columns="scenario", values="import_clearance_time_h")
    assert (wide.more_officers < wide.baseline).all()  # the override took effect in every pair


def test_same_experiment_twice_gives_identical_tables_in_pool_and_in_process(
    smoke_reference, tmp_path
):
    _, pooled = smoke_reference
    again = run_runs(SMOKE, tmp_path, workers=0, progress=False)  # fresh folder, in-process
    pd.testing.assert_frame_equal(_comparable(again), _comparable(pooled))


# --------------------------------------------------------------------------- resume


@pytest.mark.slow  # a runner process and its pool, killed, then the experiment twice more;
# the default tier resumes damaged, failed and stale runs and takes over a dead runner's claim
def test_sigkill_mid_experiment_then_rerun_completes_without_redoing_or_duplicating(tmp_path):
    killed, fresh = tmp_path / "killed", tmp_path / "fresh"
    script = (
        "import json, sys\nfrom sim.experiment import ExperimentSpec, run_runs\n"
        "run_runs(ExperimentSpec.from_dict(json.loads(sys.argv[2])), sys.argv[1], "
        "workers=2, progress=False)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(killed), json.dumps(KILL_SPEC.to_dict())],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    total = 8
    try:
        deadline = time.monotonic() + 90
        while not list(killed.glob("runs/*/*/run.json")):
            assert proc.poll() is None, (
                f"runner exited early: {proc.stderr.read().decode()[-2000:]}"
            )
            assert time.monotonic() < deadline, "no run finished in 90 s"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # the runner only: its workers must notice and exit
        proc.wait()
        deadline = time.monotonic() + 15
        while _group_alive(proc.pid):
            assert time.monotonic() < deadline, "worker processes outlived the killed runner"
            time.sleep(0.1)
    finally:
        _kill_group(proc.pid)
    before = _mtimes(killed)
    done_at_kill = [p for p in killed.glob("runs/*/*/run.json")]
    assert 1 <= len(done_at_kill) < total, "the kill should land mid-experiment"

    resumed = run_runs(KILL_SPEC, killed, workers=0, progress=False)  # in-process: cheaper
    reference = run_runs(KILL_SPEC, fresh, workers=0, progress=False)  # never interrupted

    pd.testing.assert_frame_equal(_comparable(resumed), _comparable(reference))
    assert len(resumed) == total and not resumed.duplicated(["scenario", "seed"]).any()
    after = _mtimes(killed)
    for path in done_at_kill:  # finished runs were kept, not redone
        rel = str(path.relative_to(killed))
        assert after[rel] == before[rel], f"{rel} was redone"
        assert (
            after[rel.replace("run.json", "summary.json")]
            == before[rel.replace("run.json", "summary.json")]
        )
    manifest = read_manifest(killed)
    assert len(manifest) == total and set(manifest.status) == {"done"}
    assert not list(killed.glob("runs/*/*/.*.tmp"))  # no torn leftovers


def _group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process is left in process group ``pgid``."""
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # state, ppid, pgrp
            return True
    return False


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _numbers(summary_text: str) -> dict:
    """A summary without its timing (wall_s, consignments_per_s): what a seed determines."""
    summary = json.loads(summary_text)
    return {k: v for k, v in summary.items() if k not in ("wall_s", "consignments_per_s")}


@pytest.fixture(scope="module")
def finished_smoke(tmp_path_factory):
    """The smoke experiment, finished once in this process."""
    out = tmp_path_factory.mktemp("smoke_in_process")
    run_runs(SMOKE, out, workers=0, progress=False)
    return out


@pytest.fixture
def done_smoke(finished_smoke, tmp_path):
    """A copy of the finished smoke experiment in a fresh folder, for a test to damage."""
    out = tmp_path / "smoke"
    shutil.copytree(finished_smoke, out)
    return out


@pytest.mark.parametrize("damage", ["truncated", "edited", "unreadable", "missing"])
def test_resume_redoes_a_run_whose_summary_is_damaged_and_keeps_the_others(done_smoke, damage):
    out = done_smoke
    summary = out / "runs/more_officers/2/summary.json"
    text = summary.read_text()
    if damage == "truncated":
        summary.write_text(text[: len(text) // 2])
    elif damage == "edited":  # still valid JSON, but not what the run wrote (checksum)
        summary.write_text(text.replace('"seed": 2', '"seed": 2 '))
    elif damage == "unreadable":
        summary.write_text("{}")
    else:
        summary.unlink()
    before = _mtimes(out)
    table = run_runs(SMOKE, out, workers=0, progress=False)
    after = _mtimes(out)
    assert len(table) == 6 and _numbers(summary.read_text()) == _numbers(text)  # redone
    assert {k for k in after if after[k] != before.get(k)} == {
        "runs/more_officers/2/run.json", "runs/more_officers/2/summary.json",
        "runs/more_officers/2/provenance.json"}


def test_runs_of_another_code_version_are_redone_unless_reuse_stale(done_smoke):
    out = done_smoke
    record_path = out / "runs/baseline/1/run.json"
    record = json.loads(record_path.read_text())
    assert record["code_version"] == code_version()
    record["code_version"] = {**record["code_version"], "commit": "0" * 40}
    write_json(record_path, record)
    before = _mtimes(out)
    run_runs(SMOKE, out, workers=0, progress=False, reuse_stale=True)
    assert _mtimes(out) == before  # kept: --reuse-stale
    run_runs(SMOKE, out, workers=0, progress=False)
    after = _mtimes(out)
    assert {k for k in after if after[k] != before[k]} == {
        "runs/baseline/1/run.json", "runs/baseline/1/summary.json",
        "runs/baseline/1/provenance.json"}
    assert json.loads(record_path.read_text())["code_version"] == code_version()


@pytest.fixture
def failing_run(monkeypatch):
    """Seed 2 of more_officers raises inside the simulation (in this process: workers=0)."""
    real_run = worker_module.run

    def flaky_run(config, seed, output=None):
        if seed == 2 and config.customs.doc_officers == 9:
            raise RuntimeError("injected failure in more_officers seed 2")
        return real_run(config, seed, output=output)

    monkeypatch.setattr(worker_module, "run", flaky_run)
    return real_run


def test_failing_run_is_recorded_in_failures_csv_and_rerun_redoes_only_it(
    tmp_path, monkeypatch, failing_run
):
    table = run_runs(SMOKE, tmp_path, workers=0, progress=False)
    assert len(table) == 5 and not ((table.scenario == "more_officers") & (table.seed == 2)).any()
    failures = failed_runs(tmp_path)
    assert failures[["scenario", "seed"]].values.tolist() == [["more_officers", 2]]
    assert failures.error[0] == "RuntimeError: injected failure in more_officers seed 2"
    assert failures.run_dir[0] == str(tmp_path / "runs/more_officers/2")
    record = json.loads((tmp_path / "runs/more_officers/2/run.json").read_text())
    assert record["config"]["customs"]["doc_officers"] == 9 and record["seed"] == 2
    assert "injected failure" in record["error"]

    monkeypatch.setattr(worker_module, "run", failing_run)
    before = _mtimes(tmp_path)
    table = run_runs(SMOKE, tmp_path, workers=0, progress=False)
    assert len(table) == 6 and failed_runs(tmp_path).empty
    after = _mtimes(tmp_path)
    changed = {k for k in before if after[k] != before[k]}
    assert changed and all(k.startswith("runs/more_officers/2/") for k in changed)


def test_a_failed_run_makes_the_command_exit_1_after_the_others_and_no_comparison_row(
    tmp_path, failing_run, capsys, png_figures
):
    module = _script("run_scenario")
    code = module.main(["smoke", "--out", str(tmp_path), "--workers", "0"])
    assert code == 1
    printed = capsys.readouterr().out
    assert "FAILED: 1 run(s)" in printed and "more_officers seed 2" in printed
    assert "Incomplete (left out of every comparison): more_officers" in printed
    assert len(pd.read_csv(tmp_path / "summary.csv")) == 5  # the other runs all finished
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert set(comparison.scenario) == {"baseline"}  # no comparison without all its seeds
    assert (tmp_path / "report.md").is_file()


def test_python_api_ends_with_comparison_report_and_headline(tmp_path, png_figures):
    result = run_experiment(SMOKE, tmp_path, workers=0, progress=False)
    assert result.ok and result.report_md.is_file() and result.report_html.is_file()
    assert set(result.comparison.scenario) == {"baseline", "more_officers"}
    assert (tmp_path / "figures").is_dir() and (tmp_path / "comparison.csv").is_file()
    headline = [line for line in result.console.splitlines() if "more_officers:" in line]
    assert len(headline) == 1
    for words in ("import port time", "cost per import box", "import offences missed", "["):
        assert words in headline[0]


def test_changed_scenario_config_reruns_only_that_scenario(tmp_path):
    run_runs(SMOKE, tmp_path, workers=0, progress=False)
    before = _mtimes(tmp_path)
    changed_spec = replace(SMOKE, scenarios={"baseline": [],
                                             "more_officers": ["customs.doc_officers=10"]})
    table = run_runs(changed_spec, tmp_path, workers=0, progress=False)
    after = _mtimes(tmp_path)
    redone = {k.split("/")[1] for k in before if after[k] != before[k]}
    assert redone == {"more_officers"}
    cfg = load_config(SMOKE.base, changed_spec.scenario_overrides("more_officers"))
    assert table[table.scenario == "more_officers"].config_hash.tolist() == [
        config_hash(cfg, s) for s in (1, 2, 3)
    ]


# --------------------------------------------------------------------------- two runners


RUNNER_SCRIPT = """
import json, sys
import sim.experiment.runner as runner
from sim.experiment import ExperimentSpec, run_runs
log = open(sys.argv[3], "a")
real = runner.run_one
def logged(*args):
    log.write(f"{args[1]} {args[3]}\\n"); log.flush()
    return real(*args)
runner.run_one = logged
run_runs(ExperimentSpec.from_dict(json.loads(sys.argv[2])), sys.argv[1], workers=0, progress=False)
"""


def test_two_runners_on_one_folder_do_each_run_exactly_once(tmp_path):
    spec = replace(KILL_SPEC, overrides=["run.horizon_days=6", "run.warmup_days=1",
                                         "run.cooldown_days=1"])
    out = tmp_path / "shared"
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [subprocess.Popen([sys.executable, "-c", RUNNER_SCRIPT, str(out),
                               json.dumps(spec.to_dict()), str(log)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for log in logs]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
    done = [line for log in logs if log.exists() for line in log.read_text().splitlines()]
    expected = {f"{s} {spec.seed(r)}" for s in spec.scenarios for r in range(spec.replications)}
    assert sorted(done) == sorted(expected)  # every run once: no run done by both runners
    assert len(pd.read_csv(out / "summary.csv")) == len(expected)


def test_a_claim_left_by_a_dead_runner_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid is gone
    folder = tmp_path / "runs/baseline/1"
    folder.mkdir(parents=True)
    (folder / CLAIM).write_text(json.dumps({"pid": dead.pid, "host": os.uname().nodename,
                                            "token": "x"}))
    table = run_runs(SMOKE, tmp_path, workers=0, progress=False)
    assert len(table) == 6 and not (folder / CLAIM).exists()


# --------------------------------------------------------------------------- the output folder


def _unwritable(tmp_path: Path) -> Path:
    if os.geteuid() == 0:  # root writes anywhere a normal file system allows: use /proc
        return Path("/proc/clearway_experiment")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    return locked / "exp"


@pytest.mark.parametrize("case", ["empty", "existing_file", "under_a_file", "unwritable",
                                  "disk_full"])
def test_bad_output_folder_is_refused_before_simulating_and_leaves_nothing(tmp_path, case):
    (tmp_path / "a_file").write_text("not a folder")
    needed = 10**6
    out = {"empty": "", "existing_file": tmp_path / "a_file",
           "under_a_file": tmp_path / "a_file" / "exp", "unwritable": _unwritable(tmp_path),
           "disk_full": tmp_path / "new" / "exp"}[case]
    if case == "disk_full":
        needed = 10**18  # an exabyte: more than any disk has free
    with pytest.raises(ConfigError) as err:
        check_out_dir(out, needed)
    assert err.value.field_path == "out_dir"
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a_file", *(["locked"] if (tmp_path / "locked").exists() else [])])


def test_run_refuses_an_existing_file_as_output_before_any_run(tmp_path):
    target = tmp_path / "results.txt"
    target.write_text("mine")
    with pytest.raises(ConfigError, match="out_dir: .* is an existing file"):
        run_runs(SMOKE, target, workers=0, progress=False)
    assert target.read_text() == "mine" and sorted(tmp_path.iterdir()) == [target]


# --------------------------------------------------------------------------- sequential replication


def test_sequential_replication_adds_common_seeds_up_to_max_when_target_unreachable(tmp_path):
    base = SMOKE.to_dict() | {"replications": 2, "max_replications": 4}
    easy = ExperimentSpec.from_dict(base | {"target_half_width": {"import_clearance_time_h": 1e6}})
    assert len(run_runs(easy, tmp_path / "easy", workers=0, progress=False)) == 4  # 2 x 2
    hard = ExperimentSpec.from_dict(base | {"target_half_width": {"import_clearance_time_h": 1e-9}})
    table = run_runs(hard, tmp_path / "hard", workers=0, progress=False)
    for _, group in table.groupby("scenario"):
        assert group.seed.tolist() == [1, 2, 3, 4]


def test_next_replications_is_the_smallest_n_whose_t_half_width_meets_the_target():
    spec = ExperimentSpec.from_dict(
        SMOKE.to_dict()
        | {
            "replications": 4,
            "max_replications": 100,
            "target_half_width": {"import_port_time_h": 1.0},
        }
    )
    values = [10.0, 12.0, 14.0, 16.0]  # sd 2.582, t(0.975, 3) 3.182: half-width 4.108
    table = pd.DataFrame(
        {
            "scenario": ["baseline"] * 4 + ["more_officers"] * 4,
            "import_port_time_h": values + [10.0, 10.1, 10.2, 10.3],
        }
    )
    assert half_width(values) == pytest.approx(4.108, abs=1e-3)
    n = next_replications(table, spec, 4)
    sd = pd.Series(values).std()

    def h(k: int) -> float:
        return scipy_stats.t.ppf(0.975, k - 1) * sd / math.sqrt(k)

    assert h(n) <= 1.0 < h(n - 1) and n == 29  # driven by the noisier scenario
    loose = ExperimentSpec.from_dict(
        spec.to_dict() | {"target_half_width": {"import_port_time_h": 5.0}}
    )
    assert next_replications(table, loose, 4) == 4  # reached: no more runs
    capped = ExperimentSpec.from_dict(spec.to_dict() | {"max_replications": 10})
    assert next_replications(table, capped, 4) == 10



def test_bad_scenario_override_fails_before_any_run_naming_the_scenario(tmp_path):
    spec = replace(SMOKE, scenarios={"baseline": [], "typo": ["customs.doc_oficers=9"]})
    with pytest.raises(ConfigError) as err:
        run_runs(spec, tmp_path / "exp", workers=0, progress=False)
    assert err.value.field_path == "scenarios.typo" and "doc_oficers" in str(err.value)
    assert not (tmp_path / "exp").exists()


def _script(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"experiments_{name}",
                                                  ROOT / "experiments" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
