"""An experiment from spec to report, the one path every entry point takes.

    from sim.experiment import ExperimentSpec
    from sim.studies import run_experiment
    result = run_experiment(ExperimentSpec.load("inspection_teams").as_quick(), "results/it")
    print(result.console)             # headline: time, cost, missed offences vs. the baseline
    result.failures                   # failed runs (failures.csv); empty when all succeeded

Runs every missing run (:func:`sim.experiment.runner.run_runs`), then analyses the folder
(:func:`sim.studies.findings.analyse`: comparison tables, figures, report) and builds the
console summary. The named scripts and ``experiments/run_scenario.py`` call this, then print
``result.console`` and exit 1 if a run failed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiment.executors import Executor
from sim.experiment.runner import run_runs
from sim.experiment.spec import ExperimentSpec
from sim.experiment.tables import failed_runs
from sim.studies.findings import analyse, console_summary


@dataclass
class ExperimentResult:
    """What an experiment left in ``out_dir``."""

    out_dir: Path
    table: pd.DataFrame  # one row per done run (summary.csv)
    comparison: pd.DataFrame  # comparison.csv (empty if the baseline is incomplete)
    failures: pd.DataFrame  # failures.csv: scenario, seed, error, run_dir
    report_md: Path | None
    report_html: Path | None
    console: str  # the summary every entry point prints

    @property
    def ok(self) -> bool:
        return self.failures.empty


def run_experiment(spec: ExperimentSpec, out_dir: str | Path, workers: int | None = None,
                   executor: str | Executor = "local", progress: bool | None = True,
                   reuse_stale: bool = False, keep_logs: bool | None = None,
                   executor_options: dict | None = None) -> ExperimentResult:
    """Run ``spec`` into ``out_dir`` (resuming), analyse it and return what it left there."""
    started = time.perf_counter()
    table = run_runs(spec, out_dir, workers=workers, progress=progress, keep_logs=keep_logs,
                     executor=executor, reuse_stale=reuse_stale,
                     executor_options=executor_options)
    out_dir = Path(out_dir).expanduser().absolute()
    md, html, comparison = analyse(out_dir, spec)
    console = console_summary(out_dir, spec, comparison, md, html, time.perf_counter() - started)
    return ExperimentResult(out_dir, table, comparison, failed_runs(out_dir), md, html, console)
