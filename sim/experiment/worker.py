"""One run of an experiment, as a worker does it: simulate, write, record.

:func:`run_one` takes plain values and the typed config only, so every executor (a local
process, a SLURM job, a Ray task) can pickle it. It never raises for a failing run: the
traceback, seed and resolved config go into the run's record with status ``failed`` and the
other runs go on.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sim.experiment.manifest import (
    SUMMARY,
    clear_partial,
    config_hash,
    file_sha256,
    write_record,
)
from sim.run import run
from sim.schema import ClearwayConfig


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error_line(text: str | None) -> str:
    """The line of a traceback that says what went wrong (its last non-empty line)."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "?"


def base_record(experiment: str, scenario: str, replication: int, seed: int, base: str,
                overrides: list[str], folder: str, code_version: dict) -> dict:
    """A run's record before it has a result (status ``failed`` until it is done)."""
    return {
        "experiment": experiment,
        "scenario": scenario,
        "replication": int(replication),
        "seed": int(seed),
        "config_hash": None,
        "code_version": code_version,
        "summary_sha256": None,
        "status": "failed",
        "wall_s": None,
        "error": None,
        "base": base,
        "overrides": list(overrides),
        "run_dir": str(folder),
        "started_utc": now_utc(),
        "finished_utc": None,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }


def run_one(experiment: str, scenario: str, replication: int, seed: int, base: str,
            overrides: list[str], folder: str, keep_log: bool, code_version: dict,
            config: ClearwayConfig) -> dict:
    """Run ``config`` (the runner's composition of ``base`` with ``overrides``: a worker
    never composes) with ``seed`` into ``folder``, then write its record (``run.json``, last,
    atomically). Returns the record without the config."""
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    started = time.perf_counter()
    record = base_record(experiment, scenario, replication, seed, base, overrides, folder,
                         code_version)
    config = copy.deepcopy(config)  # a run of its own: in-process runs share the runner's
    try:
        clear_partial(Path(folder))
        config.run.write_log = bool(keep_log)
        record["config_hash"] = config_hash(config, seed)
        run(config, seed, output=folder)
        record["summary_sha256"] = file_sha256(Path(folder) / SUMMARY)
        record["status"] = "done"
    except Exception:  # noqa: BLE001 - a failing run is recorded, the others go on
        record["error"] = traceback.format_exc()
        record["config"] = asdict(config)
    record["wall_s"] = time.perf_counter() - started
    record["finished_utc"] = now_utc()
    write_record(Path(folder), record)
    record.pop("config", None)
    return record
