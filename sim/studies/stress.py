"""The stress test's own table: how the full reform package holds up under each stress, and how
much each stress hurts with and without it (``experiments/stress_test.py`` runs it).

``run_stress_test(spec, out)`` runs (resuming) and analyses the experiment like any other
(:func:`sim.studies.run_experiment`), then writes ``stress_vs_reform.csv``: paired differences
(common seeds), per KPI, of

- ``package``: the full package against no reform under the same stress,
- ``stress``: each stress against no stress, without reform and with the full package.

Two KPIs are added from the run summaries for this: ``inspection_wait_h`` (mean wait for an
inspection team, Little's law on the inspection station: mean number waiting / arrival rate,
measurement window to horizon) and ``import_red_clearance_time_h`` (mean clearance time of
red-channel imports).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.comparison import paired_differences
from sim.analysis.runs import finished_runs, kpi_columns, load_runs
from sim.experiment.spec import ExperimentSpec
from sim.kpis import kpi_label, kpi_unit
from sim.outputs import atomic_write
from sim.studies.findings import incomplete_scenarios
from sim.studies.pipeline import ExperimentResult, run_experiment

STRESSES = ("surge", "outage", "bunching")
NO_STRESS = "none"
REFORM_SUFFIX = "_full"
EXTRA_KPIS = ("inspection_wait_h", "import_red_clearance_time_h")
EXTRA_LABELS = {"inspection_wait_h": "wait for an inspection team (mean)",
                "import_red_clearance_time_h": "import clearance time, red channel (mean)"}
HEADLINE_KPIS = ("import_port_time_h", "import_clearance_time_h", "inspection_wait_h",
                 "import_cost_total_cny")
OUTPUT = "stress_vs_reform.csv"
COLUMNS = ["effect", "stress", "reform", "scenario", "versus", "kpi", "label", "unit", "n_pairs",
           "versus_mean", "scenario_mean", "diff_mean", "diff_ci_low", "diff_ci_high",
           "pct_change", "pct_ci_low", "pct_ci_high", "significant"]


def scenario_name(stress: str, reform: bool, baseline: str = "baseline") -> str:
    """``("outage", True)`` -> ``outage_full``; no stress: ``baseline`` / ``full``."""
    if stress == NO_STRESS:
        return "full" if reform else baseline
    return f"{stress}{REFORM_SUFFIX}" if reform else stress


def add_summary_kpis(table: pd.DataFrame, summaries: dict) -> pd.DataFrame:
    """``table`` with :data:`EXTRA_KPIS` read from each run's summary (NaN where missing)."""
    out = table.copy()
    waits, red = [], []
    for scenario, seed in zip(out["scenario"], out["seed"]):
        s = summaries.get((scenario, int(seed))) or summaries.get((scenario, str(seed))) or {}
        station = s.get("stations", {}).get("inspection", {})
        rate = station.get("arrivals_per_h")
        waits.append(station["mean_waiting"] / rate if rate else float("nan"))
        flow = s.get("flows", {}).get("import", {}).get("red", {})
        red.append((flow.get("clearance_time_h") or {}).get("mean", float("nan")))
    out["inspection_wait_h"] = pd.to_numeric(pd.Series(waits, index=out.index), errors="coerce")
    out["import_red_clearance_time_h"] = pd.to_numeric(pd.Series(red, index=out.index), errors="coerce")
    return out


def stress_vs_reform(table: pd.DataFrame, baseline: str = "baseline",
                     kpis: list[str] | None = None) -> pd.DataFrame:
    """Paired differences (common seeds) of the package under each stress and of each stress
    with and without the package; scenarios missing from ``table`` are skipped."""
    runs = finished_runs(table)
    present = set(runs["scenario"])
    if kpis is None:
        kpis = [*kpi_columns(runs), *[k for k in EXTRA_KPIS if k in runs.columns]]
    pairs = []  # (effect, stress, reform, scenario, versus)
    for stress in (NO_STRESS, *STRESSES):
        pairs.append(("package", stress, "full", scenario_name(stress, True, baseline),
                      scenario_name(stress, False, baseline)))
    for stress in STRESSES:
        for reform in (False, True):
            pairs.append(("stress", stress, "full" if reform else "none",
                          scenario_name(stress, reform, baseline),
                          scenario_name(NO_STRESS, reform, baseline)))
    frames = []
    for effect, stress, reform, scenario, versus in pairs:
        if scenario not in present or versus not in present:
            continue
        d = paired_differences(runs[runs["scenario"].isin([scenario, versus])], versus, kpis)
        d = d.rename(columns={"baseline_mean": "versus_mean"})
        d.insert(0, "effect", effect)
        d.insert(1, "stress", stress)
        d.insert(2, "reform", reform)
        d["versus"] = versus
        d["label"] = d["kpi"].map(lambda k: EXTRA_LABELS.get(k) or kpi_label(k))
        d["unit"] = d["kpi"].map(kpi_unit)
        frames.append(d[COLUMNS])
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def summary_lines(svr: pd.DataFrame, kpis=HEADLINE_KPIS) -> list[str]:
    """Readable lines: the package's effect under each stress and each stress's effect."""
    lines = []

    def cell(r) -> str:
        return (f"{r['diff_mean']:+8.1f} ({r['pct_change']:+4.0f} %, "
                f"95 % CI {r['diff_ci_low']:+.1f} to {r['diff_ci_high']:+.1f})")

    for kpi in kpis:
        rows = svr[svr["kpi"] == kpi]
        if rows.empty:
            continue
        unit = rows["unit"].iloc[0]
        lines.append(f"{rows['label'].iloc[0]} ({unit}):")
        for _, r in rows[rows["effect"] == "package"].iterrows():
            lines.append(f"  full package vs no reform, {('stress: ' + r['stress']):<17}"
                         f"{r['versus_mean']:8.1f} -> {r['scenario_mean']:8.1f}  {cell(r)}")
        for _, r in rows[rows["effect"] == "stress"].iterrows():
            lines.append(f"  {r['stress']:<8} vs no stress, {'with' if r['reform'] == 'full' else 'without'}"
                         f" package{'':<3}{r['versus_mean']:8.1f} -> {r['scenario_mean']:8.1f}  {cell(r)}")
    return lines


def run_stress_test(spec: ExperimentSpec, out: str | Path, progress: bool | None = True,
                    **run_kwargs) -> tuple[ExperimentResult, pd.DataFrame]:
    """Run (resuming) and analyse the experiment, then write ``stress_vs_reform.csv`` over its
    complete scenarios; return (the experiment's result, the stress_vs_reform frame)."""
    result = run_experiment(spec, out, progress=progress, **run_kwargs)
    table, summaries, _ = load_runs(result.out_dir)
    table = table[~table["scenario"].isin(incomplete_scenarios(table, spec))]
    svr = stress_vs_reform(add_summary_kpis(table, summaries), spec.baseline)
    atomic_write(result.out_dir / OUTPUT, lambda p: svr.to_csv(p, index=False))
    return result, svr
