"""What the dashboard reads from an experiment folder, and the figures it draws from it.

An experiment folder (``results/<experiment>/<name>/``) holds ``summary.csv`` (one row per run),
``comparison.csv`` (per scenario and KPI: mean, CI, paired difference vs. the baseline),
``experiment.json`` (the spec), optionally ``robustness.csv`` and, when the runs were kept,
``runs/<scenario>/<seed>/daily.csv``. :class:`ExperimentFolder` loads what is there and says
what is missing; :meth:`ExperimentFolder.figure` draws one of the project's figures
(:mod:`sim.plots`) for a chosen set of scenarios and returns its PNG bytes.
"""
from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from sim import plots
from sim.analysis.runs import load_runs

ROBUSTNESS_COLUMNS = ("scenario", "kpi", "noise_low", "noise_high", "assumption_low",
                      "assumption_high", "sign_flips")
FOLDER_VARIABLE = "CLEARWAY_DASHBOARD_FOLDER"  # how the server tells the app its folder
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "results" / "policy_comparison" / "reference"
FIGURES = ("comparison", "stage_breakdown", "cost_breakdown", "frontier", "adoption")


def temporary_folder(prefix: str) -> Path:
    """A new temporary folder, removed with its files when the program exits."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


class FolderError(ValueError):
    """The folder is not an experiment folder the dashboard can show."""


class ExperimentFolder:
    """The tables of one experiment folder, loaded once."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not (self.path / "comparison.csv").is_file():
            raise FolderError(f"{self.path}: no comparison.csv here; point the dashboard at a "
                              "finished experiment folder, e.g. "
                              "results/policy_comparison/reference")
        self.comparison = pd.read_csv(self.path / "comparison.csv")
        self.table, _, self.dailies = load_runs(self.path)

    @cached_property
    def figure_dir(self) -> Path:
        """Where this folder's figures are drawn (a temporary folder, made on first use and
        removed when the program exits)."""
        return temporary_folder("clearway-dashboard-")

    @cached_property
    def spec(self) -> dict:
        """``experiment.json`` (name, base scenario, overrides, replications), or ``{}``."""
        spec_file = self.path / "experiment.json"
        return json.loads(spec_file.read_text()) if spec_file.is_file() else {}

    @cached_property
    def baseline(self) -> str:
        rows = self.comparison[self.comparison["is_baseline"].astype(bool)]
        return str(rows["scenario"].iloc[0])

    @cached_property
    def scenarios(self) -> list[str]:
        """Every scenario but the baseline, in the experiment's order."""
        return [s for s in dict.fromkeys(self.comparison["scenario"]) if s != self.baseline]

    @cached_property
    def robustness(self) -> pd.DataFrame | None:
        """``robustness.csv`` (noise and assumption bands per reform effect), if there is one."""
        path = self.path / "robustness.csv"
        if not path.is_file():
            return None
        frame = pd.read_csv(path)
        missing = [c for c in ROBUSTNESS_COLUMNS if c not in frame.columns]
        if missing:
            raise FolderError(f"{path}: missing columns {', '.join(missing)}")
        return frame

    def missing(self) -> list[str]:
        """What this folder lacks for the dashboard's views, and what the views do instead."""
        notes = []
        if not self.dailies:
            notes.append("the daily series (runs/<scenario>/<seed>/daily.csv), so adoption over "
                         "time is the figure the experiment drew, for all its scenarios")
        if self.robustness is None:
            notes.append("robustness.csv, so the reform pages show simulation noise only")
        return notes

    @cached_property
    def warmup_days(self) -> float | None:
        """The experiment's warm-up (days), from its ``run.warmup_days`` override if it has one."""
        for override in self.spec.get("overrides", []):
            key, _, value = override.partition("=")
            if key == "run.warmup_days":
                return float(value)
        return None

    def differences(self, scenario: str) -> pd.DataFrame:
        """The comparison table's rows of ``scenario``: one per KPI, with the paired difference."""
        rows = self.comparison[self.comparison["scenario"] == scenario]
        return rows[rows["diff_mean"].notna()].reset_index(drop=True)

    def figure(self, kind: str, scenarios: tuple[str, ...],
               still_wanted: Callable[[], bool] = lambda: True) -> bytes | None:
        """PNG of figure ``kind`` (one of :data:`FIGURES`) for the baseline and ``scenarios``;
        None if the data for it is not in the folder, or if ``still_wanted()`` says, once it is
        this request's turn to draw, that a newer request has replaced it."""
        with _DRAWING:
            if not still_wanted():
                return None
            return _draw(self, kind, tuple(s for s in self.scenarios if s in scenarios))

    def committed_figure(self, name: str) -> bytes | None:
        """A PNG the experiment itself wrote to ``figures/``, if present."""
        path = self.path / "figures" / f"{name}.png"
        return path.read_bytes() if path.is_file() else None


_DRAWING = threading.Lock()  # one figure at a time: the dashboard draws in worker threads


@lru_cache(maxsize=64)
def _draw(folder: ExperimentFolder, kind: str, scenarios: tuple[str, ...]) -> bytes | None:
    keep = {folder.baseline, *scenarios}
    comparison = folder.comparison[folder.comparison["scenario"].isin(keep)]
    table = folder.table[folder.table["scenario"].isin(keep)]
    out = folder.figure_dir / f"{kind}-{abs(hash(scenarios)):x}"
    if kind == "comparison":
        if not scenarios:
            return None
        files = plots.comparison_bars(comparison, out)
    elif kind == "stage_breakdown":
        files = plots.stage_breakdown(table, out, folder.baseline)
    elif kind == "cost_breakdown":
        files = plots.cost_breakdown(table, out, folder.baseline)
    elif kind == "frontier":
        files = plots.frontier(comparison, out)
    elif kind == "adoption":
        dailies = {k: v for k, v in folder.dailies.items() if k[0] in keep}
        if not dailies:
            return None
        warmup = folder.warmup_days
        files = plots.adoption_plot(dailies, out, folder.baseline, warmup, None, folder.scenarios)
    else:
        raise ValueError(f"unknown figure {kind!r}; one of {', '.join(FIGURES)}")
    return files.png.read_bytes() if files.png else None
