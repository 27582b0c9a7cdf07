"""Statistics of an experiment, by their old import path: ``from sim.stats import ...``.

The code lives in :mod:`sim.analysis`, one module per concept (significance, runs table,
comparison, replication plans, warm-up); confidence intervals in :mod:`sim.intervals`, the
sequential replication rule in :mod:`sim.experiment.sequential`, KPI labels, units and
directions in the registry :mod:`sim.kpis`. This module re-exports their public names for
existing callers.
"""
from __future__ import annotations

from sim.analysis.comparison import (
    DIFF_COLUMNS,
    comparison_table,
    difference,
    lookup,
    paired_differences,
    scenario_means,
    write_comparison,
)
from sim.analysis.runs import (
    FAILED_STATUSES,
    ID_COLUMNS,
    OK_STATUSES,
    add_derived_kpis,
    cost_components,
    finished_runs,
    kpi_columns,
    load_runs,
    stage_names,
    table_from_summaries,
)
from sim.analysis.sequential import replications_plan
from sim.analysis.significance import SIGNIFICANCE_RULE, direction, significant
from sim.analysis.warmup import welch_from_dailies, welch_moving_average, welch_warmup_days
from sim.experiment.sequential import replications_needed
from sim.intervals import CONFIDENCE, paired_interval, ratio_interval, t_interval, welch_interval
from sim.kpis import DERIVED_SUFFIX, is_kpi, kpi_better, kpi_label, kpi_unit

__all__ = [
    "CONFIDENCE", "DERIVED_SUFFIX", "DIFF_COLUMNS", "FAILED_STATUSES", "ID_COLUMNS",
    "OK_STATUSES", "SIGNIFICANCE_RULE", "add_derived_kpis", "comparison_table", "cost_components",
    "difference", "direction", "finished_runs", "is_kpi", "kpi_better", "kpi_columns",
    "kpi_label", "kpi_unit", "load_runs", "lookup", "paired_differences", "paired_interval",
    "ratio_interval", "replications_needed", "replications_plan", "scenario_means",
    "significant", "stage_names", "t_interval", "table_from_summaries", "welch_from_dailies",
    "welch_interval", "welch_moving_average", "welch_warmup_days", "write_comparison",
]
