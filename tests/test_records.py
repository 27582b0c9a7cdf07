"""The columnar log (sim.records.Columns): rows handed out hold their empty values, data survives
growth, and the reserve beyond the rows handed out is never read as data; a log on disk gives
its pages back to the operating system when told to forget them, and loses nothing."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import records
from sim.records import Columns, ConsignmentLog

from conftest import resident_kb

SPEC = {"t": (np.float32, np.nan), "code": (np.int8, -1), "n": (np.int32, 0), "flag": (np.bool_, False)}


def reference_columns(batches: list[int]) -> dict[str, np.ndarray]:
    """What the log must hold after ``batches``: row r's t = r, code = r % 100, the rest empty."""
    size = sum(batches)
    rows = np.arange(size)
    return {"t": rows.astype(np.float32), "code": (rows % 100).astype(np.int8),
            "n": np.zeros(size, np.int32), "flag": np.zeros(size, np.bool_)}


@settings(max_examples=100, deadline=None)
@given(capacity=st.integers(1, 40), fill_rows=st.integers(1, 16),
       batches=st.lists(st.integers(0, 30), max_size=25))
def test_rows_handed_out_hold_their_empty_values_through_growth(capacity, fill_rows, batches):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "FILL_ROWS", fill_rows)
        log = fill(Columns(SPEC, capacity), batches)
    view = log.view()
    for name, expected in reference_columns(batches).items():
        np.testing.assert_array_equal(view[name], expected)
    assert log.size == sum(batches) <= log.filled <= len(log.t)


def fill(log: Columns, batches: list[int]) -> Columns:
    """Hand out ``batches`` of rows; check each is empty, then write its t and code."""
    for n in batches:
        first = log.allocate(n)
        fresh = slice(first, first + n)
        assert np.isnan(log.t[fresh]).all() and (log.code[fresh] == -1).all()
        assert (log.n[fresh] == 0).all() and not log.flag[fresh].any()
        log.t[fresh] = np.arange(first, first + n)
        log.code[fresh] = np.arange(first, first + n) % 100
    return log


def test_add_fills_the_rest_of_the_row_with_empty_values():
    log = Columns(SPEC, capacity=2)
    rows = [log.add(t=float(k)) for k in range(5)]  # grows twice
    assert rows == list(range(5))
    np.testing.assert_array_equal(log.t[:5], np.arange(5, dtype=np.float32))
    assert (log.code[:5] == -1).all() and (log.n[:5] == 0).all()


def test_a_large_reserve_is_not_filled_up_front():
    """The consignment log reserves rows for the whole run; only rows handed out (and at most
    FILL_ROWS ahead) are written, so the rest takes no memory."""
    log = ConsignmentLog(capacity=10 * records.FILL_ROWS)
    assert log.filled == 0
    log.allocate(10)
    assert log.filled == records.FILL_ROWS
    assert len(log.to_arrow()) == 10


# ---------------------------------------------------------------- the log on disk (forget)

@settings(max_examples=100, deadline=None)
@given(capacity=st.integers(1, 40), fill_rows=st.integers(1, 16),
       batches=st.lists(st.tuples(st.integers(0, 30), st.booleans()), max_size=25))
def test_rows_on_disk_survive_growth_and_forgetting(capacity, fill_rows, batches):
    """The same property on a file-backed log, its pages dropped from memory after random
    batches: what comes back is what was written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "FILL_ROWS", fill_rows)
        log = Columns(SPEC, capacity, on_disk=True)
        for n, forget in batches:
            fill(log, [n])
            if forget:
                log.forget()
    view = log.view()
    for name, expected in reference_columns([n for n, _ in batches]).items():
        np.testing.assert_array_equal(view[name], expected)


needs_smaps = pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="reads /proc/self/smaps (Linux)")


@needs_smaps
def test_forget_drops_the_pages_and_keeps_the_values():
    rows = 4_000_000  # 16 MB of float32
    log = Columns({"t": (np.float32, np.nan)}, rows, on_disk=True)
    log.allocate(rows)
    log.t[:] = np.arange(rows, dtype=np.float32)
    assert resident_kb(log.t) >= 15_000
    log.forget()
    assert resident_kb(log.t) == 0
    np.testing.assert_array_equal(log.t[::997], np.arange(0, rows, 997, dtype=np.float32))


def test_a_log_on_disk_pickles_by_value():
    log = Columns(SPEC, 3, on_disk=True)
    fill(log, [5, 2])
    back = pickle.loads(pickle.dumps(log))
    assert back.on_disk and back.size == 7
    for name, column in log.view().items():
        np.testing.assert_array_equal(back.view()[name], column)
    fill(back, [4])  # and it goes on growing
    np.testing.assert_array_equal(back.view()["t"], np.arange(11, dtype=np.float32))
