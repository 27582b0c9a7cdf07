"""The cost of a container as its trader sees it (sim/costs.py): the goods' time and the own
warehouse, worked by hand on four boxes."""
from __future__ import annotations

import numpy as np
import pytest

from sim import load_config
from sim.costs import COMPONENTS, container_costs
from sim.records import EXPORT, IMPORT

NAN = float("nan")


def _log(**columns) -> dict[str, np.ndarray]:
    """Four boxes: an import out early, an import out late, an import still in port, an export."""
    base = dict(
        flow=[IMPORT, IMPORT, IMPORT, EXPORT], teu=[2, 1, 1, 1],
        vessel_arrival=[0.0, 0.0, 0.0, NAN], discharge=[10.0, 10.0, 10.0, NAN],
        gate_out=[48.0, 200.0, NAN, NAN], goods_needed=[96.0, 152.0, 96.0, NAN],
        own_warehouse_cny_per_day=[60.0, 30.0, 30.0, NAN],
        ready=[NAN, NAN, NAN, 0.0], gate_in=[NAN, NAN, NAN, 24.0], load=[NAN, NAN, NAN, 60.0],
        vessel_departure=[NAN, NAN, NAN, 72.0], release=[40.0, 40.0, NAN, 30.0],
        pickup_appointment=[48.0, 200.0, NAN, NAN], inspection_start=[NAN] * 4,
        rehandles=[0.0] * 4, broker_work_h=[0.0] * 4, paper_bl=[False] * 4,
        ship_side_wait_h=[0.0] * 4, cargo_value_cny=[100_000.0] * 4,
    )
    base.update(columns)
    return {k: np.asarray(v) for k, v in base.items()}


@pytest.fixture(scope="module")
def costs():
    cfg = load_config().costs
    return cfg, container_costs(_log(), cfg)


def test_import_goods_out_before_their_need_date_cost_their_consignees_warehouse_not_time(costs):
    cfg, c = costs
    assert c["own_warehouse"][0] == pytest.approx(60.0 * 2)  # 48 h early at CNY 60 a day
    assert c["inventory"][0] == 0.0


def test_import_goods_out_after_their_need_date_cost_time_for_the_days_late(costs):
    cfg, c = costs
    assert c["inventory"][1] == pytest.approx(100_000 * cfg.inventory_pct_per_day / 100 * 2)  # 48 h late
    assert c["own_warehouse"][1] == 0.0


def test_a_box_still_in_port_has_no_time_or_warehouse_cost_yet(costs):
    _, c = costs
    assert c["inventory"][2] == 0.0 and c["own_warehouse"][2] == 0.0


def test_export_goods_cost_time_from_ready_to_departure_and_no_own_warehouse(costs):
    cfg, c = costs
    assert c["inventory"][3] == pytest.approx(100_000 * cfg.inventory_pct_per_day / 100 * 3)
    assert c["own_warehouse"][3] == 0.0


def test_the_total_is_the_sum_of_the_components(costs):
    _, c = costs
    assert np.allclose(c["total"], sum(c[k] for k in COMPONENTS))
    assert all(np.isfinite(c[k]).all() for k in (*COMPONENTS, "total", "border_documentary"))


def test_costing_in_chunks_gives_the_costs_of_all_rows_at_once(tiny_run, monkeypatch):
    """container_costs works through a long log a chunk of rows at a time (memory); every cost
    is its row's own, so the result must be the one of all rows at once, bit for bit, also for
    a selection of rows and as float32 (the log's columns)."""
    import sim.per_row

    result = tiny_run()
    log = {name: result.log.column(name).to_numpy(zero_copy_only=False) for name in result.log.column_names}
    costs = load_config("shanghai").costs
    at_once = container_costs(log, costs)
    monkeypatch.setattr(sim.per_row, "CHUNK_ROWS", 1000)  # the tiny run's log: several chunks and a tail
    chunked = container_costs(log, costs)
    rows = np.flatnonzero(log["flow"] == 1)  # the exports: an index into every chunk
    selected = container_costs(log, costs, rows)
    as_float32 = container_costs(log, costs, dtype=np.float32)
    assert len(log["flow"]) > 3000 and list(chunked) == list(at_once) == list(selected)
    for name, values in at_once.items():
        assert chunked[name].dtype == values.dtype == np.float64
        np.testing.assert_array_equal(chunked[name], values)
        np.testing.assert_array_equal(selected[name], values[rows])
        np.testing.assert_array_equal(as_float32[name], values.astype(np.float32))
