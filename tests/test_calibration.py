"""The default ``shanghai`` scenario reproduces the 2017 reference figures within tolerance.

Two sizes, both on the run the fit used (24 days, 14 of warm-up, sim/studies/calibration.py):
the quick one runs the two fitted seeds of the 35 % section the policy comparison uses
(sim.scaling.scaled_overrides: demand and every capacity scaled together, so stage times stay
about the same); the full one runs the whole port with three seeds. Both are on the slow tier
(``pytest -m slow``): even the quick one simulates about a minute of CPU, a sixth of the default
tier's budget. The default tier runs the calibration check's pipeline (table, figure, report) on
the tiny port: tests/test_named_experiments.py.
"""
import pandas as pd
import pytest

from sim import load_config, run
from sim.reference import TARGETS, calibration_table
from sim.scaling import scaled_overrides

# (share of the port, seeds)
SIZES = [
    pytest.param((0.35, (1, 2)), id="quick", marks=pytest.mark.slow),
    pytest.param((1.0, (1, 2, 3)), id="full", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module", params=SIZES)
def table(request):
    share, seeds = request.param
    overrides = ["run.horizon_days=24", "run.cooldown_days=3", "run.write_log=false"]  # as the fit ran
    if share != 1.0:
        overrides += scaled_overrides(load_config("shanghai", []), share)
    cfg = load_config("shanghai", overrides)
    summaries = [run(cfg, seed=s).summary for s in seeds]
    t = calibration_table(summaries, cfg.costs.cny_per_usd)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(f"\nModel vs reference (shanghai, {share:.0%} of the port, {len(seeds)} replications):\n")
        print(t.drop(columns="source").round(2).to_string(index=False))
    return t


@pytest.mark.parametrize("figure", [t.figure for t in TARGETS])
def test_shanghai_matches_reference_figure(table, figure):
    row = table.set_index("figure").loc[figure]
    assert row["within"], (
        f"{figure}: model {row['model']:.2f} {row['unit']} vs reference {row['reference']} "
        f"({row['error_pct']:+.1f} %, tolerance +-{row['tolerance_pct']:.0f} %)")


def test_inspections_finish_within_three_hours(table):
    row = table.set_index("figure").loc["inspections finished within 3 h"]
    assert row["within"], f"only {row['model']:.1%} of inspections took <= 3 h"
