"""The experiment runner: scenarios x replications with common random numbers, a manifest that
survives SIGKILL, resume, failure isolation, sequential replication and the Hydra fan-out.

Every experiment here is the verification queueing network on a few days (a run takes a few
tenths of a second); the ``smoke`` experiment (configs/experiment/smoke.yaml) is baseline vs two
more document officers, 3 replications.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats as scipy_stats

import sim.experiment.runner as runner_module
from sim import ConfigError, load_config
from sim.experiment import ExperimentSpec, config_hash, half_width, read_manifest, run_experiment
from sim.experiment.runner import next_replications, resolve_configs

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


@pytest.fixture(scope="module")
def smoke_reference(tmp_path_factory):
    """The smoke experiment run once with a pool of 2 worker processes."""
    out = tmp_path_factory.mktemp("smoke_pool")
    return out, run_experiment(SMOKE, out, workers=2, progress=False)


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
        assert all(
            (out / "runs" / scenario / str(seed) / "summary.json").is_file() for seed in (1, 2, 3)
        )
    assert json.loads((out / "experiment.json").read_text())["name"] == "smoke"
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["scenarios"]["more_officers"]["config"]["customs"]["doc_officers"] == 9


def test_scenarios_share_replication_seeds_so_arrivals_are_common(smoke_reference):
    out, table = smoke_reference

    def arrivals(scenario: str, seed: int) -> int:
        summary = json.loads((out / "runs" / scenario / str(seed) / "summary.json").read_text())
        assert summary["seed"] == seed
        return summary["flows"]["import"]["all"]["n"]

    for seed in (1, 2, 3):  # more officers change waiting, not who arrives (common random numbers)
        assert arrivals("baseline", seed) == arrivals("more_officers", seed)
    assert (
        len({arrivals("baseline", s) for s in (1, 2, 3)}) > 1
    )  # seeds differ between replications
    wide = table.pivot(index="seed", columns="scenario", values="import_clearance_time_h")
    assert (wide.more_officers < wide.baseline).all()  # the override took effect in every pair


def test_same_experiment_twice_gives_identical_tables_in_pool_and_in_process(
    smoke_reference, tmp_path
):
    _, pooled = smoke_reference
    again = run_experiment(SMOKE, tmp_path, workers=0, progress=False)  # fresh folder, in-process
    pd.testing.assert_frame_equal(_comparable(again), _comparable(pooled))


# --------------------------------------------------------------------------- resume


def test_sigkill_mid_experiment_then_rerun_completes_without_redoing_or_duplicating(tmp_path):
    killed, fresh = tmp_path / "killed", tmp_path / "fresh"
    script = (
        "import json, sys\nfrom sim.experiment import ExperimentSpec, run_experiment\n"
        "run_experiment(ExperimentSpec.from_dict(json.loads(sys.argv[2])), sys.argv[1], "
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

    resumed = run_experiment(KILL_SPEC, killed, workers=0, progress=False)  # in-process: cheaper
    reference = run_experiment(KILL_SPEC, fresh, workers=0, progress=False)  # never interrupted

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


def test_failing_run_is_recorded_with_error_config_and_seed_and_rerun_redoes_it(
    tmp_path, monkeypatch
):
    real_run = runner_module.run

    def flaky_run(config, seed, output=None):
        if seed == 2 and config.customs.doc_officers == 9:
            raise RuntimeError("injected failure in more_officers seed 2")
        return real_run(config, seed, output=output)

    monkeypatch.setattr(runner_module, "run", flaky_run)
    table = run_experiment(SMOKE, tmp_path, workers=0, progress=False)
    assert len(table) == 5 and not ((table.scenario == "more_officers") & (table.seed == 2)).any()
    manifest = read_manifest(tmp_path)
    failed = manifest[manifest.status == "failed"]
    assert len(failed) == 1 and len(manifest) == 6
    rec = failed.iloc[0]
    assert (rec.scenario, rec.seed) == ("more_officers", 2)
    assert "injected failure" in rec.error
    record = json.loads((tmp_path / "runs/more_officers/2/run.json").read_text())
    assert record["config"]["customs"]["doc_officers"] == 9 and record["seed"] == 2

    monkeypatch.setattr(runner_module, "run", real_run)
    before = _mtimes(tmp_path)
    table = run_experiment(SMOKE, tmp_path, workers=0, progress=False)
    assert len(table) == 6 and set(read_manifest(tmp_path).status) == {"done"}
    after = _mtimes(tmp_path)
    changed = {k for k in before if after[k] != before[k]}
    assert changed and all(k.startswith("runs/more_officers/2/") for k in changed)


def test_changed_scenario_config_reruns_only_that_scenario(tmp_path):
    run_experiment(SMOKE, tmp_path, workers=0, progress=False)
    before = _mtimes(tmp_path)
    changed_spec = ExperimentSpec.from_dict(
        {
            **SMOKE.to_dict(),
            "scenarios": {"baseline": [], "more_officers": ["customs.doc_officers=10"]},
        }
    )
    table = run_experiment(changed_spec, tmp_path, workers=0, progress=False)
    after = _mtimes(tmp_path)
    redone = {k.split("/")[1] for k in before if after[k] != before[k]}
    assert redone == {"more_officers"}
    cfg = load_config(SMOKE.base, changed_spec.scenario_overrides("more_officers"))
    assert table[table.scenario == "more_officers"].config_hash.tolist() == [
        config_hash(cfg, s) for s in (1, 2, 3)
    ]


# --------------------------------------------------------------------------- sequential replication


def test_sequential_replication_adds_common_seeds_up_to_max_when_target_unreachable(tmp_path):
    base = SMOKE.to_dict() | {"replications": 2, "max_replications": 4}
    easy = ExperimentSpec.from_dict(base | {"target_half_width": {"import_clearance_time_h": 1e6}})
    assert len(run_experiment(easy, tmp_path / "easy", workers=0, progress=False)) == 4  # 2 x 2
    hard = ExperimentSpec.from_dict(base | {"target_half_width": {"import_clearance_time_h": 1e-9}})
    table = run_experiment(hard, tmp_path / "hard", workers=0, progress=False)
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


# --------------------------------------------------------------------------- the spec


@pytest.mark.parametrize(
    "change, field",
    [
        ({"scenarios": {"pre_arrival": ["policy=pre_arrival"]}}, "scenarios"),
        ({"replications": 0}, "replications"),
        ({"replications": 2.5}, "replications"),
        ({"first_seed": -1}, "first_seed"),
        ({"base": "atlantis"}, "base"),
        ({"scenarios": {"baseline": "policy=pre_arrival"}}, "scenarios.baseline"),
        ({"scenarios": {"baseline": [], "bad/name": []}}, "scenarios"),
        ({"overrides": ["seed=4"]}, "overrides"),
        ({"target_half_width": {"import_port_time_h": 0.5}}, "max_replications"),
        (
            {"target_half_width": {"no_such_kpi": 0.5}, "max_replications": 20},
            "target_half_width.no_such_kpi",
        ),
        (
            {"target_half_width": {"import_port_time_h": -1}, "max_replications": 20},
            "target_half_width.import_port_time_h",
        ),
        (
            {"target_half_width": {"import_port_time_h": 1}, "max_replications": 2},
            "max_replications",
        ),
        ({"max_replications": 20}, "max_replications"),
        ({"workers": -1}, "workers"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_spec_raises_config_error_naming_the_field(change, field):
    with pytest.raises(ConfigError) as err:
        ExperimentSpec.from_dict(SMOKE.to_dict() | change)
    assert err.value.field_path == field


def test_bad_scenario_override_fails_before_any_run_naming_the_scenario(tmp_path):
    spec = ExperimentSpec.from_dict(
        SMOKE.to_dict() | {"scenarios": {"baseline": [], "typo": ["customs.doc_oficers=9"]}}
    )
    with pytest.raises(ConfigError) as err:
        run_experiment(spec, tmp_path, workers=0, progress=False)
    assert err.value.field_path == "scenarios.typo" and "doc_oficers" in str(err.value)
    assert not (tmp_path / "runs").exists()


def test_policy_comparison_runs_baseline_each_policy_alone_and_the_full_package():
    spec = ExperimentSpec.load("policy_comparison")
    assert (spec.base, spec.baseline, spec.replications, spec.first_seed) == (
        "shanghai",
        "baseline",
        10,
        1,
    )
    configs = resolve_configs(spec)
    policy_names = [f.name for f in dataclasses.fields(configs["baseline"].policies)]
    enabled = {
        name: {p for p in policy_names if getattr(cfg.policies, p).enabled}
        for name, cfg in configs.items()
    }
    assert enabled["baseline"] == set()
    singles = [name for name in spec.scenarios if name not in ("baseline", "full")]
    for name in singles:
        assert enabled[name] == {name}
    assert set(singles) == {
        p.stem for p in (ROOT / "configs" / "policy").glob("*.yaml")
    }  # every policy
    assert enabled["full"] == set(singles)


# --------------------------------------------------------------------------- Hydra fan-out


@pytest.mark.parametrize("launcher", ["joblib", "submitit_local"])
def test_hydra_launcher_fans_scenarios_out_into_one_experiment_folder(
    launcher, tmp_path, smoke_reference
):
    out = tmp_path / "exp"
    proc = subprocess.run(
        [
            sys.executable,
            "experiments/run_scenario.py",
            "-m",
            "experiment=smoke",
            "scenario_name=baseline,more_officers",
            f"hydra/launcher={launcher}",
            f"out_dir={out}",
            "workers=1",
            "progress=false",
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(
        p.name for p in (out / "hydra").iterdir() if p.is_dir() and not p.name.startswith(".")
    ) == ["0_baseline", "1_more_officers"]  # one Hydra job per scenario
    table = pd.read_parquet(out / "summary.parquet")
    pd.testing.assert_frame_equal(_comparable(table), _comparable(smoke_reference[1]))
    assert len(read_manifest(out)) == 6
