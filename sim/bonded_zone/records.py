"""Columnar logs of the bonded zone: one row per order (:class:`OrderLog`), and one per container
of a bonded lot coming through the port (:class:`FirstLineLog`); preallocated numpy columns.

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

from typing import TYPE_CHECKING

import numpy as np

from sim.records import Columns

if TYPE_CHECKING:
    import pyarrow as pa

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


FIRST_LINE_MILESTONES = ("ordered", "decided", "at_zone_gate", "zone_entry", "put_away")
FIRST_LINE_ATTRIBUTES = {
    "consignment": np.int64,  # row of the box in the port's log (-1 until its vessel files the manifest)
    "zone_firm": np.int32,
    "lot": np.int32,  # the lot's number among its firm's bonded lots
    "call": np.int32,  # vessel call it is booked on (-1: no call left in the run)
    "pallets": np.float32,
    "value_cny": np.float32,
    "forced": np.bool_,  # moved in by the deadline, not because its warehouse had room
    "late_days": np.int16,  # started days its entry filing was lodged after the deadline
    "late_fee_cny": np.float32,
}
FIRST_LINE_EMPTY = {**{m: np.nan for m in FIRST_LINE_MILESTONES}, "consignment": -1, "call": -1}  # others 0
FIRST_LINE_SPEC = {name: (dtype, FIRST_LINE_EMPTY.get(name, 0))
                   for name, dtype in {**{m: np.float32 for m in FIRST_LINE_MILESTONES},
                                       **FIRST_LINE_ATTRIBUTES}.items()}


class FirstLineLog(Columns):
    """One row per container of a bonded lot, from the moment the lot is ordered. Milestones (h):
    ``ordered`` (the lot), ``decided`` (its firm moves it in: the entry filing starts),
    ``at_zone_gate``, ``zone_entry`` (recorded at the zone desk), ``put_away``; the port-side ones
    (vessel arrival, discharge, filing lodged and accepted, gate-out) are in the port's log under
    ``consignment``. ``late_fee_cny`` is 0 for a filing lodged by the deadline."""

    def __init__(self, capacity: int):
        super().__init__(FIRST_LINE_SPEC, capacity)

    def to_arrow(self, index: str = "box") -> pa.Table:
        return super().to_arrow(index)
