"""``clearway dashboard [EXPERIMENT_FOLDER] [--port N] [--host H]``: serve the Solara dashboard.

Checks the folder first (a wrong one stops here with one line and exit code 2), then runs
``solara run sim.app.dashboard`` in a child process on ``host:port``, prints the URL and waits
until the server stops (Ctrl-C).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from sim.app.folder import DEFAULT_FOLDER, FOLDER_VARIABLE, ExperimentFolder, FolderError

EXIT_CONFIG_ERROR = 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="clearway dashboard",
        description="Browse an experiment folder (comparison, stage and cost breakdown, speed vs "
                    "control, adoption), start a small what-if run beside the baseline, and read "
                    "a page per reform (mechanism, assumptions, robustness, WTO TFA article), in "
                    "the browser. Needs the 'dashboard' extra: pip install -e '.[dashboard]'.")
    p.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER), metavar="EXPERIMENT_FOLDER",
                   help="a finished experiment folder (default: the committed reference "
                        "policy comparison, results/policy_comparison/reference)")
    p.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    return p


def server_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", "sim.app.dashboard", "--host", host,
            "--port", str(port), "--production", "--no-open", "--log-level", "warning"]


def server_environment(folder: Path) -> dict[str, str]:
    """The child's environment: the folder, no telemetry, and this checkout importable."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, FOLDER_VARIABLE: str(folder.resolve()),
            "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
            "PYTHONPATH": root + (os.pathsep + path if path else "")}


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if not 0 < args.port < 65536:
        print(f"clearway: config error: --port: must be 1-65535, got {args.port}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        ExperimentFolder(args.folder)
    except FolderError as err:
        print(f"clearway: config error: EXPERIMENT_FOLDER: {err}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    if importlib.util.find_spec("solara") is None:
        print("clearway: the dashboard needs Solara: pip install -e '.[dashboard]'",
              file=sys.stderr)
        return 1
    print(f"Clearway dashboard on http://{args.host}:{args.port}/ (folder {args.folder}); "
          "Ctrl-C stops it.", flush=True)
    child = subprocess.Popen(server_command(args.host, args.port),
                             env=server_environment(Path(args.folder)))
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        return child.wait()
