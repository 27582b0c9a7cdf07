"""Warehouses of the zone operator: space rented to firms, picking, and outbound trucks.

A :class:`Warehouse` is one storage area: the bonded warehouse (goods with duty suspended), the
non-bonded warehouse (domestic-trade goods) or, under shared warehousing, the pooled warehouse
that holds both. It keeps every firm's *space account*: the pallets it occupies now, its peak
each day, and the space it is billed for. A firm rents room for the peak of the last
``space.sizing_window_days`` days plus ``space.headroom``, and is billed at least its actual
peak of the day (short-term overflow space), so utilisation never exceeds 1. Two warehouses are
each rented for their own peak; the pooled one for the peak of the sum, which is lower unless
both classes peak on the same day: that is where shared warehousing frees space.

Staff are the operator's: one team (``staff.pickers``) puts lots away and picks orders in all
its warehouses (assumption: adjacent buildings, cross-trained staff), so the policy gains no
staff pooling; its picking gain is one job instead of two per mixed order.

Outbound: a warehouse with separate declarations books its own truck(s) per shipment, loaded
with that shipment only (one declaration, one truck). The pooled warehouse consolidates: per
order kind (destination) an open truck takes shipments until it is full or
``consolidation_window_h`` has passed since it opened, then leaves.
"""
from __future__ import annotations

import math

import mesa
import numpy as np

from sim.bonded_zone.draws import TRUCKS, Variates, durations

EPS_PALLETS = 1e-6


class Truck:
    __slots__ = ("departed", "is_open", "items", "load")

    def __init__(self, env):
        self.load = 0.0  # pallets
        self.items: list[tuple[int, int, float, float]] = []  # (order row, zone firm, bonded, domestic)
        self.departed = env.event()
        self.is_open = True


class Warehouse(mesa.Agent):
    def __init__(self, zone, name: str, pooled: bool):
        super().__init__(zone.model)
        self.zone, self.env, self.name, self.pooled = zone, zone.env, name, pooled
        n, window = len(zone.rate), zone.cfg.space.sizing_window_days
        self.occupied = np.zeros(n)  # pallets now, by zone firm
        self.peak_today = np.zeros(n)
        self.history = np.zeros((window, n))  # daily peaks of the last ``window`` days
        self.billed = np.zeros(n)  # pallets billed for the last closed day
        self.total = 0.0  # occupied pallets, all firms
        self._pallet_hours = 0.0  # integral of ``total`` since the last closed day
        self._last_t = self.env.now
        self.trucks_dispatched = 0
        if pooled:
            self.open_truck: dict[int, Truck] = {}  # by order kind
            self.truck_h = {k: Variates(zone.model.seed, (TRUCKS, k), durations(zone.cfg.trucks.call_lead))
                            for k in range(3)}
            self.trucks_by_kind = [0, 0, 0]

    # ------------------------------------------------------------------ space accounts
    def _tick(self) -> None:
        now = self.env.now
        self._pallet_hours += self.total * (now - self._last_t)
        self._last_t = now

    def store(self, zf: int, pallets: float) -> None:
        self._tick()
        self.total += pallets
        self.occupied[zf] += pallets
        self.peak_today[zf] = max(self.peak_today[zf], self.occupied[zf])

    def remove(self, zf: int, pallets: float) -> None:
        self._tick()
        self.total -= pallets
        self.occupied[zf] -= pallets

    def open_account(self, zf: int, pallets: float, history) -> None:
        """A firm's goods move in, with the daily peaks it plans its rented space from."""
        self._tick()
        self.total += pallets - self.occupied[zf]
        self.occupied[zf] = self.peak_today[zf] = pallets
        self.history[:, zf] = history

    def close_account(self, zf: int) -> tuple[float, np.ndarray]:
        """A firm's goods move out: return its pallets and daily-peak history."""
        self._tick()
        moved = (float(self.occupied[zf]), self.history[:, zf].copy())
        self.total -= moved[0]
        self.occupied[zf] = self.peak_today[zf] = 0.0
        self.history[:, zf] = 0.0
        return moved

    def room(self, zf: int) -> float:
        """Pallets firm ``zf`` can still put here within the space it rents: its peak of the last
        ``sizing_window_days`` days plus ``headroom``, less what it holds now (negative: overflow)."""
        return (1 + self.zone.cfg.space.headroom) * float(self.history[:, zf].max()) - float(self.occupied[zf])

    def close_day(self, day: int) -> tuple[float, np.ndarray]:
        """End of ``day``: bill each firm; return (occupied pallet-days, billed pallets by firm)."""
        self._tick()
        planned = (1 + self.zone.cfg.space.headroom) * self.history.max(axis=0)
        self.billed = np.maximum(planned, self.peak_today)
        self.history[day % len(self.history)] = self.peak_today
        self.peak_today = self.occupied.copy()
        occupied_days, self._pallet_hours = self._pallet_hours / 24, 0.0
        return occupied_days, self.billed

    # ------------------------------------------------------------------ picking
    def pick(self, o, pallets: float):
        """SimPy sub-process: one pick job for ``pallets`` of order ``o``."""
        s, log = self.zone.cfg.staff, self.zone.log
        job_h = (s.pick_base_h + s.pick_h_per_pallet * pallets) * o.pick_factor
        start = yield from self.zone.pickers.serve(job_h)
        log.stamp_last("pick_start", o.row, start)
        log.stamp_last("pick_end", o.row, self.env.now)

    # ------------------------------------------------------------------ outbound
    def ship(self, o, g: int, bonded: float, domestic: float):
        """SimPy sub-process: the shipment leaves the zone (its last truck departs)."""
        if self.pooled:
            yield from self._consolidated(o, bonded, domestic)
        else:
            yield from self._own_trucks(o, g, bonded, domestic)
        self.zone.log.stamp_last("shipped", o.row, self.env.now)

    def _own_trucks(self, o, g: int, bonded: float, domestic: float):
        t = self.zone.cfg.trucks
        pallets = bonded + domestic
        trucks = math.ceil(pallets / t.capacity_pallets - EPS_PALLETS)
        yield self.env.timeout(o.truck_h[g] + t.loading_h_per_pallet * pallets)
        self.zone.dispatch(o.zf, bonded, domestic)
        self.zone.log.trucks[o.row] += trucks
        self.trucks_dispatched += trucks

    def _consolidated(self, o, bonded: float, domestic: float):
        capacity = self.zone.cfg.trucks.capacity_pallets
        left, departures = bonded + domestic, []
        while left > EPS_PALLETS:
            truck = self.open_truck.get(o.kind) or self._open(o.kind)
            take = min(left, capacity - truck.load)
            share = take / (bonded + domestic)
            truck.items.append((o.row, o.zf, bonded * share, domestic * share))
            truck.load += take
            left -= take
            departures.append(truck.departed)
            if truck.load >= capacity - EPS_PALLETS:
                self._close(o.kind, truck)
        yield departures[0] if len(departures) == 1 else self.env.all_of(departures)

    def _open(self, kind: int) -> Truck:
        truck = self.open_truck[kind] = Truck(self.env)
        self.env.process(self._window(kind, truck))
        return truck

    def _window(self, kind: int, truck: Truck):
        yield self.env.timeout(self.zone.policy.consolidation_window_h)
        if truck.is_open:
            self._close(kind, truck)

    def _close(self, kind: int, truck: Truck) -> None:
        truck.is_open = False
        del self.open_truck[kind]
        self.env.process(self._depart(kind, truck))

    def _depart(self, kind: int, truck: Truck):
        call_lead_h = self.truck_h[kind][self.trucks_by_kind[kind]]
        self.trucks_by_kind[kind] += 1
        yield self.env.timeout(call_lead_h + self.zone.cfg.trucks.loading_h_per_pallet * truck.load)
        for row, zf, bonded, domestic in truck.items:
            self.zone.dispatch(zf, bonded, domestic)
            self.zone.log.trucks[row] += (bonded + domestic) / truck.load
        self.trucks_dispatched += 1
        truck.departed.succeed()
