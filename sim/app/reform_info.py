"""One reform as the dashboard's reform page tells it: mechanism, assumptions, robustness, TFA tag.

- mechanism: the docstring of its policy module (``sim/policies/<name>.py``), which states the
  mechanism, eligibility, parameters with units and their sources;
- assumptions: the values of its config section (``policies.<name>``) in the experiment's base
  scenario, one row per parameter, with its plain-word name and sampled range where the
  scenario's ranges file (``configs/uncertainty/<base>.yaml``) has one, and unit and bounds
  where the field declares them;
- robustness: its rows of the folder's ``robustness.csv`` (simulation-noise band next to the
  assumption band, and the share of assumption points where the effect changes sign);
- its WTO Trade Facilitation Agreement article: :mod:`sim.reforms`, the mapping the report and
  the brief use;
- an overview of all reforms: TFA article and largest clear change on a headline KPI.
"""
from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import fields, is_dataclass
from functools import lru_cache

import pandas as pd

from sim.app.folder import ExperimentFolder
from sim.app.tables import markdown_table
from sim.loading import load_config, ranges_file
from sim.plots import fmt, fmt_value, scenario_label
from sim.policies import PoliciesConfig
from sim.reforms import tfa_tag
from sim.schema.uncertainty import ParameterRange, load_ranges

REFORMS: tuple[str, ...] = tuple(f.name for f in fields(PoliciesConfig))
HEADLINE_KPIS = ("import_port_time_h", "export_port_time_h", "import_cost_total_cny",
                 "export_cost_total_cny", "import_offences_missed", "export_offences_missed",
                 "zone_cost_per_order_cny", "bunker_price_cny_per_t", "parcel_cost_cny")  # shown per reform
BOUNDS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))  # field metadata key, sign


def mechanism(reform: str) -> str:
    """The policy module's docstring as Markdown: Sphinx roles dropped (``:mod:`x``` -> ```x```),
    a blank line before each list so that it renders as one."""
    text = re.sub(r":(mod|func|class|meth|attr):`", "`",
                  inspect.getdoc(importlib.import_module(f"sim.policies.{reform}")) or "")
    lines: list[str] = []
    for line in text.splitlines():
        after_prose = lines and lines[-1].strip() and not lines[-1].startswith(("- ", "  "))
        if line.startswith("- ") and after_prose:
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=8)
def _policies(base: str, overrides: tuple[str, ...]) -> PoliciesConfig:
    return load_config(base, list(overrides)).policies


@lru_cache(maxsize=8)
def _ranges(base: str) -> dict[str, ParameterRange]:
    """``{path: range}`` of the base scenario's uncertain values (none if it has no ranges file)."""
    file = ranges_file(base)
    return {p.path: p for p in load_ranges(file).parameters} if file.is_file() else {}


def assumptions(reform: str, base: str = "shanghai",
                overrides: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every parameter of ``policies.<reform>`` (except the on/off switch): its plain-word name
    and the range the robustness experiment samples where the base scenario's ranges file has
    one, then path, value, unit, bounds and doc where declared."""
    section = getattr(_policies(base, overrides), reform)
    rows = [row for row in _flatten(section, f"policies.{reform}")
            if not row["parameter"].endswith(".enabled")]
    ranges = _ranges(base)
    for row in rows:
        r = ranges.get(row["parameter"])
        row["name"] = r.name if r else ""
        row["range"] = f"{r.low:g} to {r.high:g} ({r.label})" if r else ""
    frame = pd.DataFrame(rows, columns=["name", "parameter", "value", "range", "unit", "bounds", "doc"])
    return frame[[c for c in frame.columns if (frame[c].astype(str) != "").any()]]  # drop empty


def _flatten(obj, path: str) -> list[dict]:
    rows = []
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            rows += _flatten(value, f"{path}.{f.name}")
            continue
        meta = dict(f.metadata)
        bounds = ", ".join(f"{word} {meta[key]:g}" for key, word in BOUNDS
                           if meta.get(key) is not None)
        rows.append({"parameter": f"{path}.{f.name}", "value": value, "unit": meta.get("unit", ""),
                     "bounds": bounds, "doc": meta.get("doc", "")})
    return rows


def robustness(frame: pd.DataFrame | None, reform: str) -> pd.DataFrame | None:
    """The reform's rows of ``robustness.csv``; None if the folder has no such file."""
    if frame is None:
        return None
    return frame[frame["scenario"] == reform].reset_index(drop=True)


def overview_table(folder: ExperimentFolder) -> str:
    """One row per reform: its TFA article and, among the headline KPIs (:data:`HEADLINE_KPIS`),
    its largest change (in % of the baseline) whose paired CI excludes zero."""
    rows = []
    for r in REFORMS:
        diffs = folder.differences(r) if r in folder.scenarios else None
        largest = "not in this folder"
        if diffs is not None:
            clear = diffs[(diffs["significant"].astype(str).str.lower() == "true")
                          & diffs["kpi"].isin(HEADLINE_KPIS) & diffs["pct_change"].notna()]
            if len(clear):
                top = clear.loc[clear["pct_change"].abs().idxmax()]
                change = fmt_value(top["diff_mean"], top["unit"], sign=True)
                largest = f"{top['label']}: {change} ({fmt(top['pct_change'], 0, True)} %)"
            else:
                largest = "no change distinguishable from zero"
        rows.append([scenario_label(r), tfa_tag(r) or "n/a", largest])
    return markdown_table(["reform", "WTO TFA article", "largest clear change vs baseline"], rows)
