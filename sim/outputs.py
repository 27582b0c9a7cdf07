"""Writing a run's files atomically, and recording where the numbers came from.

Every file is written to a temporary name in the same folder, flushed, then renamed over the
target (``os.replace`` is atomic on POSIX): a reader or a resumed sweep never sees half a file.
"""
from __future__ import annotations

import functools
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from sim.schema import ConfigError

_UMASK = os.umask(0)
os.umask(_UMASK)
PACKAGES = ("clearway", "mesa", "simpy", "hydra-core", "omegaconf", "numpy", "scipy", "pandas",
            "pyarrow", "matplotlib")


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


RUN_FILES = ("summary.json", "log.parquet", "daily.csv", "provenance.json")
MB = 1e6


def check_output_dir(folder, needed_bytes: float, field: str, keep_existing_run: bool = False) -> Path:
    """Refuse, before anything is simulated, a run folder that is empty, an existing file, cannot be
    written or lacks the room the run's files need (``needed_bytes``); with ``keep_existing_run``
    also one that already holds a run (the command line never overwrites an earlier run).

    The error names ``field`` (``hydra.run.dir`` on the command line, ``output`` in Python). Nothing
    is created: writability is probed with a temporary file in the nearest existing parent.
    """
    if folder is None or not str(folder).strip():
        raise ConfigError(field, "is empty; give the run's folder, e.g. hydra.run.dir=outputs/my_run")
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ConfigError(field, f"'{path}' is an existing file, not a folder; choose another path")
    held = [name for name in RUN_FILES if (path / name).exists()]
    if keep_existing_run and held:
        raise ConfigError(field, f"'{path}' already holds a run ({held[0]}); choose a new folder or "
                                 "move that run away first")
    parent = next(p for p in (path, *path.parents) if p.exists())
    if not parent.is_dir():
        raise ConfigError(field, f"'{parent}' is a file, so '{path}' cannot be created; choose another path")
    try:
        fd, probe = tempfile.mkstemp(prefix=".clearway-probe-", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ConfigError(field, f"cannot write in '{parent}' ({err.strerror or err}); choose a folder "
                                 "you can write to") from None
    free = shutil.disk_usage(parent).free
    if free < needed_bytes:
        raise ConfigError(field, f"only {free / MB:,.0f} MB free in '{parent}', the run writes about "
                                 f"{needed_bytes / MB:,.0f} MB; free some space, choose another folder, "
                                 "or set run.write_log=false")
    return path


def write_json(path: Path, data) -> None:
    """Write ``data`` as strict JSON (RFC 8259): NaN and infinity become null."""
    atomic_write(path, lambda p: p.write_text(strict_json(data, indent=2) + "\n"))


def strict_json(data, indent: int | None = None) -> str:
    """``data`` as JSON that strict parsers accept: NaN and +-inf (no JSON value) become null,
    numpy scalars plain numbers."""
    return json.dumps(_finite(data), indent=indent, allow_nan=False)


def _finite(value):
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def package_versions() -> dict[str, str | None]:
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str | None]:  # read once a process: about 45 ms a time
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> dict[str, str | bool | None]:
    """The commit of the Clearway checkout (None outside a git checkout) and whether it is dirty,
    as they were when this process first asked: the code it runs is the code it loaded then
    (and a run need not start two git processes)."""
    return dict(_git_commit())


@functools.cache
def _git_commit() -> dict[str, str | bool | None]:
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def provenance(config, seed: int) -> dict:
    return {
        "config": asdict(config),
        "seed": seed,
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git": git_commit(),
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
