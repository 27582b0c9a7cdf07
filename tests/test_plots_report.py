"""Figures (sim.plots) and the report (sim.report) of an experiment.

A tiny real experiment (tiny port, baseline / e-documents / direct pickup x 2 seeds, written to
run folders and read back with ``load_runs``) feeds the figures and the report; fabricated
comparison tables pin down titles and sentences whose numbers are known in advance.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from sim.analysis.comparison import comparison_table
from sim.analysis.runs import load_runs
from sim.plots import OKABE_ITO, adoption_plot, comparison_bars, make_figures, tornado
from sim.plots.comparison import headline
from sim.plots.style import (
    BASELINE_COLOUR,
    SCENARIO_COLOURS,
    STAGE_COLOURS,
    STAGE_KINDS,
    fmt,
    fmt_change,
    part_colour,
    png_only,
    scenario_colours,
    scenario_label,
    scenario_styles,
)
from sim.report import SPEED_KPIS, scenario_bullet, write_report
from sim.report.context import seed_text
from sim.report.tables import GREEN_KPIS
from sim.run import write_run

SCENARIOS = {
    "baseline": (),
    "e_documents": ("policy=e_documents",),
    "direct_pickup": ("policy=direct_pickup",),
}
SEEDS = (1, 2)
NUMBER = re.compile(r"[+\u2212-]?<?\d[\d,]*(?:\.\d+)?")  # "+<0.001": non-zero, below 0.001


def number(text: str) -> float:
    return float(text.replace("\u2212", "-").replace(",", "").replace("<", ""))


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, tiny_run):
    """A real tiny experiment on disk, its loaded tables and every figure drawn once."""
    exp = tmp_path_factory.mktemp("experiment")
    for scenario, overrides in SCENARIOS.items():
        for seed in SEEDS:
            write_run(tiny_run(*overrides, seed=seed), exp / "runs" / scenario / str(seed))
    table, summaries, dailies = load_runs(exp)
    order = {s: i for i, s in enumerate(SCENARIOS)}
    table = table.sort_values("scenario", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )
    comparison = comparison_table(table, "baseline")
    figures = make_figures(exp / "figures", table, comparison, summaries, dailies, warmup_days=2)
    return {
        "dir": exp,
        "table": table,
        "summaries": summaries,
        "dailies": dailies,
        "comparison": comparison,
        "figures": figures,
    }


def fabricated_comparison() -> pd.DataFrame:
    """A comparison table from made-up runs, then rows set to round known values."""
    kpis = [
        *SPEED_KPIS,
        "import_fast_lane_share",
        "import_offences_detected",
        "import_offences_missed",
    ]
    rows = [
        {
            "scenario": s,
            "replication": i,
            "seed": i,
            "status": "ok",
            "wall_s": 1.0,
            **{k: 100.0 + i + j for j, k in enumerate(kpis)},
        }
        for s in ("baseline", "direct_pickup", "slow_lane")
        for i in range(1, 4)
    ]
    comp = comparison_table(pd.DataFrame(rows), "baseline")
    cols = [
        "diff_mean",
        "diff_ci_low",
        "diff_ci_high",
        "pct_change",
        "significant",
        "scenario_mean",
        "baseline_mean",
        "ci_low",
        "ci_high",
    ]

    def put(scenario, kpi, **values):
        mask = (comp["scenario"] == scenario) & (comp["kpi"] == kpi)
        for c in cols:
            if c in values:
                comp.loc[mask, c] = values[c]

    for s in ("direct_pickup", "slow_lane"):
        for k in kpis:
            put(
                s,
                k,
                diff_mean=0.3,
                diff_ci_low=-0.5,
                diff_ci_high=1.1,
                pct_change=0.2,
                significant=False,
            )
    put(
        "direct_pickup",
        "import_port_time_h",
        diff_mean=-54.0,
        diff_ci_low=-58.0,
        diff_ci_high=-50.0,
        pct_change=-38.0,
        significant=True,
    )
    put(
        "slow_lane",
        "import_port_time_h",
        diff_mean=-10.0,
        diff_ci_low=-12.0,
        diff_ci_high=-8.0,
        pct_change=-7.0,
        significant=True,
    )
    put(
        "slow_lane",
        "export_clearance_time_h",
        diff_mean=-80.0,
        diff_ci_low=-200.0,
        diff_ci_high=40.0,
        pct_change=-60.0,
        significant=False,
    )
    put("direct_pickup", "import_fast_lane_share", scenario_mean=0.125, ci_low=0.1, ci_high=0.15)
    put(
        "direct_pickup",
        "import_offences_detected",
        scenario_mean=40.0,
        baseline_mean=45.0,
        diff_mean=-5.0,
        diff_ci_low=-8.0,
        diff_ci_high=-2.0,
        significant=True,
    )
    return comp


# --------------------------------------------------------------------------------------------
# figures


def test_every_figure_is_written_as_png_and_svg_with_a_title_stating_a_number(experiment):
    figures = experiment["figures"]
    assert {f.name for f in figures} == {
        "comparison_bars",
        "cdf",
        "stage_breakdown",
        "cost_breakdown",
        "frontier",
        "adoption",
    }
    for fig in figures:
        png, svg = fig
        assert png.suffix == ".png" and svg.suffix == ".svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
        assert "<svg" in svg.read_text()[:2000] and svg.stat().st_size > 20_000
        assert re.search(r"\d", fig.title), fig.title
        assert fig.caption


def test_comparison_bars_title_names_the_largest_significant_improvement(tmp_path):
    comp = fabricated_comparison()
    fig = comparison_bars(
        comp, tmp_path / "bars", kpis=["import_port_time_h", "export_clearance_time_h"]
    )
    # slow lane's -80 h on export clearance is not significant and not the headline KPI
    assert fig.title == "Direct pickup cuts mean import port time most: \u221254.0 h (\u221238 %)"
    assert [p.name for p in fig] == ["bars.png", "bars.svg"]


def test_png_only_writes_the_same_png_and_no_svg_inside_its_block(tmp_path):
    comp = fabricated_comparison()
    both = comparison_bars(comp, tmp_path / "both" / "bars")
    with png_only():
        png = comparison_bars(comp, tmp_path / "png" / "bars")
    again = comparison_bars(comp, tmp_path / "again" / "bars")
    assert [p.name for p in png] == ["bars.png"] and not (tmp_path / "png" / "bars.svg").exists()
    assert png.png.read_bytes() == both.png.read_bytes() and png.title == both.title
    assert [p.name for p in again] == ["bars.png", "bars.svg"]  # only inside the block


def test_headline_says_when_no_scenario_differs_from_the_baseline():
    comp = fabricated_comparison()
    others = ~comp["is_baseline"]
    comp.loc[others, "diff_ci_low"], comp.loc[others, "diff_ci_high"] = -1000.0, 1000.0
    assert headline(comp, "import_port_time_h").startswith(
        "No scenario changes mean import port time distinguishably from the baseline"
    )


def test_cdf_title_reports_the_medians_of_the_runs(experiment):
    cdf = next(f for f in experiment["figures"] if f.name == "cdf")
    medians = {}
    for s in SCENARIOS:
        medians[s] = np.mean(
            [
                experiment["summaries"][(s, seed)]["flows"]["import"]["all"][
                    "port_time_percentiles_h"
                ][49]
                for seed in SEEDS
            ]
        )
    best = min(("e_documents", "direct_pickup"), key=medians.get)
    values = [number(x) for x in NUMBER.findall(cdf.title)]
    assert values == pytest.approx([medians["baseline"], medians[best]], abs=0.051)
    assert cdf.title.startswith(
        {"e_documents": "Electronic documents", "direct_pickup": "Direct pickup"}[best]
    )


def test_adoption_title_and_band_come_from_the_daily_frames(experiment):
    adoption = next(f for f in experiment["figures"] if f.name == "adoption")
    final = [
        experiment["dailies"][("direct_pickup", seed)]["direct_pickup_adoption"].iloc[-1]
        for seed in SEEDS
    ]
    assert adoption.title.startswith(f"Direct pickup adoption reaches {100 * np.mean(final):.0f} %")


def test_adoption_plot_writes_nothing_when_no_run_records_adoption(tmp_path):
    daily = pd.DataFrame({"day": [1, 2, 3], "yard_teu": [10.0, 20.0, 30.0]})
    fig = adoption_plot({("baseline", 1): daily}, tmp_path / "adoption", "baseline")
    assert list(fig) == [] and not list(tmp_path.iterdir())


def _svg_texts(fig) -> list[str]:
    """Every text of a figure's SVG (matplotlib writes each as a comment beside its glyphs)."""
    svg = next(p for p in fig if p.suffix == ".svg").read_text(encoding="utf-8")
    return re.findall(r"<!-- (.*?) -->", svg)


def test_tornado_orders_parameters_by_swing_and_titles_the_widest(tmp_path):
    oat = pd.DataFrame(
        {
            "parameter": [
                "customs.inspection_teams",
                "terminal.gate_lanes",
                "imports.boxes_per_day",
            ],
            "name": ["customs inspection teams", "gate lanes", "import boxes a day"],
            "low": [40, 20, 2400],
            "high": [80, 40, 3600],
            "kpi_low": [150.0, 140.0, 120.0],
            "kpi_high": [125.0, 128.0, 160.0],
            "kpi_base": [133.0] * 3,
        }
    )
    fig = tornado(oat, "mean import port time (h)", tmp_path / "tornado")
    assert fig.title == (
        "Import boxes a day moves mean import port time most: 120.0 h to 160.0 h (swing 40.0 h)"
    )
    assert all(p.stat().st_size > 5_000 for p in fig)
    assert "gate lanes" in _svg_texts(fig) and "terminal.gate_lanes" not in _svg_texts(fig)


def test_morris_tornado_labels_bars_and_title_with_the_parameters_names(tmp_path):
    """Bars and title carry the plain-word names, never the config paths; the KPI reads in
    lower case mid-sentence."""
    morris = pd.DataFrame({"parameter": ["customs.doc_check.mean_h", "terminal.gate_lanes"],
                           "name": ["customs document check (h)", "gate lanes"],
                           "mu_star": [3.0, 12.5], "sigma": [1.0, 4.0]})
    fig = tornado(morris, "Import port time (h)", tmp_path / "morris")
    assert fig.title == "Gate lanes influences import port time most (\u03bc* = 12.5 h)"
    texts = _svg_texts(fig)
    ticks = [t for t in texts if t in ("customs document check (h)", "gate lanes")]
    assert ticks == ["customs document check (h)", "gate lanes"]  # drawn bottom up: widest on top
    assert not [t for t in texts if "." in t and "_" in t]  # no config path anywhere


def test_sixteen_scenarios_get_sixteen_colours_okabe_ito_first_and_the_baseline_is_grey():
    names = [f"s{i}" for i in range(16)]
    colours = scenario_colours(["baseline", *names], "baseline")
    assert colours["baseline"] == BASELINE_COLOUR
    assert len({colours[n] for n in names}) == 16 and BASELINE_COLOUR not in SCENARIO_COLOURS
    assert {colours[n] for n in names[:6]} <= set(OKABE_ITO.values())
    # the order fixes the colour: the same scenario list gives the same colours in every figure
    styles = scenario_styles(["baseline", *names], "baseline")
    assert all(styles[n]["color"] == colours[n] for n in names)


def test_stages_of_the_same_kind_share_a_colour_in_import_and_export_panels():
    assert part_colour("unloading", 0) == part_colour("vessel_departure", 3)
    assert part_colour("pickup_and_leaving", 3) == part_colour("post_release", 2)
    assert part_colour("customs_clearance", 2) == part_colour("customs_clearance", 1)
    assert len({STAGE_COLOURS[k] for k in set(STAGE_KINDS.values())}) == len(STAGE_COLOURS)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(-0.4, 1, "\u22120.4"), (0.4, 1, "+0.4"), (0.0, 1, "0.0"), (-0.04, 1, "\u22120.04"),
     (-1e-9, 1, "\u2212<0.001"), (-1234.56, 0, "\u22121,235"), (float("nan"), 1, "n/a")],
)
def test_signed_numbers_keep_their_sign_and_never_show_a_nonzero_as_zero(value, decimals, text):
    assert fmt(value, decimals, sign=True) == text


def test_a_percent_never_reads_plus_zero_next_to_a_negative_change():
    assert fmt_change(-10, "CNY", -0.114) == "\u221210 CNY (\u22120.1 %)"
    for diff in (-10.0, -0.3, -0.004, 2.0):
        for base in (8740.0, 1e5, 1e7):
            text = fmt_change(diff, "CNY", 100 * diff / base)
            pct = text.split("(")[1]
            assert pct.startswith("\u2212" if diff < 0 else "+"), text
            assert not re.search(r"[+\u2212]0 %", text), text


# --------------------------------------------------------------------------------------------
# report


@pytest.fixture(scope="module")
def report(experiment):
    spec = {
        "name": "tiny",
        "seeds": list(SEEDS),
        "horizon_days": 12,
        "warmup_days": 2,
        "cooldown_days": 2,
        "scenarios": {k: list(v) for k, v in SCENARIOS.items()},
        "welch": {"series": "yard occupancy (TEU)", "window": 2, "warmup_days": 5},
    }
    provenance = {
        "git": {"commit": "abc123", "dirty": False},
        "packages": {"numpy": "2.0"},
        "python": "3.11",
        "platform": "linux",
        "config": {"seed": 1},
    }
    md, html = write_report(
        experiment["dir"],
        experiment["table"],
        experiment["comparison"],
        experiment["figures"],
        provenance,
        spec,
    )
    return md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")


def test_report_markdown_and_self_contained_html_are_written(experiment, report):
    md, html = report
    assert (experiment["dir"] / "report.md").is_file() and (
        experiment["dir"] / "report.html"
    ).is_file()
    assert html.count('src="data:image/png;base64,') == len(experiment["figures"]) + 1  # + ranking
    assert re.findall(r'src="(?!data:)', html) == [] and "<link" not in html and "url(" not in html
    # the only links are to the brief and the provenance files next to the report
    assert set(re.findall(r'href="([^"]+)"', html)) == {
        "brief.md", "brief.html", "provenance.md", "provenance.json"}
    for fig in experiment["figures"]:
        assert f"figures/{fig.png.name}" in md and fig.title in md
    assert "abc123" in md and "abc123" in html


def test_green_trade_table_shows_each_emission_kpi_of_each_scenario_as_in_the_comparison(
        experiment, report):
    md, _ = report
    section = md.split("## Green trade: activity and emissions")[1].split("\n## ")[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ")][1:]
    mean_cell = {(cells[0].lstrip("| "), cells[1].split(",")[0]): cells[2] for cells in rows}
    comp = experiment["comparison"]
    shown = comp[comp["kpi"].isin(GREEN_KPIS) & (comp["n"] > 0)]
    assert len(rows) == len(shown) == len(SCENARIOS) * len(GREEN_KPIS)
    for _, row in shown.iterrows():
        cell = mean_cell[(scenario_label(row["scenario"]), row["label"].split(",")[0])]
        assert _close(NUMBER.search(cell)[0], row["mean"]), (cell, row["kpi"])


def test_report_methods_state_replications_seeds_and_flag_a_too_short_warmup(report):
    md, _ = report
    methods = md.split("## Methods")[1].split("##")[0]
    assert "3 scenarios ran 2 replications" in methods and "seeds 1, 2)" in methods
    assert seed_text([1, 2, 3]) == "1 to 3" and seed_text([1, 3, 4]) == "1, 3, 4"
    assert "common random numbers" in methods
    assert "later than the 2-day warm-up deleted" in methods  # Welch says 5 days


def _bullets(md: str) -> dict[str, str]:
    summary = md.split("## Findings per scenario")[1].split("## ")[0]
    return {m[1]: m[0] for m in re.finditer(r"^- \*\*(.+?)\*\*.*$", summary, flags=re.MULTILINE)}


def _close(text: str, value: float) -> bool:
    """Whether ``text`` is ``value`` as printed; "+<0.001" stands for 0 < value < 0.001."""
    if "<" in text:
        bound = number(text)
        return 0 < value / bound < 1
    return abs(number(text) - value) <= 0.5 * 10 ** -decimals(text) + 1e-9


def test_summary_numbers_equal_the_comparison_table(experiment, report):
    md, _ = report
    comp = experiment["comparison"]
    bullets = _bullets(md)
    assert set(bullets) == {"Electronic documents", "Direct pickup"}
    speed = comp[comp["kpi"].isin(SPEED_KPIS) & ~comp["is_baseline"]]
    assert (
        speed["significant"].any() and not speed["significant"].all()
    )  # both wordings are checked
    for scenario, label in (("e_documents", "Electronic documents"), ("direct_pickup", "Direct pickup")):
        bullet = bullets[label]
        rows = comp[comp["scenario"] == scenario]
        for kpi in SPEED_KPIS:
            row = rows[rows["kpi"] == kpi].iloc[0]
            name = {
                "import_cost_total_cny": "import cost per container",
                "export_cost_total_cny": "export cost per container",
            }.get(kpi, "mean " + kpi.rsplit("_", 1)[0].replace("_", " "))
            unit = "CNY" if kpi.endswith("_cny") else "h"
            if row["significant"]:
                m = re.search(
                    rf"{name} by ({NUMBER.pattern}) {unit} \(({NUMBER.pattern}) %; 95 % CI of the "
                    rf"change ({NUMBER.pattern}) to ({NUMBER.pattern}) {unit}\)",
                    bullet,
                )
                assert m, (kpi, bullet)
                assert _close(m[1], abs(row["diff_mean"])) and _close(m[2], row["pct_change"])
                assert _close(m[3], row["diff_ci_low"]) and _close(m[4], row["diff_ci_high"])
                assert ("cuts" if row["diff_mean"] < 0 else "raises") in bullet
            else:
                m = re.search(
                    rf"{name} \(({NUMBER.pattern}) {unit}, 95 % CI ({NUMBER.pattern}) to "
                    rf"({NUMBER.pattern}) {unit}\)",
                    bullet,
                )
                assert m and "No change distinguishable from zero" in bullet, (kpi, bullet)
                assert _close(m[1], row["diff_mean"]) and _close(m[2], row["diff_ci_low"])
                assert _close(m[3], row["diff_ci_high"])
        # every other number in the bullet is a value of this scenario's rows (shares in %)
        values = (
            rows[
                [
                    "mean",
                    "ci_low",
                    "ci_high",
                    "scenario_mean",
                    "baseline_mean",
                    "diff_mean",
                    "diff_ci_low",
                    "diff_ci_high",
                    "pct_change",
                ]
            ]
            .to_numpy(float)
            .ravel()
        )
        values = np.r_[values, np.abs(values), 100 * values]
        for text in NUMBER.findall(bullet.replace("95 % CI", "CI")):
            assert any(_close(text, v) for v in values[np.isfinite(values)]), (text, bullet)


def test_direct_pickup_bullet_reports_fast_lane_share_and_enforcement(experiment, report):
    md, _ = report
    bullet = _bullets(md)["Direct pickup"]
    share = experiment["comparison"].query(
        "scenario == 'direct_pickup' and kpi == 'import_fast_lane_share'"
    )
    if share["scenario_mean"].iloc[0] >= 0.0005:  # a share that rounds to 0.0 % is not stated
        assert f"{100 * share['scenario_mean'].iloc[0]:.1f} % of import boxes took a fast lane" in bullet
    assert "Enforcement (imports):" in bullet and "offences missed" in bullet


def test_bullet_wording_with_known_numbers():
    comp = fabricated_comparison()
    bullet = scenario_bullet(comp, "direct_pickup")
    assert bullet.startswith(
        "**Direct pickup** cuts mean import port time by 54.0 h "
        "(\u221238.0 %; 95 % CI of the change \u221258.0 to \u221250.0 h)."
    )
    assert (
        "No change distinguishable from zero in mean import clearance time "
        "(+0.3 h, 95 % CI \u22120.5 to +1.1 h)"
    ) in bullet
    assert "12.5 % of import boxes took a fast lane (95 % CI 10.0 to 15.0 %)" in bullet
    assert (
        "40.0 offences detected per run vs 45.0 in the baseline (\u22125.0, 95 % CI \u22128.0 to "
        "\u22122.0)"
    ) in bullet
    assert "offences missed per run" in bullet and "not distinguishable from zero" in bullet


# --------------------------------------------------------------------------------------------
# brief, failures, provenance


def _section(md: str, title: str) -> str:
    return md.split(f"# {title}")[1].split("\n#")[0]


def test_brief_is_written_next_to_the_report_and_is_its_first_page(experiment, report):
    md, html = report
    brief = (experiment["dir"] / "brief.md").read_text(encoding="utf-8")
    page = (experiment["dir"] / "brief.html").read_text(encoding="utf-8")
    assert "figures/ranking.png" in brief and page.count('src="data:image/png;base64,') == 1
    headline = brief.split("\n\n")[1]
    assert headline.startswith("**") and headline in md
    assert md.index(headline) < md.index("## Findings per scenario") < md.index("## Methods")
    assert "What the model does not cover" in md and "What the model does not cover" in html
    for line in _section(brief, "Takeaways").strip().splitlines():
        assert line in md


def test_brief_numbers_equal_the_comparison_table(experiment, report):
    brief = (experiment["dir"] / "brief.md").read_text(encoding="utf-8")
    comp = experiment["comparison"]
    cols = ["diff_mean", "diff_ci_low", "diff_ci_high", "pct_change"]
    values = comp.loc[~comp["is_baseline"], cols].to_numpy(float).ravel()
    values = values[np.isfinite(values)]
    values = np.r_[values, np.abs(values)]
    table = _section(brief, "Reform by reform")
    effects = [row.split(" | ")[2] for row in table.splitlines() if row.startswith("| ")][1:]
    texts = [brief.split("\n\n")[1], _section(brief, "Takeaways"), *effects]
    checked = 0
    for text in texts:
        for number in NUMBER.findall(text.replace("95 % CI", "CI")):
            assert any(_close(number, v) for v in values), (number, text)
            checked += 1
    assert checked >= 6


def test_every_reform_carries_its_trade_facilitation_agreement_article(experiment, report):
    from pathlib import Path

    from sim.reforms import REFORMS, tfa_tag

    policies = {p.stem for p in (Path(__file__).parents[1] / "configs" / "policy").glob("*.yaml")}
    assert policies <= set(REFORMS)
    for name in policies:
        assert REFORMS[name].articles and tfa_tag(name).startswith("TFA Art. ")
    brief = (experiment["dir"] / "brief.md").read_text(encoding="utf-8")
    rows = [r for r in _section(brief, "Reform by reform").splitlines() if r.startswith("| ")][1:]
    assert len(rows) == len(SCENARIOS) - 1
    assert all(" | TFA Art. " in r for r in rows)


def _report_copy(experiment, tmp_path, **files):
    exp = tmp_path / "exp"
    shutil.copytree(experiment["dir"], exp)
    for name, text in files.items():
        (exp / name).write_text(text, encoding="utf-8")
    with png_only():  # the ranking chart again: its SVG is checked with the report fixture's
        md, _ = write_report(exp, experiment["table"], experiment["comparison"],
                             experiment["figures"], {"git": {"commit": "abc123"}}, {"name": "tiny"})
    return exp, md.read_text(encoding="utf-8")


def test_failed_runs_open_the_report_and_their_scenario_is_not_compared(experiment, tmp_path):
    failures = "scenario,seed,error,run_dir\ndirect_pickup,2,ValueError: boom,runs/direct_pickup/2\n"
    exp, md = _report_copy(experiment, tmp_path, **{"failures.csv": failures})
    top = md.split("## What was simulated")[0]
    assert "1 run(s) failed" in top and "ValueError: boom" in top
    assert "**Direct pickup**" not in _section(md, "Findings per scenario")
    assert "Direct pickup" not in _section((exp / "brief.md").read_text(), "Reform by reform")


def test_robustness_bands_fill_the_assumption_column(experiment, tmp_path):
    comp = experiment["comparison"]
    rows = comp.loc[~comp["is_baseline"], ["scenario", "kpi"]].assign(
        noise_low=-3.0, noise_high=-1.0, assumption_low=-5.0, assumption_high=0.5, sign_flips=2)
    exp, _ = _report_copy(experiment, tmp_path, **{"robustness.csv": rows.to_csv(index=False)})
    table = _section((exp / "brief.md").read_text(encoding="utf-8"), "Reform by reform")
    reform_rows = [r for r in table.splitlines() if r.startswith("| ")][1:]
    assert len(reform_rows) == len(SCENARIOS) - 1
    for row in reform_rows:
        assumptions = row.split(" | ")[4]
        assert "assumption band \u22125" in assumptions and "sign depends on the assumptions" in row


def test_another_robustness_experiment_fills_the_column_and_is_named(experiment, tmp_path):
    """Without its own robustness.csv, the brief takes the bands of the folder the spec names
    (the committed reference) and says which experiment and commit they come from; a reform
    that folder did not sample says so instead of borrowing another reform's band; the folder's
    PRIM boxes say where reforms fail, in the reforms' labels."""
    comp = experiment["comparison"]
    reforms = sorted(set(comp.loc[~comp["is_baseline"], "scenario"]))
    sampled, unsampled = reforms[0], reforms[1:]
    rows = comp.loc[comp["scenario"] == sampled, ["scenario", "kpi"]].assign(
        noise_low=-3.0, noise_high=-1.0, assumption_low=-5.0, assumption_high=-0.5, sign_flips=0)
    bands = tmp_path / "results" / "robustness" / "reference"
    bands.mkdir(parents=True)
    (bands / "robustness.csv").write_text(rows.to_csv(index=False), encoding="utf-8")
    (bands / "provenance.json").write_text('{"git": {"commit": "fedcba9876"}}', encoding="utf-8")
    (bands / "prim_boxes.csv").write_text(
        PRIM_HEADER + f"{sampled},no_time_cut,customs.doc_officers,"
        "customs document officers,99,104,99,126,0.8,0.75,0.3,16,5,0.0031\n", encoding="utf-8")
    _design(bands, points=16)
    brief = _brief_with_bands(experiment, tmp_path, bands)
    assert "the robustness experiment results/robustness/reference (commit fedcba9)" in brief
    table = _section(brief, "Reform by reform")
    by_label = {r.split(" | ")[0].strip("| *"): r.split(" | ")[4].rstrip(" |")
                for r in table.splitlines() if r.startswith("| ")}
    assert "assumption band \u22125" in by_label[scenario_label(sampled)]
    assert "same sign under every assumption" in by_label[scenario_label(sampled)]
    for s in unsampled:
        assert by_label[scenario_label(s)] == "not sampled by the robustness experiment"
    fails = _section(brief, "Where reforms fail")
    assert (f"{scenario_label(sampled)} does not cut time where customs document officers 99-104 "
            "(coverage 80%, density 75%, 5 of 16 points; chance p = 0.0031)") in fails
    assert "Over 16 sample points. A region is shown only if each of its limits beats chance" in fails


PRIM_HEADER = ("scenario,outcome,parameter,name,box_low,box_high,range_low,range_high,coverage,"
               "density,mass,cases,cases_of_interest,p_value\n")


def _design(folder, points: int) -> None:
    """A robustness folder's design.csv: the nominal point and ``points`` sample points."""
    names = ["nominal", *(f"p{i:03d}" for i in range(points))]
    pd.DataFrame({"point": names, "customs.doc_officers": 110}).to_csv(folder / "design.csv",
                                                                     index=False)


def _brief_with_bands(experiment, tmp_path, bands, **spec) -> str:
    """brief.md of a copy of the tiny experiment whose spec names ``bands`` for its bands (and
    any other ``spec`` fields)."""
    exp = tmp_path / "exp"
    shutil.copytree(experiment["dir"], exp)
    with png_only():
        write_report(exp, experiment["table"], experiment["comparison"], experiment["figures"],
                     {"git": {"commit": "abc"}},
                     {"name": "tiny", "assumption_bands": bands, **spec})
    return (exp / "brief.md").read_text(encoding="utf-8")


def test_a_scenario_discovery_folder_gives_the_boxes_and_is_named(experiment, tmp_path):
    """The bands come from the robustness folder, the PRIM boxes from the discovery folder the
    spec names (more points over fewer assumptions), which the section names."""
    comp = experiment["comparison"]
    reform = sorted(set(comp.loc[~comp["is_baseline"], "scenario"]))[0]
    rows = comp.loc[comp["scenario"] == reform, ["scenario", "kpi"]].assign(
        noise_low=-3.0, noise_high=-1.0, assumption_low=-5.0, assumption_high=-0.5, sign_flips=0)
    folders = {}
    for name, points, boxes in (("robustness", 8, ""), ("robustness_discovery", 40,
                                f"{reform},no_time_cut,behaviour.consignees.need_lag.mean_h,"
                                "importer's need date after ship arrival (h),320,350,233,350,"
                                "0.7,0.8,0.2,40,12,0.0004\n")):
        folder = tmp_path / "results" / name / "reference"
        folder.mkdir(parents=True)
        (folder / "robustness.csv").write_text(rows.to_csv(index=False), encoding="utf-8")
        (folder / "prim_boxes.csv").write_text(PRIM_HEADER + boxes, encoding="utf-8")
        (folder / "provenance.json").write_text('{"git": {"commit": "0123456789"}}')
        _design(folder, points)
        folders[name] = folder
    fails = _section(_brief_with_bands(experiment, tmp_path, folders["robustness"],
                                       scenario_discovery=folders["robustness_discovery"]),
                     "Where reforms fail")
    assert "results/robustness_discovery/reference (commit 0123456)" in fails
    assert (f"{scenario_label(reform)} does not cut time where importer's need date after ship "
            "arrival (h) 320-350 (coverage 70%, density 80%, 12 of 40 points; chance p = 0.0004)"
            ) in fails
    assert "Over 40 sample points." in fails


def test_the_brief_says_when_no_region_where_reforms_fail_beats_chance(experiment, tmp_path):
    """PRIM ran over the robustness points and kept no box: the brief says so and over how many
    points, rather than leaving the section out (as it does when PRIM never ran)."""
    comp = experiment["comparison"]
    rows = comp.loc[~comp["is_baseline"], ["scenario", "kpi"]].assign(
        noise_low=-3.0, noise_high=-1.0, assumption_low=-5.0, assumption_high=-0.5, sign_flips=0)
    bands = tmp_path / "bands"
    bands.mkdir()
    (bands / "robustness.csv").write_text(rows.to_csv(index=False), encoding="utf-8")
    (bands / "prim_boxes.csv").write_text(PRIM_HEADER, encoding="utf-8")
    _design(bands, points=8)
    fails = _section(_brief_with_bands(experiment, tmp_path, bands), "Where reforms fail").strip()
    labels = ", ".join(scenario_label(s) for s in dict.fromkeys(rows["scenario"]))
    assert fails.startswith("Over 8 sample points, no region of the assumptions where a reform "
                            f"({labels}) fails to cut time in port")
    assert "beats chance" in fails and "More sample points" in fails
    (bands / "prim_boxes.csv").unlink()  # PRIM did not run (no EMA Workbench): no section
    assert "Where reforms fail" not in _brief_with_bands(experiment, tmp_path / "again", bands)


def test_provenance_is_linked_not_inlined(experiment, report):
    md, _ = report
    # inlined package versions would add a few hundred lines; the report itself (3 scenarios,
    # the green-trade table and the every-KPI appendix included: 500 lines) stays under 600
    assert "| numpy | 2.0 |" not in md and len(md.splitlines()) < 600
    assert "[provenance.md](provenance.md)" in md
    prov = (experiment["dir"] / "provenance.md").read_text(encoding="utf-8")
    assert "abc123" in prov and "| numpy | 2.0 |" in prov


def test_each_figure_draws_every_scenario_in_its_own_colour(experiment):
    comp = experiment["comparison"]
    colours = scenario_colours(list(dict.fromkeys(comp["scenario"])), "baseline")
    assert len(set(colours.values())) == len(colours)
    for fig in experiment["figures"]:
        if fig.name not in ("comparison_bars", "cdf", "frontier"):
            continue
        svg = next(p for p in fig if p.suffix == ".svg").read_text().lower()
        for scenario, colour in colours.items():
            if scenario != "baseline":
                assert colour.lower() in svg, (fig.name, scenario)
