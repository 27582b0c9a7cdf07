"""Experiment statistics (sim.analysis): intervals against hand computations and a textbook
example, the significance rule, pairing on seed, common random numbers on real runs,
replications needed, Welch's warm-up method, loading runs.

The hand computations use t quantiles from tables: t(0.975; 3) = 3.182446, t(0.975; 4) = 2.776445.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from sim.analysis.comparison import (
    comparison_table,
    paired_differences,
    scenario_means,
    write_comparison,
)
from sim.analysis.runs import add_derived_kpis, load_runs
from sim.analysis.sequential import replications_plan
from sim.analysis.significance import NO_CHANGE, SIGNIFICANCE_RULE, direction, significant
from sim.analysis.warmup import welch_from_dailies, welch_moving_average, welch_warmup_days
from sim.experiment.sequential import replications_needed
from sim.intervals import paired_interval, t_interval, welch_interval
from sim.kpis import kpi_row
from sim.run import write_run

T_975_3 = 3.182446
T_975_4 = 2.776445
CRN_SEEDS = (1, 2, 3, 4, 5)


def runs_table(
    values: dict[str, dict[int, float]], kpi: str = "import_port_time_h", **extra
) -> pd.DataFrame:
    """A runs table like the runner's: {scenario: {seed: value}} for one KPI."""
    rows = [
        {"scenario": s, "replication": i, "seed": seed, "status": "ok", "wall_s": 1.0, kpi: v}
        for s, per_seed in values.items()
        for i, (seed, v) in enumerate(per_seed.items())
    ]
    table = pd.DataFrame(rows)
    for name, column in extra.items():
        table[name] = column
    return table


# --------------------------------------------------------------------------------------------
# intervals against hand computations


def test_t_interval_matches_hand_computation():
    ci = t_interval([1, 2, 3, 4, 5])
    half = T_975_4 * math.sqrt(2.5) / math.sqrt(5)  # sd of 1..5 is sqrt(2.5)
    assert ci["n"] == 5 and ci["mean"] == pytest.approx(3.0)
    assert ci["sd"] == pytest.approx(math.sqrt(2.5))
    assert ci["half_width"] == pytest.approx(half, rel=1e-5)
    assert (ci["ci_low"], ci["ci_high"]) == pytest.approx((3 - half, 3 + half), rel=1e-5)


def test_values_equal_but_for_rounding_give_a_point_like_interval_without_a_warning(recwarn):
    nearly = [5.0, 5.0, 5.0 + 1e-14]  # a KPI every replication gives alike, but for rounding
    ci = t_interval(nearly)
    assert ci["ci_low"] < 5.0 < ci["ci_high"] and ci["half_width"] < 1e-12
    paired = paired_interval(nearly, [0.0, 0.0, 0.0])
    assert paired["half_width"] < 1e-12
    assert welch_interval(nearly, [5.0, 5.0 + 1e-14, 5.0])[2] < 1e-12
    assert not [w for w in recwarn if "Precision loss" in str(w.message)]


def test_scenario_means_per_scenario_and_kpi():
    table = runs_table({"base": {1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0, 5: 5.0}, "b": {1: 10.0, 2: 10.0}})
    means = scenario_means(table, ["import_port_time_h"]).set_index("scenario")
    assert means.at["base", "n"] == 5 and means.at["base", "half_width"] == pytest.approx(
        1.963243, rel=1e-5
    )
    assert means.at["b", "mean"] == 10.0 and means.at["b", "half_width"] == 0.0


def test_paired_difference_matches_hand_computation_and_ignores_unmatched_and_failed_runs():
    # baseline x = 10, 12, 11, 15; scenario y = 8, 11, 9, 12 on seeds 1-4: d = -2, -1, -2, -3
    table = runs_table(
        {
            "base": {1: 10.0, 2: 12.0, 3: 11.0, 4: 15.0, 9: 99.0},
            "policy": {4: 12.0, 3: 9.0, 2: 11.0, 1: 8.0, 5: 50.0},
        }
    )  # shuffled, extra seed 5
    table.loc[(table["scenario"] == "base") & (table["seed"] == 9), "status"] = "failed"
    row = paired_differences(table, "base", ["import_port_time_h"]).iloc[0]

    half = T_975_3 * math.sqrt(2 / 3) / 2  # sd of d = sqrt((0 + 1 + 0 + 1) / 3)
    assert row["n_pairs"] == 4
    assert (row["baseline_mean"], row["scenario_mean"]) == (12.0, 10.0)
    assert row["diff_mean"] == pytest.approx(-2.0)
    assert row["diff_sd"] == pytest.approx(math.sqrt(2 / 3))
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx(
        (-2 - half, -2 + half), rel=1e-5
    )
    assert row["significant"]
    # percent change: R = 10/12; residuals y - R x = -1/3, 1, -1/6, -1/2 (mean 0)
    r = 10 / 12
    resid_sd = math.sqrt((1 / 9 + 1 + 1 / 36 + 1 / 4) / 3)
    pct_half = 100 * T_975_3 * resid_sd / (2 * 12)
    assert row["pct_change"] == pytest.approx(100 * (r - 1))
    assert (row["pct_ci_low"], row["pct_ci_high"]) == pytest.approx(
        (100 * (r - 1) - pct_half, 100 * (r - 1) + pct_half), rel=1e-4
    )


# Student's sleep data (Cushny & Peebles 1905): extra hours of sleep of 10 patients under two
# drugs. R's documented results: t.test(extra ~ group, data = sleep, paired = TRUE) gives a mean
# difference of -1.58 h, 95 % CI -2.4598858 to -0.7001142 (t = -4.0621, df = 9); the Welch test
# t.test(extra ~ group, data = sleep) gives -3.3654832 to 0.2054832 (df = 17.776).
SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_and_welch_intervals_reproduce_the_textbook_sleep_example():
    table = runs_table({"drug_2": dict(enumerate(SLEEP_DRUG_2, 1)),
                        "drug_1": dict(enumerate(SLEEP_DRUG_1, 1))})
    row = paired_differences(table, "drug_2", ["import_port_time_h"]).iloc[0]
    assert row["n_pairs"] == 10 and row["diff_mean"] == pytest.approx(-1.58)
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((-2.4598858, -0.7001142), abs=1e-7)
    assert (row["welch_ci_low"], row["welch_ci_high"]) == pytest.approx((-3.3654832, 0.2054832), abs=1e-7)
    assert row["significant"] and row["direction"] == "better"  # lower port time is better


@pytest.mark.parametrize(("low", "high", "better", "expected"), [
    (-3.0, -1.0, -1, "better"), (-3.0, -1.0, +1, "worse"), (1.0, 2.0, -1, "worse"),
    (1.0, 2.0, 0, "higher"), (-2.0, -1.0, 0, "lower"), (-1.0, 2.0, -1, NO_CHANGE),
    (0.0, 2.0, -1, NO_CHANGE), (math.nan, math.nan, -1, NO_CHANGE), (None, None, 0, NO_CHANGE),
])
def test_one_significance_rule_the_interval_must_exclude_zero(low, high, better, expected):
    assert direction(low, high, better) == expected
    assert significant(low, high) == (expected != NO_CHANGE)


def test_significance_rule_text_states_the_interval_rule():
    assert "95 % confidence interval of the paired difference" in SIGNIFICANCE_RULE
    assert "excludes zero" in SIGNIFICANCE_RULE


def test_difference_whose_interval_covers_zero_is_not_significant():
    table = runs_table({"base": {1: 10.0, 2: 12.0, 3: 11.0}, "policy": {1: 11.0, 2: 11.0, 3: 11.5}})
    row = paired_differences(table, "base", ["import_port_time_h"]).iloc[0]
    assert row["diff_ci_low"] < 0 < row["diff_ci_high"]
    assert not row["significant"]


def test_paired_interval_is_narrower_than_welch_when_pairs_are_positively_correlated():
    rng = np.random.default_rng(7)
    common = rng.normal(100, 10, size=8)  # what a seed does to both scenarios
    base = common + rng.normal(0, 1, size=8)
    policy = common - 5 + rng.normal(0, 1, size=8)
    table = runs_table({"base": dict(enumerate(base, 1)), "policy": dict(enumerate(policy, 1))})
    row = paired_differences(table, "base", ["import_port_time_h"]).iloc[0]
    welch_half = sps.ttest_ind(policy, base, equal_var=False).confidence_interval()
    assert row["welch_half_width"] == pytest.approx(
        (welch_half.high - welch_half.low) / 2, rel=1e-6
    )
    assert row["diff_half_width"] < row["welch_half_width"] / 3
    assert row["significant"] and not (row["welch_ci_low"] > 0 or row["welch_ci_high"] < 0)


def test_paired_interval_is_wider_than_welch_when_pairs_are_negatively_correlated():
    """The pairing is not a free lunch: it helps only through positive correlation."""
    rng = np.random.default_rng(8)
    common = rng.normal(0, 10, size=8)
    table = runs_table(
        {"base": dict(enumerate(100 + common, 1)), "policy": dict(enumerate(95 - common, 1))}
    )
    row = paired_differences(table, "base", ["import_port_time_h"]).iloc[0]
    assert row["diff_half_width"] > row["welch_half_width"]


def test_undefined_kpis_are_left_out_of_means_and_pairs():
    table = runs_table({"base": {1: 10.0, 2: 12.0, 3: 11.0}, "policy": {1: 8.0, 2: 11.0, 3: 9.0}})
    table["import_fast_lane_share"] = [None, None, None, 0.1, None, 0.3]
    table["import_fast_lane_share"] = pd.to_numeric(table["import_fast_lane_share"])
    means = scenario_means(table, ["import_fast_lane_share"]).set_index("scenario")
    assert means.at["base", "n"] == 0 and math.isnan(means.at["base", "mean"])
    assert means.at["policy", "n"] == 2 and means.at["policy", "mean"] == pytest.approx(0.2)
    row = paired_differences(table, "base", ["import_fast_lane_share"]).iloc[0]
    assert row["n_pairs"] == 0 and not row["significant"]


def test_comparison_table_merges_means_differences_and_detection_rate():
    table = runs_table(
        {"base": {1: 10.0, 2: 12.0, 3: 11.0}, "policy": {1: 8.0, 2: 11.0, 3: 9.0}},
        import_offences_detected=[6, 8, 7, 3, 4, 5],
        import_offences_missed=[4, 2, 3, 7, 6, 5],
    )
    comp = comparison_table(table, "base")
    assert set(comp["kpi"]) == {
        "import_port_time_h",
        "import_offences_detected",
        "import_offences_missed",
        "import_detection_rate",
    }
    base_row = comp[(comp["scenario"] == "base") & (comp["kpi"] == "import_port_time_h")].iloc[0]
    assert base_row["is_baseline"] and math.isnan(base_row["diff_mean"]) and base_row["unit"] == "h"
    rate = comp[(comp["scenario"] == "policy") & (comp["kpi"] == "import_detection_rate")].iloc[0]
    assert rate["mean"] == pytest.approx(0.4)  # (0.3 + 0.4 + 0.5) / 3
    assert rate["diff_mean"] == pytest.approx(-0.3)  # baseline 0.6, 0.8, 0.7
    assert rate["unit"] == "share" and rate["better"] == 1


def test_comparison_clips_level_intervals_to_the_kpi_range():
    table = runs_table(
        {"base": {1: 0.01, 2: 0.9, 3: 0.02}, "policy": {1: 0.0, 2: 0.95, 3: 0.05}},
        kpi="import_fast_lane_share",
    )
    comp = comparison_table(table, "base", derived=False).set_index("scenario")
    assert comp.at["base", "ci_low"] == 0.0 and comp.at["base", "ci_high"] == 1.0
    assert comp.at["base", "half_width"] > comp.at["base", "mean"]  # the raw t half-width is kept


def test_only_kpi_columns_are_summarised_by_default():
    table = runs_table(
        {"base": {1: 1.0, 2: 2.0}},
        import_stage_unloading_h=[5.0, 6.0],
        export_cost_inventory_cny=[7.0, 8.0],
        attempts=[1, 1],
        error=[None, None],
    )
    assert list(scenario_means(table)["kpi"]) == [
        "import_port_time_h",
        "import_stage_unloading_h",
        "export_cost_inventory_cny",
    ]


def test_unknown_run_status_is_an_error_not_silently_dropped():
    table = runs_table({"base": {1: 1.0, 2: 2.0}})
    table["status"] = ["ok", "pending"]
    with pytest.raises(ValueError, match="pending"):
        scenario_means(table)


def test_comparison_files_are_written(tmp_path):
    table = runs_table({"base": {1: 10.0, 2: 12.0}, "policy": {1: 8.0, 2: 11.0}})
    csv, parquet = write_comparison(comparison_table(table, "base"), tmp_path)
    from_csv, from_parquet = pd.read_csv(csv), pd.read_parquet(parquet)
    assert from_csv.shape == from_parquet.shape and len(from_csv) == 2
    assert {
        "scenario",
        "kpi",
        "mean",
        "ci_low",
        "diff_mean",
        "pct_change",
        "significant",
        "direction",
        "welch_half_width",
    } <= set(from_parquet.columns)
    assert from_parquet.loc[1, "diff_mean"] == pytest.approx(-1.5)


# --------------------------------------------------------------------------------------------
# replications


@pytest.mark.parametrize("target", [0.5, 1.0, 2.0, 4.0])
def test_replications_needed_is_the_smallest_n_meeting_the_target(target):
    pilot = [9.0, 11.0, 10.5, 8.5, 12.0, 9.5]
    s = float(np.std(pilot, ddof=1))
    n = replications_needed(pilot, target)

    def half(k):
        return sps.t.ppf(0.975, k - 1) * s / math.sqrt(k)

    assert half(n) <= target
    assert n == 2 or half(n - 1) > target


def test_replications_needed_grows_as_the_target_tightens():
    pilot = [9.0, 11.0, 10.5, 8.5, 12.0, 9.5]
    needed = [replications_needed(pilot, t) for t in (8.0, 4.0, 2.0, 1.0, 0.5, 0.25)]
    assert needed == sorted(needed) and needed[-1] > needed[0]
    z_n = (
        1.959964 * np.std(pilot, ddof=1) / 0.25
    ) ** 2  # normal theory: a lower bound, close for large n
    assert z_n <= needed[-1] <= z_n + 5


def test_replications_plan_reports_how_many_more_runs_each_scenario_needs():
    table = runs_table(
        {"base": {1: 10.0, 2: 12.0, 3: 11.0, 4: 15.0}, "policy": {1: 8.0, 2: 11.0, 3: 9.0, 4: 12.0}}
    )
    plan = replications_plan(table, {"import_port_time_h": 0.5}, baseline="base").iloc[0]
    d = [-2.0, -1.0, -2.0, -3.0]
    assert plan["needed"] == replications_needed(d, 0.5) and plan["more"] == plan["needed"] - 4
    rel = replications_plan(table, {"import_port_time_h": 0.05}, relative=True).set_index(
        "scenario"
    )
    assert rel.at["policy", "target_half_width"] == pytest.approx(0.5)  # 5 % of the mean 10


# --------------------------------------------------------------------------------------------
# warm-up


def test_welch_moving_average_follows_law_and_kelton():
    series = [[1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7]]
    assert welch_moving_average(series, 2).tolist() == pytest.approx([1, 2, 3, 4, 5])
    step = [[0, 0, 0, 6, 6, 6, 6]]
    assert welch_moving_average(step, 1).tolist() == pytest.approx([0, 0, 2, 4, 6, 6])


def test_welch_warmup_finds_the_end_of_an_exponential_transient():
    rng = np.random.default_rng(3)
    days = np.arange(120)
    reps = [1000 * (1 - np.exp(-days / 5)) + rng.normal(0, 30, days.size) for _ in range(10)]
    warmup = welch_warmup_days(reps, window=3)
    assert 10 <= warmup <= 20  # within 5 % of the level after 5 ln(20) = 15 days
    flat = [1000 + rng.normal(0, 30, days.size) for _ in range(10)]
    assert welch_warmup_days(flat, window=3) <= 2


def test_welch_from_dailies_reads_one_scenarios_daily_column():
    days = np.arange(60)
    dailies = {
        ("base", seed): pd.DataFrame({"day": days + 1, "yard_teu": 500 * (1 - np.exp(-days / 4))})
        for seed in (1, 2)
    }
    dailies[("other", 1)] = pd.DataFrame({"day": days + 1, "yard_teu": np.full(60, 7.0)})
    welch = welch_from_dailies(dailies, "base", window=2)
    assert welch == {
        "series": "yard occupancy (TEU)",
        "window": 2,
        "replications": 2,
        "warmup_days": welch_warmup_days([500 * (1 - np.exp(-days / 4))], 2),
    }
    assert 9 <= welch["warmup_days"] <= 14  # 5 % of the level after 4 ln(20) = 12 days


# --------------------------------------------------------------------------------------------
# real runs: common random numbers and loading from disk


@pytest.fixture(scope="module")
def crn_table(tiny_run):
    rows = []
    for scenario, overrides in (("baseline", ()), ("e_documents", ("policy=e_documents",))):
        for rep, seed in enumerate(CRN_SEEDS):
            summary = tiny_run(*overrides, seed=seed).summary
            rows.append(
                {
                    "scenario": scenario,
                    "replication": rep,
                    "seed": seed,
                    "status": "ok",
                    "wall_s": summary["wall_s"],
                    **kpi_row(summary),
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "kpi",
    [
        "import_port_time_h",
        "import_clearance_time_h",
        "export_clearance_time_h",
        "import_cost_total_cny",
    ],
)
def test_common_random_numbers_make_the_paired_interval_narrower_on_real_runs(crn_table, kpi):
    row = paired_differences(crn_table, "baseline", [kpi]).iloc[0]
    assert row["n_pairs"] == len(CRN_SEEDS)
    assert row["diff_half_width"] < row["welch_half_width"]
    assert row["diff_mean"] < 0 and row["significant"]  # e-documents speed clearance up


def test_load_runs_reads_run_folders_and_rebuilds_the_table(tmp_path, tiny_run):
    for seed in (1, 2):
        write_run(tiny_run(seed=seed), tmp_path / "runs" / "baseline" / str(seed))
    table, summaries, dailies = load_runs(tmp_path)
    assert set(summaries) == set(dailies) == {("baseline", 1), ("baseline", 2)}
    assert list(table["seed"]) == [1, 2] and set(table["status"]) == {"ok"}
    expected = kpi_row(json.loads((tmp_path / "runs/baseline/2/summary.json").read_text()))
    got = table[table["seed"] == 2].iloc[0]
    assert got["import_port_time_h"] == pytest.approx(expected["import_port_time_h"])
    assert len(dailies[("baseline", 1)]) == 12  # one row per simulated day

    table.to_csv(tmp_path / "summary.csv", index=False)
    from_csv, _, _ = load_runs(tmp_path)
    assert from_csv["import_port_time_h"].tolist() == pytest.approx(
        table["import_port_time_h"].tolist()
    )


def test_derived_detection_rate_is_undefined_without_offences():
    table = pd.DataFrame(
        {
            "scenario": ["a"],
            "seed": [1],
            "import_offences_detected": [0],
            "import_offences_missed": [0],
        }
    )
    assert math.isnan(add_derived_kpis(table)["import_detection_rate"].iloc[0])
