"""The default ``shanghai`` scenario reproduces the 2017 reference figures within tolerance."""
import pandas as pd
import pytest

from sim import load_config, run
from sim.reference import TARGETS, calibration_table

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def table():
    cfg = load_config("shanghai", ["run.horizon_days=45", "run.write_log=false"])
    summaries = [run(cfg, seed=s).summary for s in SEEDS]
    t = calibration_table(summaries, cfg.costs.cny_per_usd)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("\nModel vs reference (shanghai, %d replications):\n" % len(SEEDS))
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
