"""A run leaves nothing behind: its model is freed when ``sim.run`` returns, so a warm
experiment worker running run after run keeps flat memory (see sim.model.forgotten_by_mesa);
its consignment log leaves the process at the end of every simulated day (sim.records), losing
nothing; and its log table is built only when read, a part at a time (sim.run.log_parts)."""
from __future__ import annotations

import gc
import importlib
import os
import weakref

import mesa
import numpy as np
import pyarrow as pa
import pytest

from sim import run
from sim.costs import container_costs
from sim.model import ClearanceModel, forgotten_by_mesa
from sim.records import Columns

from conftest import resident_kb, tiny_port_config


def test_a_model_built_in_the_block_is_freed_once_dropped():
    config = tiny_port_config()
    with forgotten_by_mesa():
        model = ClearanceModel(config, 3)
        model.step()
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None


def test_mesa_alone_keeps_a_dropped_model_alive():
    """Why the block exists: Mesa 3.3's ``Agent._ids`` holds every model as a key."""
    model = ClearanceModel(tiny_port_config(), 3)
    alive = weakref.ref(model)
    del model
    gc.collect()
    try:
        assert alive() is not None
    finally:
        mesa.Agent._ids.pop(alive(), None)


def test_runs_leave_no_model_behind():
    gc.collect()
    models = sum(isinstance(o, ClearanceModel) for o in gc.get_objects())
    known = len(mesa.Agent._ids)
    run(tiny_port_config(), seed=5)
    gc.collect()
    assert len(mesa.Agent._ids) == known
    assert sum(isinstance(o, ClearanceModel) for o in gc.get_objects()) == models


def assert_same_table(a: pa.Table, b: pa.Table) -> None:
    """Same schema and the same values, NaN where NaN (Arrow's ``equals`` takes NaN != NaN)."""
    assert a.schema == b.schema
    for name in a.column_names:
        np.testing.assert_array_equal(a.column(name).to_numpy(), b.column(name).to_numpy(), err_msg=name)


def test_the_log_table_a_part_at_a_time_is_the_whole_table(tiny_run, tmp_path):
    """Parts of 1,000 rows give the same table, and the same log.parquet bytes, as one part."""
    import pyarrow.parquet as pq

    run_module = importlib.import_module("sim.run")  # the module, not sim.run the function

    result = tiny_run()
    assert result.consignments.size > 3_000  # several parts
    whole = run_module.log_table(result.consignments, result.model_config)
    parts = list(run_module.log_parts(result.consignments, result.model_config, part_rows=1_000))
    assert len(parts) == -(-result.consignments.size // 1_000)
    assert_same_table(pa.concat_tables(parts), whole)
    at_once = container_costs(result.consignments.view(), result.model_config.costs, dtype=np.float32)
    for name, values in at_once.items():  # the whole log's costs computed in one call
        np.testing.assert_array_equal(whole.column(f"cost_{name}_cny").to_numpy(), values, err_msg=name)

    run_module.write_parquet(parts, tmp_path / "parts.parquet")
    pq.write_table(whole, tmp_path / "whole.parquet", compression="zstd", row_group_size=1_000)
    assert (tmp_path / "parts.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()


def test_a_run_builds_its_log_table_only_when_it_is_read():
    result = run(tiny_port_config("run.write_log=false"), seed=4)
    assert "log" not in vars(result)
    assert result.log.num_rows == result.consignments.size
    assert "log" in vars(result)


def test_the_log_written_is_the_same_whether_or_not_it_was_read(tmp_path):
    from sim.run import write_run

    config = tiny_port_config()
    unread, read = run(config, seed=4), run(config, seed=4)
    read.log  # noqa: B018 (built before the write)
    write_run(unread, tmp_path / "unread")
    write_run(read, tmp_path / "read")
    assert ((tmp_path / "unread" / "log.parquet").read_bytes()
            == (tmp_path / "read" / "log.parquet").read_bytes())


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="reads /proc/self/smaps (Linux)")
def test_the_log_leaves_the_process_at_the_end_of_every_day():
    """The consignment log is a file mapped into memory (sim.records): at the end of each
    simulated day its pages are handed back, so what a long run holds of it is one day's rows,
    not every row written."""
    with forgotten_by_mesa():
        model = ClearanceModel(tiny_port_config(), 3)
        for _ in range(6):
            model.step()
            assert model.log.size > 0 and resident_kb(model.log.flow) == 0


def test_forgetting_the_log_changes_nothing(monkeypatch):
    """Under the same seed a run whose log never leaves memory gives the same summary and log."""
    forgetting = run(tiny_port_config(), seed=4)
    monkeypatch.setattr(Columns, "forget", lambda self: None)
    kept = run(tiny_port_config(), seed=4)
    timing = ("wall_s", "consignments_per_s")
    assert {k: v for k, v in forgetting.summary.items() if k not in timing} == \
        {k: v for k, v in kept.summary.items() if k not in timing}
    assert_same_table(forgetting.log, kept.log)
