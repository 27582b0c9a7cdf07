"""The report of a Morris screening: findings in plain words, ranking tables, one tornado per KPI.

``write_morris_report`` writes ``report.md`` and ``report.html`` next to ``morris.csv``; the
standard comparison report (one scenario per sample point) would say nothing useful here. KPI
titles and units come from the registry :mod:`sim.kpis`.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from sim.analysis.runs import finished_runs
from sim.experiment.morris_design import MorrisSettings
from sim.experiment.spec import ExperimentSpec
from sim.kpis import describe
from sim.outputs import atomic_write


def kpi_axis_label(kpi: str) -> str:
    """``import_port_time_h`` -> ``Import port time (h)``: the KPI's title with its unit."""
    described = describe(kpi)
    return described.axis_label if described else kpi.replace("_", " ")


def _unit(kpi: str) -> str:
    described = describe(kpi)
    return described.unit if described else ""


def _num(x: float, unit: str = "") -> str:
    from sim.plots.style import fmt

    if x is None or not math.isfinite(x):
        return "n/a"
    decimals = 0 if unit == "CNY" or abs(x) >= 100 else (1 if abs(x) >= 1 else 2)
    text = fmt(x, decimals)
    return f"{text} {unit}" if unit and unit != "count" else text


def _range(p: pd.Series) -> str:
    return f"{p['low']:g} to {p['high']:g}" + (" (integer)" if bool(p["integer"]) else "")


def finding(frame: pd.DataFrame, top: int = 3) -> str:
    """One plain-language line per KPI: the most influential parameters and how much they move
    it, e.g. '**Import port time (h)** (baseline 150.2 h) moves most with ...'."""
    kpi = frame["kpi"].iloc[0]
    unit = _unit(kpi)
    base = float(frame["kpi_baseline"].iloc[0])
    parts = []
    for _, r in frame.head(top).iterrows():
        pct = r["mu_star_pct_of_baseline"]
        share = f", {_num(pct)} % of the baseline" if math.isfinite(pct) else ""
        direction = "raises it" if r["mu"] > 0.5 * r["mu_star"] else (
            "lowers it" if r["mu"] < -0.5 * r["mu_star"] else "moves it either way")
        parts.append(f"{r['name']} from {_range(r)} ({direction} by about "
                     f"{_num(r['mu_star'], unit)} over its range{share})")
    small = (frame[frame["mu_star_pct_of_baseline"] < 1] if math.isfinite(base) and base
             else frame.iloc[0:0])
    tail = (f" {len(small)} of {len(frame)} parameters move it by less than 1 % of the baseline."
            if len(small) else "")
    return (f"**{kpi_axis_label(kpi)}** (baseline {_num(base, unit)}) moves most with "
            + "; then ".join(parts) + "." + tail)


def write_morris_report(out_dir: str | Path, spec: ExperimentSpec, s: MorrisSettings,
                        frames: dict[str, pd.DataFrame], table: pd.DataFrame) -> tuple[Path, Path]:
    """``report.md`` and ``report.html`` of a screening (``spec``: its experiment, one scenario
    per sample point and the baseline; ``s``: its design): findings, ranking tables, one tornado
    per KPI, the parameter ranges, methods and provenance."""
    from sim.loading import load_config
    from sim.plots import tornado
    from sim.report import provenance_blocks, render_html, render_markdown

    out_dir = Path(out_dir)
    runs = finished_runs(table)
    figures = [tornado(f, kpi_axis_label(kpi), out_dir / "figures" / f"tornado_{i}")
               for i, (kpi, f) in enumerate(frames.items(), 1)]
    blocks: list = [
        ("h1", f"Clearway experiment: {spec.name} (Morris screening)"),
        ("h2", "Summary"),
        ("p", (f"Which of {s.k} uncertain inputs move the results most. Each input was varied "
               f"over the range below, one at a time along {s.trajectories} random paths "
               "(Morris elementary effects); \u03bc* is the average size of the change in a "
               "result when an input moves across its range, \u03c3 how much that change "
               "depends on the other inputs (interactions or curvature).")),
        ("ul", [finding(f) for f in frames.values()]),
        ("h2", "Ranking"),
        ("p", ("Per result, inputs by \u03bc* (95 % bootstrap CI); \u03bc keeps the sign (a "
               "consistent direction has |\u03bc| close to \u03bc*). Full table: `morris.csv`; "
               "the values each sample point ran with: `design.csv`.")),
    ]
    for kpi, f in frames.items():
        unit = _unit(kpi)
        rows = [[str(int(r["rank"])), r["name"], f"`{r['parameter']}`", _range(r),
                 f"{_num(r['mu_star'], unit)} \u00b1 {_num(r['mu_star_conf'])}",
                 _num(r["mu"], unit), _num(r["sigma"], unit),
                 _num(r["mu_star_pct_of_baseline"]) + " %"] for _, r in f.iterrows()]
        blocks += [("p", f"**{kpi_axis_label(kpi)}**"),
                   ("table", ["Rank", "Input", "Config path", "Range", "\u03bc* (95 % CI)",
                              "\u03bc", "\u03c3",
                              "\u03bc* / baseline"], rows)]
    blocks.append(("h2", "Figures"))
    for i, fig in enumerate(figures, 1):
        if fig.png is not None:
            blocks.append(("figure", fig.png, f"Figure {i}. {fig.title}", fig.caption))
    run_cfg = load_config(spec.base, list(spec.overrides)).run
    seeds = sorted(runs["seed"].unique().tolist())
    failed = len(table) - len(runs)
    points = s.trajectories * (s.k + 1)  # the Morris sample: k + 1 points per trajectory
    methods = (
        f"Morris screening (SALib) of {s.k} inputs: {s.trajectories} trajectories on a "
        f"{s.levels}-level grid, each of {s.k + 1} points changing one input by "
        f"{s.levels / (2 * (s.levels - 1)):.3g} of its range; {points} sample points (design seed "
        f"{s.sample_seed}) and the unchanged baseline, each run with seeds "
        f"{', '.join(map(str, seeds))} (common random numbers: every point sees the same "
        "arrivals, cargo and risk draws, so an elementary effect measures the input, not the "
        "draw). A point's result is its mean over seeds. An elementary effect is the change in "
        "the result divided by the step as a share of the range, so \u03bc* approximates the "
        f"change over the whole range. The CI of \u03bc* bootstraps the trajectories "
        f"({s.num_resamples} resamples). Integer inputs (server counts) are rounded. "
        f"Base scenario `{spec.base}` with the shared overrides below; each run simulated "
        f"{run_cfg.horizon_days:g} days, counting containers that entered after the "
        f"{run_cfg.warmup_days:g}-day warm-up and before the {run_cfg.cooldown_days:g}-day "
        "cool-down.")
    if failed:
        methods += f" {failed} run(s) failed; trajectories with a missing point are left out."
    blocks += [("h2", "Methods"), ("p", methods),
               ("p", "Shared overrides: "
                     + (" ".join(f"`{o}`" for o in spec.overrides) or "(none)"))]
    provenance_file = out_dir / "provenance.json"
    provenance = json.loads(provenance_file.read_text()) if provenance_file.exists() else {}
    blocks += [("h2", "Provenance"), *provenance_blocks(provenance, {})]
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    md = render_markdown(blocks, out_dir)
    page = render_html(blocks, f"Clearway experiment: {spec.name}")
    atomic_write(md_path, lambda p: p.write_text(md, encoding="utf-8"))
    atomic_write(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    return md_path, html_path


