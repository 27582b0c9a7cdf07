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

from sim.records import Columns

MILESTONES = ("ordered", "allocated", "pick_start", "pick_end", "declared", "cleared", "shipped")

ATTRIBUTES = {
    "firm": np.int32,  # index in model.consignees
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
EMPTY = {**{m: np.nan for m in MILESTONES}, "outcome": -1}  # others 0
SPEC = {name: (dtype, EMPTY.get(name, 0))
        for name, dtype in {**{m: np.float32 for m in MILESTONES}, **ATTRIBUTES}.items()}
COSTS = ("trucking_cny", "declaration_cny", "holding_cny", "space_cny")


class OrderLog(Columns):
    """Growable columns indexed by order row (0, 1, 2, ... in creation order)."""

    def __init__(self, capacity: int):
        super().__init__(SPEC, capacity)

    def stamp_last(self, milestone: str, row: int, t: float) -> None:
        """Record ``t`` unless the order already has a later one (the last part's milestone)."""
        col = self.columns[milestone]
        if not col[row] >= t:  # NaN compares False
            col[row] = t

    def to_arrow(self, index: str = "order") -> pa.Table:
        return super().to_arrow(index)
