"""One reform as the dashboard's reform page tells it: mechanism, assumptions, robustness, TFA tag.

- mechanism: the docstring of its policy module (``sim/policies/<name>.py``), which states the
  mechanism, eligibility, parameters with units and their sources;
- assumptions: the values of its config section (``policies.<name>``) in the experiment's base
  scenario, one row per parameter, with unit and bounds where the field declares them;
- robustness: its rows of the folder's ``robustness.csv`` (simulation-noise band next to the
  assumption band, and the share of assumption points where the effect changes sign);
- its WTO Trade Facilitation Agreement article, from the report layer's mapping when installed.
"""
from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import fields, is_dataclass
from functools import lru_cache

import pandas as pd

from sim.loading import load_config
from sim.policies import PoliciesConfig

REFORMS: tuple[str, ...] = tuple(f.name for f in fields(PoliciesConfig))
TFA_MODULES = ("sim.tfa", "sim.report.tfa", "sim.brief.tfa")  # where the report layer may put it


def mechanism(reform: str) -> str:
    """The policy module's docstring as Markdown: Sphinx roles dropped (``:mod:`x``` -> ```x```),
    a blank line before each list so that it renders as one."""
    text = re.sub(r":(mod|func|class|meth|attr):`", "`",
                  inspect.getdoc(importlib.import_module(f"sim.policies.{reform}")) or "")
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("- ") and lines and lines[-1].strip() and not lines[-1].startswith(("- ", "  ")):
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=8)
def _policies(base: str, overrides: tuple[str, ...]) -> PoliciesConfig:
    return load_config(base, list(overrides)).policies


def assumptions(reform: str, base: str = "shanghai", overrides: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every parameter of ``policies.<reform>`` (except the on/off switch): path, value, unit,
    bounds and doc where declared."""
    section = getattr(_policies(base, overrides), reform)
    rows = [row for row in _flatten(section, f"policies.{reform}") if not row["parameter"].endswith(".enabled")]
    frame = pd.DataFrame(rows, columns=["parameter", "value", "unit", "bounds", "doc"])
    return frame[[c for c in frame.columns if (frame[c].astype(str) != "").any()]]  # no empty columns


def _flatten(obj, path: str) -> list[dict]:
    rows = []
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            rows += _flatten(value, f"{path}.{f.name}")
            continue
        meta = dict(f.metadata)
        bounds = ", ".join(f"{word} {meta[key]:g}" for key, word in
                           (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")) if meta.get(key) is not None)
        rows.append({"parameter": f"{path}.{f.name}", "value": value, "unit": meta.get("unit", ""),
                     "bounds": bounds, "doc": meta.get("doc", "")})
    return rows


def robustness(frame: pd.DataFrame | None, reform: str) -> pd.DataFrame | None:
    """The reform's rows of ``robustness.csv``; None if the folder has no such file."""
    if frame is None:
        return None
    return frame[frame["scenario"] == reform].reset_index(drop=True)


def tfa_article(reform: str) -> str | None:
    """The TFA article the reform implements (e.g. "Art. 7.1 Pre-arrival processing"), from the
    report layer's mapping module if it is installed; None otherwise."""
    for name in TFA_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        mapping = next((v for v in vars(module).values() if isinstance(v, dict) and reform in v), None)
        if mapping is not None:
            return _tag_text(mapping[reform])
    return None


def _tag_text(tag) -> str:
    if isinstance(tag, str):
        return tag
    if isinstance(tag, (list, tuple)):
        return "; ".join(_tag_text(t) for t in tag)
    parts = [getattr(tag, a) for a in ("article", "title") if getattr(tag, a, None)]
    return " ".join(map(str, parts)) if parts else str(tag)
