"""The experiment folder, checked before anything is simulated.

An empty path, a path that is an existing file (or lies under one), a folder that cannot be
written, or a disk without room for the runs' files (estimated from the spec) stops the
experiment with one :class:`ConfigError` naming ``out_dir``, before any run starts; a folder
created only for the check is removed again, so a refused experiment leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sim.schema.errors import ConfigError

RUN_FILES_BYTES = 400_000  # summary.json, daily.csv, provenance.json, run.json of one run
LOG_BYTES_PER_BOX = 120  # log.parquet (columnar, zstd), with keep_logs
ANALYSIS_BYTES = 50_000_000  # tables, figures (PNG and SVG), report
MiB = 2**20


def estimate_bytes(spec, configs: dict) -> int:
    """Disk the experiment's files need: every run's files (its log with ``keep_logs``: boxes a
    day x horizon x bytes per box) plus tables, figures and report."""
    total = ANALYSIS_BYTES
    for cfg in configs.values():
        per_run = RUN_FILES_BYTES
        if spec.keep_logs:
            boxes = (cfg.imports.boxes_per_day + cfg.exports.boxes_per_day) * cfg.run.horizon_days
            per_run += int(boxes * LOG_BYTES_PER_BOX)
        total += per_run * spec.replication_limit
    return total


def check_out_dir(out_dir, needed_bytes: int) -> Path:
    """``out_dir`` as an absolute path, created and writable with ``needed_bytes`` free."""
    if out_dir is None or not str(out_dir).strip():
        raise ConfigError("out_dir", "is empty; give a folder, e.g. --out results/my_experiment")
    path = Path(out_dir).expanduser().absolute()
    blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise ConfigError("out_dir", f"{blocking} is an existing file, not a folder; choose "
                                     f"another path")
    created = _first_missing(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        _remove_created(created, path)
        raise ConfigError("out_dir", f"cannot write into {path}: {err.strerror or err}; choose a "
                                     f"folder you can write") from None
    free = shutil.disk_usage(path).free
    if free < needed_bytes:
        _remove_created(created, path)
        raise ConfigError("out_dir", f"{path} has {free / MiB:,.0f} MiB free but the experiment "
                                     f"needs about {needed_bytes / MiB:,.0f} MiB; free space or "
                                     f"choose another disk")
    return path


def _first_missing(path: Path) -> Path | None:
    """The top-most folder of ``path`` that does not exist yet (None: it all exists)."""
    missing = None
    for p in (path, *path.parents):
        if p.exists():
            break
        missing = p
    return missing


def _remove_created(created: Path | None, path: Path) -> None:
    """Remove the empty folders this check created (``created`` down to ``path``)."""
    if created is None:
        return
    p = path
    while True:
        try:
            os.rmdir(p)
        except OSError:
            return
        if p == created:
            return
        p = p.parent
