"""Columnar per-consignment log: one preallocated numpy column per field, one row per consignment.

No Python object is kept per finished consignment: a row costs 143 bytes (21 float32
milestones plus a few small numbers). The columns are reserved for every row the run may need
(arrivals over the horizon, the longest drain and the boxes announced ahead), but a row takes
memory only once it is handed out: unused capacity is address space, not RAM, so a generous
reserve costs nothing. If the reserve is exceeded the columns grow by 25 %.

The consignment log lives in a temporary file mapped into memory (:class:`Columns` with
``on_disk``): the run reads and writes its rows as numpy arrays, the kernel keeps the pages in
its page cache and writes them to the file in time, and :meth:`Columns.forget` (once a
simulated day) drops them from the process, so the log's memory is the rows touched since,
not every row written: flat in run length. Milestones are hours
since the start of the run, stored as float32 (resolution about 2 s after one year); a
milestone that does not apply stays NaN (the WCO Time Release Study way: any stage duration is
the difference of two milestones).
"""
from __future__ import annotations

import mmap
import tempfile
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

IMPORT, EXPORT = 0, 1
FLOWS = ("import", "export")
GREEN, YELLOW, RED = 0, 1, 2
CHANNELS = ("green", "yellow", "red")
NOT_ASSESSED = -1
USUAL_ROUTE, SHIP_SIDE_PICKUP, LOADING_ON_ARRIVAL = 0, 1, 2  # "fast_lane" column codes
LANES = ("usual", "ship_side_pickup", "loading_on_arrival")
COMPLIANT, DETECTED, MISSED, CAUGHT_AT_AUDIT = 0, 1, 2, 3
OUTCOMES = ("compliant", "detected", "missed", "caught_at_audit")  # the last: released, found later
AEO, GENERAL, LOW = 0, 1, 2  # a firm's customs credit class (sim/agents/traders.py)
CREDIT_CLASSES = ("aeo", "general", "low")

MILESTONES = (
    "vessel_arrival", "berth", "discharge",  # import: ship side
    "ready", "gate_in",  # export: box stuffed at the factory; delivered to the terminal
    "clearance_started",  # the trader hands the declaration to its broker
    "declaration_lodged", "risk_assessed",  # accepted by customs (after any rework); assessed
    "doc_check_start", "doc_check_end",
    "inspection_queued", "inspection_start", "inspection_end",
    "certification_start", "certification_end",
    "release",
    "delivery_order",  # import: the carrier's D/O issued
    "pickup_appointment", "gate_out",  # import: land side
    "load", "vessel_departure",  # export: ship side
)

ATTRIBUTES = {  # column -> dtype; filled when the consignment is created or decided
    "flow": np.int8,
    "firm": np.int32,
    "vessel": np.int32,  # import: arriving call; export: call it finally left on (-1: none yet)
    "teu": np.int8,
    "needs_certification": np.bool_,
    "offence": np.bool_,
    "cargo_value_cny": np.float32,
    "channel": np.int8,
    "outcome": np.int8,
    "rehandles": np.float32,  # extra yard moves at retrieval (expected value)
    "rolled_over": np.int16,  # export: calls missed because not released in time (at Yangshan volume, 16.5 calls a day, a box waiting 8 days misses over 127)
    "fast_lane": np.int8,  # route past the yard: USUAL_ROUTE, SHIP_SIDE_PICKUP, LOADING_ON_ARRIVAL
    "goods_needed": np.float32,  # import: when the consignee needs the goods (h since the start)
    "own_warehouse_cny_per_day": np.float32,  # import: its goods a day in the consignee's own warehouse (CNY)
    "lane_planned": np.int8,  # the route its firm planned it for (same codes): the intent, kept when it fell back
    "lane": np.int8,  # import trade lane: 0 short-sea, 1 intra-Asia, 2 deep-sea
    "paper_bl": np.bool_,  # import: the original B/L travelled by courier
    "broker_work_h": np.float32,  # declarant hours the declaration took, rework included
    "reworks": np.int8,  # times customs returned the declaration for correction
    "truck_refusals": np.int8,  # bookings the trucking company refused (full that day)
    "ship_side_wait_h": np.float32,  # import: hours a booked ship-side truck waited for the box
    "enterprise_approved": np.bool_,  # import: released on its firm's approval (no lab; may be audited)
    "audited_after_h": np.float32,  # hours after release a post-clearance audit reviews it (NaN: none)
    "ship_side_failed": np.bool_,  # import: the booked ship-side truck left without the box
    "truck_trips": np.int8,  # trucks that came for the box (a ship-side truck that left empty too)
    "gate_wait_h": np.float32,  # hours its truck stood at the terminal gate (queue and check)
    "yard_lifts": np.int8,  # yard-crane lifts: stacked, retrieved, to and from inspection (re-handles apart)
    "first_line": np.bool_,  # import: a bonded-zone lot's box, filed into the zone, not declared for import
}


GROWTH = 1.25  # capacity factor when the columns are full (keeps slack below 25 %)
FILL_ROWS = 65_536  # rows given their empty values at a time, just ahead of the rows handed out


class Columns:
    """Growable numpy columns, one row per unit of work; ``table.name[row]`` reads like the field.

    ``spec`` maps each column name to ``(dtype, empty value)``. Rows are handed out in creation
    order; capacity grows by 25 % when full. Shared by every log of the model (consignments,
    zone orders, bunker calls and supply orders).

    The columns are allocated uninitialised, so the operating system maps their pages only when
    they are first written; rows are set to their empty values :data:`FILL_ROWS` at a time as
    they are handed out. Only the first ``size`` rows are data: read the columns through
    :meth:`view` or by row ids handed out.

    ``on_disk``: the columns are regions of one temporary file mapped into memory (shared, so
    every write lands in the kernel's page cache and from there in the file; the file has no
    name and goes when the process ends, killed or not). :meth:`forget` then drops the pages
    from the process; they come back, as they were, when read or written again.
    """

    def __init__(self, spec: dict[str, tuple], capacity: int = 4096, on_disk: bool = False):
        self.spec = spec
        self.on_disk = on_disk
        self.size = 0
        self.filled = 0  # rows [0, filled) hold their empty values or data; the rest is unset
        self.columns: dict[str, np.ndarray] = {}
        self._mapped: mmap.mmap | None = None  # the file's mapping (on_disk)
        self._allocate(capacity)

    def _allocate(self, capacity: int) -> None:
        """New columns of ``capacity`` rows, holding the filled rows of the old ones."""
        old, self.columns = self.columns, {}
        if self.on_disk:
            self._mapped, new = _mapped_columns({name: dtype for name, (dtype, _) in self.spec.items()}, capacity)
        else:
            new = {name: np.empty(capacity, dtype=dtype) for name, (dtype, _) in self.spec.items()}
        for name, column in new.items():
            if old:
                column[:self.filled] = old[name][:self.filled]
            self.columns[name] = column
            setattr(self, name, column)

    def allocate(self, n: int) -> int:
        """Reserve ``n`` rows, set to their empty values; return the first."""
        first = self.size
        self.size += n
        capacity = len(next(iter(self.columns.values())))
        if self.size > capacity:
            capacity = max(self.size, int(GROWTH * capacity))
            self._allocate(capacity)
        if self.size > self.filled:
            end = min(capacity, max(self.size, self.filled + FILL_ROWS))
            for name, (_, empty) in self.spec.items():
                self.columns[name][self.filled:end] = empty
            self.filled = end
        return first

    def __getstate__(self) -> dict:  # pickled by value: a mapping cannot be
        return {"spec": self.spec, "on_disk": self.on_disk, "rows": self.view()}

    def __setstate__(self, state: dict) -> None:
        rows = state["rows"]
        n = len(next(iter(rows.values())))
        Columns.__init__(self, state["spec"], max(n, 1), state["on_disk"])
        self.allocate(n)
        for name, values in rows.items():
            self.columns[name][:n] = values

    def forget(self) -> None:
        """Drop the columns' pages from this process's memory (``on_disk``; in memory: nothing).
        Nothing is lost: the kernel keeps them in its page cache, writes them to the file, and
        maps them back when a row is read or written again."""
        if self._mapped is not None and hasattr(self._mapped, "madvise"):
            self._mapped.madvise(mmap.MADV_DONTNEED)

    def add(self, **values) -> int:
        """Append one row with the given ``values`` (other fields empty); return its index."""
        row = self.allocate(1)
        for name, value in values.items():
            self.columns[name][row] = value
        return row

    def nbytes_per_row(self) -> int:
        return sum(col.dtype.itemsize for col in self.columns.values())

    def view(self) -> dict[str, np.ndarray]:
        """The filled rows of every column (views, no copy)."""
        return {name: col[: self.size] for name, col in self.columns.items()}

    def to_arrow(self, index: str, start: int = 0, stop: int | None = None) -> pa.Table:
        """Rows ``start`` to ``stop`` (default: the last) as an Arrow table, their row numbers in
        column ``index``; numeric columns are shared with the log, not copied."""
        import pyarrow as pa  # lazy: the config checks read this module's specs (start-up time)

        stop = self.size if stop is None else min(stop, self.size)
        return pa.table({index: np.arange(start, stop, dtype=np.int64),
                         **{name: col[start:stop] for name, col in self.columns.items()}})


def _mapped_columns(dtypes: dict[str, np.dtype], capacity: int) -> tuple[mmap.mmap, dict[str, np.ndarray]]:
    """Columns of ``capacity`` rows as regions of one new temporary file, each starting on a page,
    mapped shared; the file is unlinked at once (its mapping keeps it)."""
    offsets, end = {}, 0
    for name, dtype in dtypes.items():
        offsets[name] = end
        end += -(-capacity * np.dtype(dtype).itemsize // mmap.PAGESIZE) * mmap.PAGESIZE
    with tempfile.TemporaryFile(prefix="clearway-log-") as file:
        file.truncate(max(end, mmap.PAGESIZE))  # sparse: a page takes disk when first written
        mapped = mmap.mmap(file.fileno(), max(end, mmap.PAGESIZE))
    return mapped, {name: np.frombuffer(mapped, dtype=dtype, count=capacity, offset=offsets[name])
                    for name, dtype in dtypes.items()}


EMPTY = {**{name: np.nan for name in MILESTONES}, "channel": NOT_ASSESSED, "vessel": -1,
         "audited_after_h": np.nan}  # else 0
SPEC = {name: (dtype, EMPTY.get(name, 0))
        for name, dtype in {**{m: np.float32 for m in MILESTONES}, **ATTRIBUTES}.items()}


class ConsignmentLog(Columns):
    """The consignment log: one row per consignment, indexed by its id."""

    def __init__(self, capacity: int = 4096):
        super().__init__(SPEC, capacity, on_disk=True)

    def to_arrow(self, index: str = "consignment", start: int = 0, stop: int | None = None) -> pa.Table:
        return super().to_arrow(index, start, stop)
