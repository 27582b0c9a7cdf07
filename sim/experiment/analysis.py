"""From finished runs to findings: comparison table, figures and report of an experiment folder.

Every named experiment ends here: ``analyse(out_dir, spec)`` reads the runs the runner finished
(only those in its summary table: stale or failed run folders are ignored), computes means and
paired differences against the baseline (common random numbers), draws the figures and writes
``report.md`` / ``report.html``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.experiment.spec import ExperimentSpec
from sim.loading import load_config
from sim.plots import make_figures
from sim.report import write_report
from sim.report.context import complete_comparison, final_adoption, read_failures
from sim.stats import comparison_table, load_runs, lookup, welch_from_dailies, write_comparison


def analyse(out_dir: str | Path, spec: ExperimentSpec,
            sensitivity: dict[str, pd.DataFrame] | None = None) -> tuple[Path, Path, pd.DataFrame]:
    """Write comparison.csv/.parquet, figures/ and the report; return (md, html, comparison)."""
    out_dir = Path(out_dir)
    table, summaries, dailies = load_runs(out_dir)
    finished = set(zip(table["scenario"], table["seed"]))
    summaries = {k: v for k, v in summaries.items() if k in finished}
    dailies = {k: v for k, v in dailies.items() if k in finished}
    comparison = comparison_table(table, spec.baseline)
    write_comparison(comparison, out_dir)
    cfg, calibrated = load_config(spec.base, list(spec.overrides)), load_config(spec.base)
    run_cfg = cfg.run
    compared = complete_comparison(comparison, read_failures(out_dir))
    figures = make_figures(out_dir / "figures", table, compared, summaries, dailies,
                           sensitivity=sensitivity, warmup_days=run_cfg.warmup_days)
    provenance_file = out_dir / "provenance.json"
    provenance = json.loads(provenance_file.read_text()) if provenance_file.exists() else {}
    info = {"name": spec.name, "scenarios": spec.scenarios, "seeds": sorted(table["seed"].unique().tolist()),
            "horizon_days": run_cfg.horizon_days, "warmup_days": run_cfg.warmup_days,
            "cooldown_days": run_cfg.cooldown_days, "base": spec.base,
            "boxes_per_day": {"import": cfg.imports.boxes_per_day,
                              "export": cfg.exports.boxes_per_day},
            "section_share": cfg.imports.boxes_per_day / calibrated.imports.boxes_per_day,
            "adoption": final_adoption(dailies),
            "welch": welch_from_dailies(dailies, spec.baseline) if dailies else None}
    md, html = write_report(out_dir, table, comparison, figures, provenance, info)
    return Path(md), Path(html), comparison


def headline(comparison: pd.DataFrame, spec: ExperimentSpec, kpi: str = "import_port_time_h") -> list[str]:
    """One line per scenario: the paired change in ``kpi`` against the baseline, with its CI."""
    lines = []
    for scenario in spec.scenarios:
        if scenario == spec.baseline:
            continue
        row = lookup(comparison, scenario, kpi)
        if row is None or pd.isna(row.get("diff_mean")):
            continue
        lines.append(f"{scenario:>20}: {row['diff_mean']:+8.1f} ({row['pct_change']:+.0f} %), "
                     f"95 % CI {row['diff_ci_low']:+.1f} to {row['diff_ci_high']:+.1f}")
    return lines
