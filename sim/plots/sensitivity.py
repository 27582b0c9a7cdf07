"""Sensitivity figures: the one-at-a-time tornado and the Morris screening bars."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.plots.style import OKABE_ITO, fmt, new_figure, save, wrap_title


def _capital(text: str) -> str:
    """``gate lanes`` -> ``Gate lanes`` (the rest as written, so ``AEO`` stays)."""
    return text[:1].upper() + text[1:]


def _in_sentence(text: str) -> str:
    """``Import port time`` -> ``import port time``; an acronym (``CO2 ...``) stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _split_unit(kpi_label: str) -> tuple[str, str]:
    """``mean import port time (h)`` -> (``mean import port time``, ``h``)."""
    m = re.fullmatch(r"(.*\S)\s*\(([^()]+)\)", kpi_label.strip())
    return (m[1], m[2]) if m else (kpi_label, "")


def tornado(df: pd.DataFrame, kpi_label: str, path: str | Path):
    """Sensitivity tornado.

    Bars are labelled with the ``name`` column (the parameter in plain words).
    One-at-a-time: ``df`` has columns ``name``, ``low``, ``high`` (parameter values),
    ``kpi_low``, ``kpi_high`` (the KPI at each) and optionally ``kpi_base``; bars span the KPI
    range, widest on top. Morris screening: columns ``name``, ``mu_star`` and optionally
    ``sigma``; bars show mu* with sigma as a marker. ``kpi_label`` names the KPI with its unit,
    e.g. ``"mean import port time (h)"``.
    """
    if {"name", "mu_star"} <= set(df.columns):
        return _morris(df, kpi_label, path)
    need = {"name", "low", "high", "kpi_low", "kpi_high"}
    if not need <= set(df.columns):
        raise ValueError(f"tornado needs columns {sorted(need)} or name/mu_star/sigma")
    d = df.copy()
    d["swing"] = (d["kpi_high"] - d["kpi_low"]).abs()
    d = d.sort_values("swing", ascending=True).reset_index(drop=True)
    base = (
        float(d["kpi_base"].iloc[0])
        if "kpi_base" in d.columns
        else float(np.mean(np.r_[d["kpi_low"], d["kpi_high"]].mean()))
    )
    fig = new_figure(7.5, 0.45 * len(d) + 1.8)
    ax = fig.subplots()
    lo_c, hi_c = OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]
    for i, r in d.iterrows():
        ax.barh(
            i,
            r["kpi_low"] - base,
            left=base,
            color=lo_c,
            edgecolor="black",
            linewidth=0.5,
            label="parameter at low value" if i == 0 else None,
        )
        ax.barh(
            i,
            r["kpi_high"] - base,
            left=base,
            color=hi_c,
            edgecolor="black",
            linewidth=0.5,
            label="parameter at high value" if i == 0 else None,
        )
        # the parameter value at each outer end of the bar
        (left_v, left_p), (right_v, right_p) = sorted(
            ((r["kpi_low"], r["low"]), (r["kpi_high"], r["high"])), key=lambda t: t[0]
        )
        ax.text(min(left_v, base), i, f"{left_p:g} ", va="center", ha="right", fontsize=8)
        ax.text(max(right_v, base), i, f" {right_p:g}", va="center", ha="left", fontsize=8)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(range(len(d)), list(d["name"]), fontsize=9)
    ax.set_xlabel(kpi_label)
    lo, hi = (
        np.nanmin(d[["kpi_low", "kpi_high"]].to_numpy()),
        np.nanmax(d[["kpi_low", "kpi_high"]].to_numpy()),
    )
    pad = 0.15 * (hi - lo if hi > lo else 1)
    ax.set_xlim(min(lo, base) - pad, max(hi, base) + pad)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    top = d.iloc[-1]
    a, b = sorted((top["kpi_low"], top["kpi_high"]))
    name, unit = _split_unit(kpi_label)
    unit = f" {unit}" if unit else ""
    title = (
        f"{_capital(top['name'])} moves {_in_sentence(name)} most: "
        f"{fmt(a, 1)}{unit} to {fmt(b, 1)}{unit} (swing {fmt(top['swing'], 1)}{unit})"
    )
    fig.suptitle(wrap_title(title, 80), fontsize=11, fontweight="bold")
    caption = (
        "One-at-a-time sensitivity: each bar spans the KPI between the parameter's low and "
        f"high value (labels at bar ends); the line marks the base case ({fmt(base, 1)})."
    )
    return save(fig, path, "tornado", title, caption)


def _morris(df, kpi_label, path):
    d = df.sort_values("mu_star", ascending=True).reset_index(drop=True)
    fig = new_figure(7.5, 0.45 * len(d) + 1.8)
    ax = fig.subplots()
    ax.barh(
        range(len(d)),
        d["mu_star"],
        color=OKABE_ITO["blue"],
        label="\u03bc* (mean |elementary effect|)",
    )
    if "mu_star_conf" in d.columns:
        ax.errorbar(
            d["mu_star"],
            range(len(d)),
            xerr=d["mu_star_conf"],
            fmt="none",
            color="black",
            capsize=3,
            label="95 % CI of \u03bc*",
        )
    if "sigma" in d.columns:
        ax.plot(
            d["sigma"],
            range(len(d)),
            "D",
            color=OKABE_ITO["orange"],
            label="\u03c3 (interaction / non-linearity)",
        )
    ax.set_yticks(range(len(d)), list(d["name"]), fontsize=9)
    ax.set_xlabel(f"elementary effect on {_in_sentence(kpi_label)}")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    top = d.iloc[-1]
    name, unit = _split_unit(kpi_label)
    unit = "" if unit == "count" else unit  # "78.6 offences", not "78.6 count"
    title = (
        f"{_capital(top['name'])} influences {_in_sentence(name)} most "
        f"(\u03bc* = {fmt(top['mu_star'], 1)}{' ' + unit if unit else ''})"
    )
    # the value stays on one line with its symbol ("(\u03bc* =" above "10.9 h)" reads badly)
    fig.suptitle(wrap_title(title.replace(" = ", "\u00a0=\u00a0"), 80), fontsize=11,
                 fontweight="bold")
    caption = (
        "Morris screening: \u03bc* ranks influence; \u03c3 flags interactions or non-linear "
        "effects."
    )
    return save(fig, path, "tornado", title, caption)


__all__ = ["tornado"]
