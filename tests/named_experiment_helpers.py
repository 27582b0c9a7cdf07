"""Shared pieces of the named-experiment tests (sensitivity, stress test, calibration check):
the tiny port they run on, loading an experiment script as a module, and the files every
experiment folder must hold. Each experiment has its own test module, so that pytest-xdist
(``--dist loadscope``) runs their pipelines on different workers."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from conftest import TINY_SECTION

ROOT = Path(__file__).resolve().parent.parent
# the conftest tiny section on a 10-day horizon, one vessel call a day
TINY_PORT = ["run.horizon_days=10", "run.warmup_days=2", "run.cooldown_days=3",
             "vessels.calls_per_day=1", *TINY_SECTION]


def entry_point(name: str):
    """``experiments/<name>.py`` as a module (its functions called in this process)."""
    spec = importlib.util.spec_from_file_location(f"experiments_{name}", ROOT / "experiments" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_report_files(out: Path, comparison: bool = True) -> None:
    names = ["summary.csv", "manifest.jsonl", "report.md", "report.html"]
    for name in names + (["comparison.csv"] if comparison else []):
        assert (out / name).is_file(), f"{name} missing in {sorted(p.name for p in out.iterdir())}"
