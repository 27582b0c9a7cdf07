"""Columnar order log of the bonded zone: one row per order, preallocated numpy columns.

Milestones are hours since the start of the run (float32, NaN when not reached). An order that
is split into shipments (baseline, mixed order) carries the milestones of its *last* part, so
that ``ordered <= allocated <= pick_start <= pick_end <= shipped`` and
``pick_end <= declared <= cleared`` hold for every order. Per-shipment declarations, and
collective ones that the shipment waits for: ``cleared <= shipped``. Collective declarations
with shipping first: the truck and the declaration go their own ways.

``trucks`` and ``declarations`` are the order's share: a truck carrying several orders is
split by pallets, a collective declaration equally between the orders it lists; so their sums
over orders are the trucks dispatched and the declarations lodged.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

MILESTONES = ("ordered", "allocated", "pick_start", "pick_end", "declared", "cleared", "shipped")

ATTRIBUTES = {
    "firm": np.int32,  # index in model.firms
    "kind": np.int8,  # 0 domestic sale, 1 re-export, 2 cross-border e-commerce (config.KINDS)
    "bonded_pallets": np.float32,
    "domestic_pallets": np.float32,  # non-bonded (domestic-trade) goods
    "value_cny": np.float32,
    "offence": np.bool_,
    "shared": np.bool_,  # routed through the shared warehouse
    "shipments": np.int8,
    "trucks": np.float32,  # share of trucks used (see above)
    "declarations": np.float32,  # share of declarations lodged
    "doc_checked": np.bool_,  # a declaration covering the order was document-checked
    "outcome": np.int8,  # sim.records codes: 0 compliant, 1 detected, 2 missed; -1 not cleared yet
    "trucking_cny": np.float32,
    "declaration_cny": np.float32,  # broker fees
    "holding_cny": np.float32,  # time cost of the ordered goods from order to shipment
    "space_cny": np.float32,  # the firm's rent per day / its expected orders per day
}
COLUMNS = {**{m: np.float32 for m in MILESTONES}, **ATTRIBUTES}
EMPTY = {**{m: np.nan for m in MILESTONES}, "outcome": -1}  # others 0
COSTS = ("trucking_cny", "declaration_cny", "holding_cny", "space_cny")
GROWTH = 1.25


class OrderLog:
    """Growable columns indexed by order row (0, 1, 2, ... in creation order)."""

    def __init__(self, capacity: int):
        self.size = 0
        self.columns = {n: np.full(capacity, EMPTY.get(n, 0), dtype=t) for n, t in COLUMNS.items()}
        self.__dict__.update(self.columns)

    def allocate(self, n: int) -> int:
        """Reserve ``n`` rows; return the first."""
        first = self.size
        self.size += n
        capacity = len(self.firm)
        if self.size > capacity:
            new_capacity = max(self.size, int(GROWTH * capacity))
            for name, col in self.columns.items():
                grown = np.full(new_capacity, EMPTY.get(name, 0), dtype=col.dtype)
                grown[:capacity] = col
                self.columns[name] = grown
            self.__dict__.update(self.columns)
        return first

    def stamp_last(self, milestone: str, row: int, t: float) -> None:
        """Record ``t`` unless the order already has a later one (the last part's milestone)."""
        col = self.columns[milestone]
        if not col[row] >= t:  # NaN compares False
            col[row] = t

    def view(self) -> dict[str, np.ndarray]:
        return {n: c[: self.size] for n, c in self.columns.items()}

    def to_arrow(self) -> pa.Table:
        return pa.table({"order": np.arange(self.size, dtype=np.int64), **self.view()})
