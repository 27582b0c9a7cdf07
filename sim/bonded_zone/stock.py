"""The zone firms' goods, by class (bonded, non-bonded), replenished in lots by an (s, Q) rule.

Each firm and goods class has a mean demand ``d`` (pallets a day). An order *promises* its
lines at once: the inventory position (on hand + on order - promised) falls, and whenever it is
at or below the reorder point ``s = d x reorder_cover_days`` the firm orders a lot of
``Q = d x lot_cover_days`` pallets, at least a truckload (it arrives after the inbound lead
time). The order then
*takes* the goods, waiting for the next lot if the shelf is short (a back-order). Goods stay on
hand, occupying space, until their truck leaves. Which warehouse holds them is the warehouses'
business (:mod:`sim.bonded_zone.warehouse`); this module only counts.

Replenishment depends on order arrivals only, not on how orders are shipped, so the baseline and
the shared warehouse see the same lots (common random numbers).
"""
from __future__ import annotations

import numpy as np
import simpy

from sim.schema.bonded_zone import InboundConfig


class Stock:
    def __init__(self, env: simpy.Environment, demand_per_day: np.ndarray, cfg: InboundConfig,
                 min_lot_pallets: float, phase_u: np.ndarray):
        self.env = env
        self.reorder_point = demand_per_day * cfg.reorder_cover_days  # (firms, 2) pallets
        self.lot = np.maximum(demand_per_day * cfg.lot_cover_days, min_lot_pallets)
        self.on_hand = self.reorder_point + phase_u * self.lot  # staggered start, pallets in the zone
        self.free = self.on_hand.copy()  # on hand and not yet taken by an order
        self.position = self.on_hand.copy()  # on hand + on order - promised
        self.lots_ordered = np.zeros(demand_per_day.shape, dtype=np.int64)
        self.back_orders = 0
        self._restocked: dict[tuple[int, int], simpy.Event] = {}

    def promise(self, zf: int, g: int, pallets: float) -> list[int]:
        """An order claims ``pallets``; return the numbers of the lots this makes the firm order."""
        self.position[zf, g] -= pallets
        lots = []
        while self.position[zf, g] <= self.reorder_point[zf, g]:
            self.position[zf, g] += self.lot[zf, g]
            lots.append(int(self.lots_ordered[zf, g]))
            self.lots_ordered[zf, g] += 1
        return lots

    def take(self, zf: int, g: int, pallets: float):
        """SimPy sub-process: take ``pallets`` off the shelf, waiting for lots if short."""
        if self.free[zf, g] < pallets:
            self.back_orders += 1
        while self.free[zf, g] < pallets:
            key = (zf, g)
            if key not in self._restocked:
                self._restocked[key] = self.env.event()
            yield self._restocked[key]
        self.free[zf, g] -= pallets

    def receive(self, zf: int, g: int, pallets: float) -> None:
        """Pallets of a lot are put away; wake the orders waiting for goods of this class."""
        self.on_hand[zf, g] += pallets
        self.free[zf, g] += pallets
        waiting = self._restocked.pop((zf, g), None)
        if waiting is not None:
            waiting.succeed()

    def ship(self, zf: int, g: int, pallets: float) -> None:
        self.on_hand[zf, g] -= pallets
