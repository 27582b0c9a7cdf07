"""The brief's reform-by-reform lines (sim/report/brief.py) and the ranking that orders them
(sim/plots/ranking.py), on hand-made comparison tables."""
from __future__ import annotations

import pandas as pd

from sim.plots.ranking import ranked_reforms, ranking_chart
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


def test_a_cut_within_the_noise_does_not_rank_a_reform_first(tmp_path):
    """Measured on the reference before the fix: the ranking chart's title read 'Full package cuts
    time in port most (-20 %)', an export cut whose interval included zero."""
    comparison = pd.DataFrame([
        _row("baseline", "export_port_time_h", 0.0, 0.0),
        _row("baseline", "import_port_time_h", 0.0, 0.0),
        _row("direct_loading", "export_port_time_h", -13.2, -19.0),
        _row("direct_loading", "import_port_time_h", 0.0, 0.0),
        _row("e_documents", "export_port_time_h", 0.0, 0.0),
        _row("e_documents", "import_port_time_h", -3.6, -2.3),
    ])
    noisy = (comparison["scenario"] == "direct_loading") & (comparison["kpi"] == "export_port_time_h")
    comparison.loc[noisy, ["diff_ci_high", "significant"]] = [0.7, False]
    assert ranked_reforms(comparison) == ["e_documents", "direct_loading"]
    figure = ranking_chart(comparison, tmp_path / "ranking")
    assert figure.title.startswith("Electronic documents cuts time in port most")


def test_a_reform_that_moves_no_time_or_cost_is_headed_by_what_its_mechanism_acts_on():
    """Measured on the reference before the fix: punctuality forecasts were headed 'export cost
    per container -43 CNY ... not distinguishable from zero', while roll-overs fell distinctly."""
    comparison = pd.DataFrame([
        _row("baseline", "export_port_time_h", 0.0, 0.0),
        _row("baseline", "export_rolled_over_per_1000", 0.0, 0.0),
        _row("punctuality_forecast", "export_port_time_h", -0.2, -0.25),
        _row("punctuality_forecast", "export_rolled_over_per_1000", -2.5, -4.3),
    ])
    within_noise = comparison["kpi"] == "export_port_time_h"
    comparison.loc[within_noise, ["diff_ci_low", "diff_ci_high", "significant"]] = [-3.2, 2.7, False]
    (line,) = reform_lines(comparison, None)
    assert line.effect.startswith("export boxes rolled over \u22122.5"), line.effect
    assert "not distinguishable" not in line.noise, line.noise
