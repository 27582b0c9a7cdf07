"""Atomic claims: two runners sharing one experiment folder never do the same run twice.

Before a runner hands a run to a worker it creates ``runs/<scenario>/<seed>/.claim``, holding
the claiming runner's pid, host and a random token, atomically and exclusively: the text is
written to a private file (``O_CREAT | O_EXCL``) that is then hard-linked to ``.claim``; the link
fails if ``.claim`` exists, so exactly one process gets it, and a claim is never seen half
written (the lock-file technique that also holds on NFS). It removes the claim when the run's
record is written. Another runner that finds the claim leaves the run alone and waits for its
record. A claim whose pid is no longer alive on this host (a runner killed, even by SIGKILL) is
stale: the next runner takes it over, under the folder lock so that only one does. A claim made
on another host is trusted (its pid cannot be checked from here).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from pathlib import Path

from sim.experiment.manifest import locked

CLAIM = ".claim"


def _claim_text() -> tuple[str, str]:
    token = secrets.token_hex(8)
    return token, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "token": token})


def read_claim(folder: Path) -> dict | None:
    try:
        claim = json.loads((Path(folder) / CLAIM).read_text())
    except (OSError, ValueError):
        return None
    return claim if isinstance(claim, dict) else None


def _create(folder: Path) -> str | None:
    """Create the claim file atomically; its token, or None if it exists."""
    folder.mkdir(parents=True, exist_ok=True)
    token, text = _claim_text()
    private = folder / f"{CLAIM}.{token}"
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.link(private, folder / CLAIM)
    except FileExistsError:
        return None
    finally:
        private.unlink(missing_ok=True)
    return token


def is_stale(claim: dict | None) -> bool:
    """Whether ``claim`` was made on this host by a process that is gone (or is unreadable)."""
    if claim is None:
        return True
    if claim.get("host") != socket.gethostname():
        return False
    pid = claim.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def claim(out_dir: Path, folder: Path) -> str | None:
    """Claim the run in ``folder`` for this process: its token, or None if a live runner has it.

    A stale claim is taken over under the folder lock: re-read there, removed only if it is
    still the same stale claim, then created again with ``O_EXCL``.
    """
    folder = Path(folder)
    token = _create(folder)
    if token is not None:
        return token
    if not is_stale(read_claim(folder)):
        return None
    with locked(out_dir):
        current = read_claim(folder)
        if not is_stale(current):
            return None
        (folder / CLAIM).unlink(missing_ok=True)
        return _create(folder)


def release(folder: Path, token: str) -> None:
    """Remove this process's claim on ``folder`` (left alone if someone else holds it now)."""
    current = read_claim(folder)
    if current is not None and current.get("token") == token:
        (Path(folder) / CLAIM).unlink(missing_ok=True)
