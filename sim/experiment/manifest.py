"""The experiment manifest: one record per run, kept consistent whatever moment the runner dies.

The truth is one small file per run, ``runs/<scenario>/<seed>/run.json``, written atomically
(temporary file + rename) *after* the run's own files (summary.json, daily.csv, provenance.json).
So a run folder holds either no ``run.json`` (not finished: redo it) or a complete record with

    experiment, scenario, replication, seed, config_hash, status ("done" | "failed"), wall_s,
    error (traceback text, failed runs), config (the resolved config, failed runs), started_utc,
    finished_utc, host, pid

``manifest.jsonl`` at the experiment root is a view rebuilt from these files (atomically, under
a lock shared by every process writing into the folder), never appended to: killing the runner
cannot leave a torn or duplicated row. A run counts as done only if its record says ``done``,
its ``config_hash`` equals the hash of the config and seed the spec asks for now, and its
``summary.json`` exists; anything else is redone on the next call.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from sim.outputs import atomic_write, write_json

RUN_RECORD = "run.json"
MANIFEST = "manifest.jsonl"
LOCK = ".experiment.lock"
STATUSES = ("done", "failed")


def config_hash(config, seed: int) -> str:
    """sha256 of the resolved config and the seed: everything that changes a run's numbers.

    ``run.write_log`` (whether the log file is kept) and ``seed`` (the config's default seed,
    which the replication seed replaces) are left out.
    """
    data = asdict(config)
    data.pop("seed", None)
    data.get("run", {}).pop("write_log", None)
    text = json.dumps({"config": data, "seed": int(seed)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_dir(out_dir: Path, scenario: str, seed: int) -> Path:
    return Path(out_dir) / "runs" / scenario / str(int(seed))


def read_record(folder: Path) -> dict | None:
    """The run's record, or None if there is none (or it is unreadable, which atomic writes
    exclude)."""
    try:
        record = json.loads((Path(folder) / RUN_RECORD).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("status") in STATUSES else None


def write_record(folder: Path, record: dict) -> None:
    write_json(Path(folder) / RUN_RECORD, record)


def is_done(record: dict | None, expected_hash: str, folder: Path) -> bool:
    return (
        record is not None
        and record.get("status") == "done"
        and record.get("config_hash") == expected_hash
        and (Path(folder) / "summary.json").is_file()
    )


def clear_partial(folder: Path) -> None:
    """Empty a run folder before the run is (re)done: its record first, then every other file
    (temporary files of a run killed mid-write, outputs of a failed or outdated run), so that
    nothing in it can be mistaken for a result of the new run."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    (folder / RUN_RECORD).unlink(missing_ok=True)
    for path in folder.iterdir():
        if path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)


def write_manifest(out_dir: Path, records: list[dict]) -> None:
    """Rewrite ``manifest.jsonl`` (one line per run record; the per-run config is left out)."""
    lines = [
        json.dumps({k: v for k, v in r.items() if k != "config"}, sort_keys=False, default=str)
        for r in records
    ]
    atomic_write(
        Path(out_dir) / MANIFEST, lambda p: p.write_text("".join(line + "\n" for line in lines))
    )


@contextlib.contextmanager
def locked(out_dir: Path):
    """An exclusive lock on the experiment folder, for read-modify-write of its shared files.

    Hydra jobs of one experiment (one per scenario) write into the same folder; they take this
    lock to rebuild the manifest and summary tables so that the last one to finish sees all runs.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
