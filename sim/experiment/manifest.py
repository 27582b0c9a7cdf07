"""The experiment manifest: one verified record per run, consistent whatever moment a runner dies.

The truth is one small file per run, ``runs/<scenario>/<seed>/run.json``, written atomically
(temporary file + rename) *after* the run's own files (summary.json, daily.csv, provenance.json).
So a run folder holds either no ``run.json`` (not finished: redo it) or a complete record with

    experiment, scenario, replication, seed, config_hash, code_version {package, commit, dirty},
    summary_sha256, status ("done" | "failed"), wall_s, error (traceback text, failed runs),
    config (the resolved config, failed runs), started_utc, finished_utc, host, pid

A run counts as done (:func:`verify`) only if its record says ``done``, its ``config_hash``
equals the hash of the config and seed the spec asks for now, its ``summary.json`` still has
the sha256 the record holds and parses with the keys the tables read, and it was made by the
same code version (package version, git commit, dirty flag) unless stale runs are reused.
Anything else is redone. ``manifest.jsonl`` at the experiment root is a view rebuilt from these
files (atomically, under a lock shared by every process writing into the folder).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from sim.outputs import atomic_write, git_commit, strict_json, write_json

RUN_RECORD = "run.json"
SUMMARY = "summary.json"
MANIFEST = "manifest.jsonl"
LOCK = ".experiment.lock"
STATUSES = ("done", "failed")
SUMMARY_KEYS = ("flows", "stations", "seed")  # what sim.kpis.kpi_row and the tables read


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


@functools.lru_cache(maxsize=1)
def code_version() -> dict:
    """The code that makes the numbers: Clearway's package version, git commit, dirty flag."""
    try:
        package = metadata.version("clearway")
    except metadata.PackageNotFoundError:  # run from a checkout without installing
        package = None
    return {"package": package, **git_commit()}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_dir(out_dir: Path, scenario: str, seed: int) -> Path:
    return Path(out_dir) / "runs" / scenario / str(int(seed))


def read_record(folder: Path) -> dict | None:
    """The run's record, or None if there is none or it is unreadable."""
    try:
        record = json.loads((Path(folder) / RUN_RECORD).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("status") in STATUSES else None


def write_record(folder: Path, record: dict) -> None:
    write_json(Path(folder) / RUN_RECORD, record)


def read_summary(folder: Path) -> dict | None:
    """The run's summary.json if it parses as strict JSON with the keys the tables read."""
    try:
        summary = json.loads((Path(folder) / SUMMARY).read_text(), parse_constant=_reject)
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or any(k not in summary for k in SUMMARY_KEYS):
        return None
    return summary


def _reject(constant: str):
    raise ValueError(f"not strict JSON: {constant}")


def verify(record: dict | None, expected_hash: str, folder: Path, reuse_stale: bool = False
           ) -> str | None:
    """Why the run in ``folder`` cannot be kept (``None``: it is done and sound).

    ``reuse_stale`` keeps a sound run made by another code version.
    """
    if record is None:
        return "no record"
    if record.get("status") != "done":
        return "failed"
    if record.get("config_hash") != expected_hash:
        return "config changed"
    summary = Path(folder) / SUMMARY
    try:
        if file_sha256(summary) != record.get("summary_sha256"):
            return "summary.json does not match its checksum"
    except OSError:
        return "summary.json missing"
    if read_summary(folder) is None:
        return "summary.json unreadable"
    if not reuse_stale and record.get("code_version") != code_version():
        return "made by another code version"
    return None


def clear_partial(folder: Path) -> None:
    """Empty a run folder before the run is (re)done: its record first, then every other file
    (temporary files of a run killed mid-write, outputs of a failed or outdated run), so that
    nothing in it can be mistaken for a result of the new run. The claim file stays."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    (folder / RUN_RECORD).unlink(missing_ok=True)
    for path in folder.iterdir():
        if (path.is_file() or path.is_symlink()) and not path.name.startswith(".claim"):
            path.unlink(missing_ok=True)


def write_manifest(out_dir: Path, records: list[dict]) -> None:
    """Rewrite ``manifest.jsonl`` (one strict-JSON line per run record, without the config)."""
    lines = [strict_json({k: v for k, v in r.items() if k != "config"}) for r in records]
    atomic_write(Path(out_dir) / MANIFEST,
                 lambda p: p.write_text("".join(line + "\n" for line in lines)))


@contextlib.contextmanager
def locked(out_dir: Path):
    """An exclusive lock on the experiment folder, for read-modify-write of its shared files
    (tables, manifest) and for taking over stale run claims."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(out_dir / LOCK):
        yield


@contextlib.contextmanager
def file_lock(path: Path):
    """An exclusive lock on the file ``path`` (created if missing), held for the ``with`` block."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
