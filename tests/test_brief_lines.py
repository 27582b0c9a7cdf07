"""The brief's reform-by-reform lines (sim/report/brief.py) on a hand-made comparison table."""
from __future__ import annotations

import pandas as pd

from sim.report.brief import reform_lines


def _row(scenario: str, kpi: str, diff: float, pct: float, better: int = -1) -> dict:
    """One comparison row, its paired interval ±10 % around ``diff``."""
    half = abs(diff) / 10
    return {"scenario": scenario, "is_baseline": scenario == "baseline", "kpi": kpi, "label": kpi,
            "unit": "h", "better": better, "n": 3, "mean": 100.0 + diff, "sd": 1.0,
            "ci_low": 99.0 + diff, "ci_high": 101.0 + diff, "half_width": 1.0, "n_pairs": 3,
            "baseline_mean": 100.0, "scenario_mean": 100.0 + diff, "diff_mean": diff,
            "diff_sd": half, "diff_ci_low": diff - half, "diff_ci_high": diff + half,
            "diff_half_width": half, "pct_change": pct, "pct_ci_low": pct * 0.9,
            "pct_ci_high": pct * 1.1, "significant": True,
            "direction": "worse" if diff * better < 0 else "better",
            "welch_ci_low": diff - 2 * half, "welch_ci_high": diff + 2 * half,
            "welch_half_width": 2 * half}


def test_a_reform_whose_main_effect_is_a_worsening_does_not_repeat_it_as_its_side_effect():
    """Measured on the reference before the fix: 'mean export clearance time +2.6 h (+11 %); but
    mean export clearance time +2.6 h (+11 %)' for two-step declaration."""
    comparison = pd.DataFrame([
        _row("baseline", "export_clearance_time_h", 0.0, 0.0),
        _row("two_step", "export_clearance_time_h", 2.6, 11.0),
        _row("two_step", "import_clearance_time_h", 0.2, 0.2),
    ])
    no_change = comparison["kpi"] == "import_clearance_time_h"  # its interval spans zero
    comparison.loc[no_change, ["diff_ci_low", "significant"]] = [-0.5, False]
    (line,) = reform_lines(comparison, None)
    assert line.effect.count("export clearance time") == 1, line.effect
    assert "but" not in line.effect


def test_a_distinct_worsening_is_named_after_the_main_effect():
    comparison = pd.DataFrame([
        _row("baseline", "import_port_time_h", 0.0, 0.0),
        _row("direct_pickup", "import_port_time_h", -5.0, -3.0),
        _row("direct_pickup", "export_port_time_h", 2.0, 2.5),
    ])
    (line,) = reform_lines(comparison, None)
    assert line.effect.index("import port time") < line.effect.index("; but ") < line.effect.index("export")
