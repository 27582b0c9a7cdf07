"""From finished runs to findings: comparison table, figures, report and the console headline.

Every way of running an experiment ends here: ``analyse(out_dir, spec)`` reads the runs the
runner finished (only those in its summary table: stale or failed run folders are ignored),
computes means and paired differences against the baseline (common random numbers), draws the
figures and writes ``report.md`` / ``report.html``.

A scenario that lacks any of the spec's seeds (a run failed or is missing) is *incomplete*: it
is left out of every comparison (no row in comparison.csv, no bar in a figure); the report's
failure box lists the failed runs of ``failures.csv``. If the baseline is incomplete, only its
own means are reported and nothing is compared with it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.analysis.comparison import comparison_table, lookup, write_comparison
from sim.analysis.runs import load_runs
from sim.analysis.warmup import welch_from_dailies
from sim.experiment.spec import ExperimentSpec
from sim.experiment.tables import failed_runs
from sim.loading import CONFIG_DIR, load_config
from sim.plots import make_figures
from sim.report import write_report
from sim.report.context import complete_comparison, final_adoption

# The console headline: (KPI, short label, unit, decimals)
HEADLINE_KPIS = (
    ("import_port_time_h", "import port time", "h", 1),
    ("export_port_time_h", "export port time", "h", 1),
    ("import_cost_total_cny", "cost per import box", "CNY", 0),
    ("import_offences_missed", "import offences missed", "", 1),
)


def incomplete_scenarios(table: pd.DataFrame, spec: ExperimentSpec) -> list[str]:
    """Scenarios of ``spec`` without a done run for every seed the spec asks for."""
    seeds = set(spec.seeds)
    done = table.groupby("scenario")["seed"].apply(set).to_dict() if len(table) else {}
    return [s for s in spec.scenarios if not seeds <= done.get(s, set())]


def analyse(out_dir: str | Path, spec: ExperimentSpec,
            sensitivity: dict[str, pd.DataFrame] | None = None
            ) -> tuple[Path | None, Path | None, pd.DataFrame]:
    """Write comparison.csv/.parquet, figures/ and the report; return (md, html, comparison).

    Without a single done baseline run there is nothing to report: ``(None, None, empty)``.
    """
    out_dir = Path(out_dir)
    table, summaries, dailies = load_runs(out_dir)
    incomplete = incomplete_scenarios(table, spec)
    keep = ([spec.baseline] if spec.baseline in incomplete
            else [s for s in spec.scenarios if s not in incomplete])
    table = table[table["scenario"].isin(keep)]
    if table.empty:
        return None, None, pd.DataFrame()
    finished = set(zip(table["scenario"], table["seed"]))
    summaries = {k: v for k, v in summaries.items() if k in finished}
    dailies = {k: v for k, v in dailies.items() if k in finished}
    comparison = comparison_table(table, spec.baseline)
    write_comparison(comparison, out_dir)
    cfg, calibrated = load_config(spec.base, list(spec.overrides)), load_config(spec.base)
    run_cfg = cfg.run
    compared = complete_comparison(comparison, failed_runs(out_dir))
    figures = make_figures(out_dir / "figures", table, compared, summaries, dailies,
                           sensitivity=sensitivity, warmup_days=run_cfg.warmup_days)
    provenance_file = out_dir / "provenance.json"
    provenance = json.loads(provenance_file.read_text()) if provenance_file.exists() else {}
    info = {"name": spec.name, "scenarios": {s: spec.scenarios[s] for s in keep},
            "seeds": sorted(table["seed"].unique().tolist()),
            "horizon_days": run_cfg.horizon_days, "warmup_days": run_cfg.warmup_days,
            "cooldown_days": run_cfg.cooldown_days, "base": spec.base,
            "boxes_per_day": {"import": cfg.imports.boxes_per_day,
                              "export": cfg.exports.boxes_per_day},
            "section_share": cfg.imports.boxes_per_day / calibrated.imports.boxes_per_day,
            "adoption": final_adoption(dailies),
            "failed_runs": len(failed_runs(out_dir)),
            "welch": welch_from_dailies(dailies, spec.baseline) if dailies else None,
            "assumption_bands": (CONFIG_DIR.parent / spec.assumption_bands
                                 if spec.assumption_bands else None),
            "scenario_discovery": (CONFIG_DIR.parent / spec.scenario_discovery
                                   if spec.scenario_discovery else None)}
    md, html = write_report(out_dir, table, comparison, figures, provenance, info)
    return Path(md), Path(html), comparison


def _signed(x: float, decimals: int) -> str:
    """``-3.14159, 1`` -> ``−3.1`` (a true minus sign; zero shown without a sign)."""
    text = f"{x:+,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text[1:]
    return text.replace("-", "\u2212")


def _cell(row: pd.Series, label: str, unit: str, decimals: int) -> str:
    if 0 < abs(row["diff_ci_high"] - row["diff_ci_low"]) < 10 ** -decimals * 5:  # a narrow CI
        decimals += 2
    unit = f" {unit}" if unit else ""
    pct = f" ({_signed(row['pct_change'], 0)} %)" if pd.notna(row.get("pct_change")) else ""
    return (f"{label} {_signed(row['diff_mean'], decimals)}{unit}{pct} "
            f"[{_signed(row['diff_ci_low'], decimals)}, {_signed(row['diff_ci_high'], decimals)}]")


def headline(comparison: pd.DataFrame, spec: ExperimentSpec) -> list[str]:
    """One line per compared scenario: the paired change against the baseline in port time,
    cost per import box and missed offences, each with its 95 % CI in brackets."""
    lines = []
    for scenario in spec.scenarios:
        if scenario == spec.baseline:
            continue
        cells = []
        for kpi, label, unit, decimals in HEADLINE_KPIS:
            row = lookup(comparison, scenario, kpi)
            if row is not None and pd.notna(row.get("diff_mean")):
                cells.append(_cell(row, label, unit, decimals))
        if cells:
            lines.append(f"{scenario:>20}: " + "; ".join(cells))
    return lines


def console_summary(out_dir: Path, spec: ExperimentSpec, comparison: pd.DataFrame,
                    md: Path | None, html: Path | None, wall_s: float) -> str:
    """What every entry point prints at the end: size, headline, failures, where the files are."""
    out_dir = Path(out_dir)
    table, _, _ = load_runs(out_dir)
    quick = " (quick variant: smaller section, shorter horizon)" if spec.is_quick else ""
    lines = [f"\n{spec.name}{quick}: {len(spec.scenarios)} scenarios x {spec.replications} "
             f"replications in {wall_s:.0f} s -> {out_dir}"]
    if len(comparison):
        lines.append(f"Change against '{spec.baseline}' (paired over common seeds, mean "
                     f"difference and 95 % CI):")
        lines += headline(comparison, spec)
    failures = failed_runs(out_dir)
    incomplete = incomplete_scenarios(table, spec)
    if len(failures):
        lines.append(f"\nFAILED: {len(failures)} run(s); see {out_dir / 'failures.csv'}")
        lines += [f"  {r.scenario} seed {r.seed}: {r.error}" for r in failures.head(5).itertuples()]
    if incomplete:
        lines.append(f"Incomplete (left out of every comparison): {', '.join(incomplete)}")
    if md is not None:
        lines.append(f"\nReport: {html}\n        {md}")
    lines.append(f"Tables: {out_dir / 'comparison.csv'}, {out_dir / 'summary.csv'}")
    return "\n".join(lines)
