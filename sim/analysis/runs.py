"""The runs table of an experiment: which runs finished, which columns are KPIs, and reading it
back from an experiment folder.

An experiment runs every scenario with the same replication seeds (common random numbers,
DESIGN §7-8). Its runs come back as one tidy table, one row per run: ``scenario``,
``replication``, ``seed``, ``status``, ``wall_s`` and every key of :func:`sim.kpis.kpi_row`.
KPIs that are undefined in a run (``None``/NaN, e.g. a fast-lane share without the policy) stay
NaN and are left out of that KPI's statistics.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.costs import COMPONENTS
from sim.kpis import DERIVED_SUFFIX, is_kpi, kpi_row

ID_COLUMNS = ("scenario", "replication", "seed", "status", "wall_s")
OK_STATUSES = frozenset({"ok", "done", "finished", "success", "succeeded", "completed"})
FAILED_STATUSES = frozenset({"failed", "error", "errored", "crashed", "timeout", "killed"})


def finished_runs(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of runs that finished; raises on a status this module does not know.

    Without a ``status`` column every row counts as finished.
    """
    if "status" not in table.columns:
        return table
    status = table["status"].astype(str).str.lower()
    unknown = sorted(set(status) - OK_STATUSES - FAILED_STATUSES)
    if unknown:
        raise ValueError(
            f"unknown run status {unknown}; expected one of "
            f"{sorted(OK_STATUSES)} (finished) or {sorted(FAILED_STATUSES)}"
        )
    return table[status.isin(OK_STATUSES)]


def kpi_columns(table: pd.DataFrame) -> list[str]:
    """The KPI columns of a runs table (:func:`sim.kpis.is_kpi`), in table order."""
    return [c for c in table.columns if is_kpi(str(c))]


def add_derived_kpis(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``<flow>_detection_rate`` = detected / (detected + missed) per run."""
    out = table.copy()
    for flow in ("import", "export"):
        det, mis = f"{flow}_offences_detected", f"{flow}_offences_missed"
        if det in out.columns and mis in out.columns:
            d = pd.to_numeric(out[det], errors="coerce")
            total = d + pd.to_numeric(out[mis], errors="coerce")
            out[f"{flow}{DERIVED_SUFFIX}"] = (d / total.where(total > 0)).astype(float)
    return out


def numeric(table: pd.DataFrame, kpi: str) -> pd.Series:
    """Column ``kpi`` as floats (NaN where missing or not a number; all NaN if absent)."""
    if kpi not in table.columns:
        return pd.Series(np.nan, index=table.index)
    return pd.to_numeric(table[kpi], errors="coerce").astype(float)


def by_seed(runs: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """The runs of ``scenario`` indexed by seed (one per seed)."""
    return runs[runs["scenario"] == scenario].drop_duplicates("seed").set_index("seed")


def stage_names(columns: Iterable[str], flow: str) -> list[str]:
    """Stage names of ``flow`` in the order their ``<flow>_stage_<name>_h`` columns appear."""
    pat = re.compile(rf"{flow}_stage_(.+)_h")
    return [m[1] for c in dict.fromkeys(columns) if (m := pat.fullmatch(c))]


def cost_components(columns: Iterable[str], flow: str) -> list[str]:
    """Cost components (sim.costs.COMPONENTS, no subtotals) present for ``flow``, in that order."""
    present = set(columns)
    return [c for c in COMPONENTS if f"{flow}_cost_{c}_cny" in present]


# --------------------------------------------------------------------------------------------
# reading an experiment folder


def _seed_of(folder: Path) -> int | str:
    m = re.search(r"(\d+)$", folder.name)
    return int(m[1]) if m else folder.name


def load_runs(exp_dir: str | Path) -> tuple[pd.DataFrame, dict, dict]:
    """Read an experiment folder: ``(table, summaries, dailies)``.

    ``table`` is ``summary.parquet`` (or ``summary.csv``); if neither exists it is built from
    the run folders (``status`` "ok", ``replication`` = rank of the seed). ``summaries`` and
    ``dailies`` map ``(scenario, seed)`` to each run folder's ``summary.json`` (dict) and
    ``daily.csv`` (DataFrame), for every ``runs/<scenario>/<seed>/`` that has them.
    """
    exp_dir = Path(exp_dir)
    summaries: dict[tuple[str, int | str], dict] = {}
    dailies: dict[tuple[str, int | str], pd.DataFrame] = {}
    runs_dir = exp_dir / "runs"
    if runs_dir.is_dir():
        for scenario_dir in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
            for run_dir in sorted(
                (p for p in scenario_dir.iterdir() if p.is_dir()),
                key=lambda p: (str(type(_seed_of(p))), _seed_of(p)),
            ):
                key = (scenario_dir.name, _seed_of(run_dir))
                if (run_dir / "summary.json").is_file():
                    summaries[key] = json.loads((run_dir / "summary.json").read_text())
                if (run_dir / "daily.csv").is_file():
                    dailies[key] = pd.read_csv(run_dir / "daily.csv")
    if (exp_dir / "summary.parquet").is_file():
        table = pd.read_parquet(exp_dir / "summary.parquet")
    elif (exp_dir / "summary.csv").is_file():
        table = pd.read_csv(exp_dir / "summary.csv")
    else:
        table = table_from_summaries(summaries)
    return table, summaries, dailies


def table_from_summaries(summaries: dict[tuple[str, int], dict]) -> pd.DataFrame:
    """A runs table (as the runner writes it) from ``{(scenario, seed): summary}``."""
    seeds = sorted({seed for _, seed in summaries}, key=lambda s: (str(type(s)), s))
    replication = {s: i for i, s in enumerate(seeds)}
    rows = [
        {
            "scenario": scenario,
            "replication": replication[seed],
            "seed": seed,
            "status": "ok",
            "wall_s": summary.get("wall_s"),
            **kpi_row(summary),
        }
        for (scenario, seed), summary in summaries.items()
    ]
    table = pd.DataFrame(rows)
    for c in kpi_columns(table) if len(table) else []:
        table[c] = pd.to_numeric(table[c], errors="coerce").astype(float)
    return table
