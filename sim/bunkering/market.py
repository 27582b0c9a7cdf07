"""BunkerMarket: the bonded bunker market of the port, the runtime sub-model the model plugs in.

Vessel calls request VLSFO (0.50 % S) from one bonded supplier (a :class:`Blender` agent) that
delivers by barge under customs supervision (see :mod:`sim.bunkering.flow`). Under the
``bonded_blending`` policy an eligible supplier blends its VLSFO from bonded HSFO and LSFO
instead of buying it ready-blended (:mod:`sim.policies.bonded_blending`).

Outcomes per call (one log row): waiting time, served or lost, sulfur of the delivered fuel,
price per tonne in CNY. Per run: share of calls served, tonnes sold, price, supply lead times,
stock-outs, barge utilisation, mean stocks, and the bonded-fuel tax relief per tonne (13 % VAT
rebated and CNY 1,218/t consumption tax waived for fuel in customs-supervised storage; the same
with or without blending).
"""
from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from sim.bunkering.flow import call_arrivals
from sim.bunkering.records import BLEND, CALL_COLUMNS, PRE_BLENDED, SUPPLY_KINDS, Columns
from sim.bunkering.supplier import Blender
from sim.schema.bunkering import BunkeringConfig
from sim.schema.policies import BondedBlendingConfig
from sim.station import Station
from sim.summary import describe

TANKS = ("vlsfo", "hsfo", "lsfo")


class BunkerMarket:
    """Vessel bunker calls, the supplier and customs supervision of deliveries."""

    def __init__(self, model, cfg: BunkeringConfig, policy_cfg: BondedBlendingConfig):
        self.env, self.seed, self.cfg = model.env, model.seed, cfg
        self.horizon_days = model.config.run.horizon_days
        self.calls = Columns(CALL_COLUMNS, capacity=int(1.2 * cfg.calls_per_day * self.horizon_days) + 64)
        self.supplier = Blender(model, cfg, policy_cfg)
        self.customs = Station(self.env, "bunker_customs", cfg.customs_officers, book_ahead=True)
        self.stations: list[Station] = [self.supplier.barges, self.supplier.lines, self.customs]
        self.served = self.lost = 0
        self._stock_th = np.zeros((self.horizon_days + 1, len(TANKS)))  # integral of stock at each day end
        if cfg.enabled:
            self.env.process(call_arrivals(self))

    # ------------------------------------------------------------------ outcomes of calls
    def sail_unserved(self, row: int) -> None:
        """The vessel's patience ran out: it bunkers elsewhere."""
        self.calls.sailed_unserved[row] = self.env.now
        self.lost += 1

    def delivered(self, row: int, sulfur_pct: float, fuel_cost_usd_per_t: float) -> None:
        """Pumping done: record the batch's sulfur and what the vessel pays per tonne."""
        c, rate = self.calls, self.cfg.cny_per_usd
        s = self.supplier.cfg
        trip_h = self.env.now - c.barge_dispatched[row] + c.travel_h[row]  # dispatch -> barge back
        delivery_usd = s.barges.cost_usd_per_h * trip_h / c.demand_t[row]
        c.sulfur_pct[row] = sulfur_pct
        c.fuel_cost_cny_per_t[row] = fuel_cost_usd_per_t * rate
        c.delivery_cost_cny_per_t[row] = delivery_usd * rate
        c.price_cny_per_t[row] = (fuel_cost_usd_per_t + delivery_usd + s.margin_usd_per_t) * rate
        c.paid_cny[row] = c.price_cny_per_t[row] * c.demand_t[row]
        self.served += 1

    # ------------------------------------------------------------------ daily
    def daily_update(self) -> None:
        """Close the day's books: the stock integrals that mean stocks over any window come from."""
        day = round(self.env.now / 24)
        tanks = self.supplier.vlsfo, self.supplier.hsfo, self.supplier.lsfo
        self._stock_th[day] = [t.stock_integral_th() for t in tanks]

    def daily_series(self) -> dict[str, float]:
        stocks = self.supplier.stocks_t()
        return {
            **{f"bunker_{name}_stock_t": float(v) for name, v in zip(TANKS, stocks)},
            "bunker_calls_waiting_for_stock": self.supplier.vlsfo.waiting,
            "bunker_orders_waiting_for_barge": self.supplier.barges.waiting,
            "bunker_calls_served": self.served,
            "bunker_calls_lost": self.lost,
        }

    # ------------------------------------------------------------------ run results
    def log_table(self) -> pa.Table:
        """One row per vessel bunker call: attributes, milestones (h), sulfur, costs (CNY)."""
        return self.calls.to_arrow("call")

    def supply_table(self) -> pa.Table:
        """One row per supply order (purchase or blend run)."""
        return self.supplier.orders.to_arrow("order")

    def summary(self, window_start_h: float, window_end_h: float) -> dict:
        """Key figures of the calls requested in [window_start_h, window_end_h), JSON-ready."""
        c = {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in self.calls.view().items()}
        rows = (c["requested"] >= window_start_h) & (c["requested"] < window_end_h)
        served = rows & np.isfinite(c["pumping_end"])
        lost = rows & np.isfinite(c["sailed_unserved"])
        tonnes = float(c["demand_t"][served].sum())
        days = (window_end_h - window_start_h) / 24
        mean_stock = self._mean_stock_t(window_start_h, window_end_h)
        price = self._per_tonne(c, served, "price_cny_per_t")
        return {
            "conservation": self._conservation(c),
            "calls": {"arrived": int(rows.sum()), "served": int(served.sum()), "lost": int(lost.sum()),
                      "in_system": int((rows & ~served & ~lost).sum())},
            "share_served": _ratio(served.sum(), served.sum() + lost.sum()),
            "stockout_share": _ratio(c["stockout"][rows].sum(), rows.sum()),
            "wait_h": describe(c["pumping_start"][served] - c["requested"][served]),
            "stock_wait_h": describe(c["stock_promised"][rows] - c["requested"][rows]),
            "tonnes_sold": tonnes,
            "tonnes_sold_per_day": tonnes / days,
            "price_cny_per_t": price,
            "price_usd_per_t": price / self.cfg.cny_per_usd if price is not None else None,
            "fuel_cost_cny_per_t": self._per_tonne(c, served, "fuel_cost_cny_per_t"),
            "delivery_cost_cny_per_t": self._per_tonne(c, served, "delivery_cost_cny_per_t"),
            "bonded_tax_relief_cny_per_t": self._tax_relief(price),
            "sulfur_pct": {"mean": self._per_tonne(c, served, "sulfur_pct"),
                           "max": float(c["sulfur_pct"][served].max()) if served.any() else None,
                           "batches_above_limit": int((c["sulfur_pct"][served] > self.cfg.sulfur_limit_pct).sum())},
            "barge_utilisation": self._barge_utilisation(c, window_start_h, window_end_h),
            "supply": self._supply(window_start_h, window_end_h),
            "mean_stock_t": mean_stock,
            "days_of_cover": mean_stock["total"] / (tonnes / days) if tonnes > 0 else None,
            "blending": {"policy_enabled": self.supplier.policy.enabled,
                         "licensed": self.supplier.cfg.blending.licensed, "blends": self.supplier.blends},
        }

    @staticmethod
    def _per_tonne(c: dict, rows: np.ndarray, column: str) -> float | None:
        """Tonnage-weighted mean of a per-tonne column."""
        w = c["demand_t"][rows]
        return float(np.sum(c[column][rows] * w) / w.sum()) if w.sum() > 0 else None

    def _tax_relief(self, price_cny_per_t: float | None) -> float | None:
        """Consumption tax waived + VAT (on price incl. consumption tax) rebated, CNY per tonne."""
        if price_cny_per_t is None:
            return None
        tax = self.cfg.consumption_tax_cny_per_t
        return tax + self.cfg.vat_rate * (price_cny_per_t + tax)

    def _conservation(self, c: dict) -> dict[str, int]:
        """Every call of the run: served, lost, or still in the system at the horizon."""
        served, lost = np.isfinite(c["pumping_end"]), np.isfinite(c["sailed_unserved"])
        return {"arrived": self.calls.size, "served": int(served.sum()), "lost": int(lost.sum()),
                "in_system": int((~served & ~lost).sum())}

    def _barge_utilisation(self, c: dict, start_h: float, end_h: float) -> float:
        """Share of barge-hours in the window spent on delivery trips (dispatch -> back)."""
        begin = c["barge_dispatched"]
        back = np.where(np.isnan(c["barge_back"]), self.env.now, c["barge_back"])
        overlap = np.clip(np.minimum(back, end_h) - np.maximum(begin, start_h), 0, None)
        return float(np.nansum(overlap) / (self.supplier.barges.servers * (end_h - start_h)))

    def _supply(self, start_h: float, end_h: float) -> dict:
        """Supply lead time (order -> lot available, h) and tonnes, per kind of order placed in the window."""
        o = self.supplier.orders.view()
        ordered = o["ordered"].astype(np.float64)
        lead = o["available"].astype(np.float64) - ordered
        in_window = (ordered >= start_h) & (ordered < end_h)
        out = {}
        for kind, name in enumerate(SUPPLY_KINDS):
            rows = in_window & (o["kind"] == kind)
            out[name] = {"orders": int(rows.sum()), "lead_time_h": describe(lead[rows]),
                         "received_t": float(np.nansum(o["received_t"][rows]))}
        vlsfo = in_window & np.isin(o["kind"], (PRE_BLENDED, BLEND))
        out["vlsfo_lead_time_h"] = describe(lead[vlsfo])
        out["blended_share"] = _ratio(out["blend"]["received_t"],
                                      out["blend"]["received_t"] + out["pre_blended"]["received_t"])
        return out

    def _mean_stock_t(self, start_h: float, end_h: float) -> dict[str, float]:
        """Time-averaged tonnes per tank over the whole days inside the window."""
        first, last = math.ceil(start_h / 24), math.floor(end_h / 24)
        mean = (self._stock_th[last] - self._stock_th[first]) / max((last - first) * 24, 1e-12)
        return {**{name: float(v) for name, v in zip(TANKS, mean)}, "total": float(mean.sum())}


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if b > 0 else None
