"""The KPI registry (sim.kpis): every KPI declares its words, unit, direction and format, and
counts come normalised per 1,000 boxes."""
from __future__ import annotations

import pytest

from sim.kpis import BY_NAME, KPIS, PER_1000_BOXES, describe, kpi_better, kpi_label, kpi_row, kpi_unit


def test_every_kpi_declares_a_plain_title_a_unit_a_direction_and_a_format():
    for kpi in KPIS:
        assert kpi.title[:1].isupper() and "_" not in kpi.title, kpi.name
        assert kpi.unit in ("h", "CNY", "CNY/t", "share", "count", PER_1000_BOXES,
                            "kg CO2", "t SO2", "kg SO2/t"), kpi.name
        assert kpi.direction in ("lower is better", "higher is better", "neither"), kpi.name
        assert 0 <= kpi.decimals <= 2, kpi.name
    assert BY_NAME["import_port_time_h"].axis_label == "Import port time (h)"
    assert BY_NAME["import_released_within_24h"].axis_label == "Imports released within 24 h (%)"


@pytest.mark.parametrize(("name", "label", "unit", "better"), [
    ("import_stage_unloading_h", "import stage: unloading", "h", -1),
    ("export_cost_inventory_cny", "export cost per container: inventory", "CNY", -1),
    ("import_detection_rate", "import detection rate (detected / (detected + missed))", "share", 1),
    ("export_co2_yard_handling_kg", "export CO2 per container: yard handling", "kg CO2", -1),
])
def test_stage_cost_and_rate_columns_are_described_from_their_names(name, label, unit, better):
    assert (kpi_label(name), kpi_unit(name), kpi_better(name)) == (label, unit, better)
    assert describe(name).title[:1].isupper()


def test_other_columns_are_no_kpis_but_keep_the_unit_of_their_suffix():
    assert describe("wall_s") is None and kpi_label("wall_s") == "wall s"
    assert kpi_unit("inspection_wait_h") == "h" and kpi_better("inspection_wait_h") == -1


def test_offence_counts_are_normalised_per_1000_measured_boxes(tiny_run):
    summary = tiny_run(seed=1).summary
    row = kpi_row(summary)
    boxes = summary["flows"]["import"]["all"]["n"]
    assert boxes > 1000
    assert row["import_offences_missed_per_1000"] == pytest.approx(
        1000 * row["import_offences_missed"] / boxes)
    assert row["export_offences_detected_per_1000"] == pytest.approx(
        1000 * row["export_offences_detected"] / summary["flows"]["export"]["all"]["n"])


def test_a_count_over_no_boxes_is_undefined_not_infinite():
    summary = {"flows": {"import": {"all": {"n": 0, "offences": {"missed": 0}, "stages_h": {},
                                            "cost_cny": {}}}}}
    assert kpi_row(summary)["import_offences_missed_per_1000"] is None
