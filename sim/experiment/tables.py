"""The experiment's tables, rebuilt from its run folders: summary, manifest and failures.

``summary.csv``/``summary.parquet``: one row per sound, done run (scenario, replication, seed,
status, wall_s, config_hash and every KPI of :func:`sim.kpis.kpi_row`). ``manifest.jsonl``: one
record per run of the spec found in the folder. ``failures.csv``: one row per failed run
(scenario, seed, error: the line that says what went wrong, run_dir), header only when none
failed. All three are written atomically under the folder lock, so several runners sharing a
folder leave complete tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.experiment.manifest import (
    config_hash,
    locked,
    read_record,
    read_summary,
    run_dir,
    verify,
    write_manifest,
)
from sim.experiment.spec import ExperimentSpec
from sim.experiment.worker import error_line
from sim.kpis import kpi_row
from sim.outputs import atomic_write

ID_COLUMNS = ["scenario", "replication", "seed", "status", "wall_s", "config_hash"]
FAILURE_COLUMNS = ["scenario", "seed", "error", "run_dir"]
SUMMARY_CSV = "summary.csv"
SUMMARY_PARQUET = "summary.parquet"
FAILURES_CSV = "failures.csv"


def collect(out_dir: Path, spec: ExperimentSpec, configs: dict, reuse_stale: bool = False
            ) -> tuple[pd.DataFrame, list[dict]]:
    """The summary table (sound, done runs) and the records of every run of ``spec`` in
    ``out_dir`` made with the config the spec asks for now (see :func:`manifest.verify`)."""
    rows, records = [], []
    for scenario in spec.scenarios:
        for r in range(spec.replication_limit):
            seed = spec.seed(r)
            folder = run_dir(out_dir, scenario, seed)
            record = read_record(folder)
            expected = config_hash(configs[scenario], seed)
            if record is None or record.get("config_hash") not in (None, expected):
                continue
            records.append(record)
            if verify(record, expected, folder, reuse_stale) is not None:
                continue
            rows.append({"scenario": scenario, "replication": r, "seed": seed, "status": "done",
                         "wall_s": record.get("wall_s"), "config_hash": record["config_hash"],
                         **kpi_row(read_summary(folder))})
    table = pd.DataFrame.from_records(rows, columns=None if rows else ID_COLUMNS)
    for column in table.columns[len(ID_COLUMNS):]:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table, records


def failures_table(records: list[dict]) -> pd.DataFrame:
    rows = [{"scenario": r["scenario"], "seed": r["seed"], "error": error_line(r.get("error")),
             "run_dir": r.get("run_dir")} for r in records if r.get("status") == "failed"]
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


def finalise(out_dir: Path, spec: ExperimentSpec, configs: dict, reuse_stale: bool = False
             ) -> pd.DataFrame:
    """Rebuild summary.csv/.parquet, manifest.jsonl and failures.csv; return the summary."""
    out_dir = Path(out_dir)
    with locked(out_dir):
        table, records = collect(out_dir, spec, configs, reuse_stale)
        atomic_write(out_dir / SUMMARY_CSV, lambda p: table.to_csv(p, index=False))
        atomic_write(out_dir / SUMMARY_PARQUET, lambda p: table.to_parquet(p, index=False))
        write_manifest(out_dir, records)
        failures = failures_table(records)
        atomic_write(out_dir / FAILURES_CSV, lambda p: failures.to_csv(p, index=False))
    return table


def failed_runs(out_dir: str | Path) -> pd.DataFrame:
    """The failed runs of the experiment in ``out_dir``: ``failures.csv`` (scenario, seed,
    error, run_dir; every column but the seed as text), empty if there is none."""
    path = Path(out_dir) / FAILURES_CSV
    if not path.is_file():
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    return pd.read_csv(path, dtype={"scenario": str, "error": str, "run_dir": str})


def read_manifest(out_dir: str | Path) -> pd.DataFrame:
    """``manifest.jsonl`` as a DataFrame (one row per run with a record)."""
    path = Path(out_dir) / "manifest.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return pd.DataFrame.from_records(lines)
