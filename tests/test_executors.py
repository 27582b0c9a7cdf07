"""Every executor runs the same experiment to the same tables: local worker processes,
submitit's local executor (the SLURM code path without SLURM), and Ray tasks on a local Ray
cluster started by the test. Each checks that the runs really ran elsewhere (other pids).
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import replace

import pandas as pd
import pytest

from sim.experiment import ExperimentSpec, read_manifest, run_runs
from sim.experiment.executors import LocalExecutor

SMOKE = replace(ExperimentSpec.load("smoke"), replications=1)  # 2 runs: a job costs an import


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=["wall_s"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    return run_runs(SMOKE, tmp_path_factory.mktemp("in_process"), workers=0, progress=False)


def test_local_executor_keeps_its_warm_workers_across_calls():
    with LocalExecutor(2) as executor:
        first = {pid for _, pid in executor.map_unordered(os.getpid, [()] * 4)}
        second = {pid for _, pid in executor.map_unordered(os.getpid, [()] * 4)}
    assert len(first | second) <= 2 and os.getpid() not in first  # the same two processes


def _imported(module: str) -> bool:
    import sys

    return module in sys.modules


def test_local_workers_import_the_model_as_they_start():
    """Started before the runner composes the configs, a worker imports the model (Mesa,
    pandas) then, not in its first run."""
    with LocalExecutor(1) as executor:
        executor.start()
        [(_, loaded)] = executor.map_unordered(_imported, [("sim.model",)])
    assert loaded


@pytest.mark.parametrize("executor", [
    # a job costs an import of Clearway in a fresh process: the slow tier (the warm local pool above
    # stays in the default tier)
    pytest.param("submitit-local", marks=pytest.mark.slow),
    # starting a local Ray cluster takes half a minute: the slow tier
    pytest.param("ray", marks=[pytest.mark.slow,
                               pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                                                  reason="ray not installed (extra 'ray')")]),
])
def test_executor_runs_the_experiment_to_the_same_tables(executor, tmp_path, in_process):
    table = run_runs(SMOKE, tmp_path, workers=2, progress=False, executor=executor)
    pd.testing.assert_frame_equal(_comparable(table), _comparable(in_process))
    manifest = read_manifest(tmp_path)
    assert set(manifest.status) == {"done"} and os.getpid() not in set(manifest.pid)
