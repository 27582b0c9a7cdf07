"""Key figures of the bonded zone over a measurement window (orders that arrived in it).

Times in hours, costs in CNY per order, space in pallet-days and m^2. ``lead_time_h`` is order
-> last truck out of the zone; ``clearance_time_h`` is order -> last declaration covering it
accepted. Conservation counts every order: done (shipped and cleared) or still in the zone.
"""
from __future__ import annotations

import numpy as np

from sim.bonded_zone.records import COSTS
from sim.records import DETECTED, MISSED
from sim.summary import describe


def _mean(x: np.ndarray) -> float | None:
    return float(x.mean()) if x.size else None


def zone_summary(zone, window_start_h: float, window_end_h: float) -> dict:
    v = zone.log.view()
    t = {k: v[k].astype(np.float64) for k in ("ordered", "shipped", "cleared")}
    arrived = (t["ordered"] >= window_start_h) & (t["ordered"] < window_end_h)
    done = v["outcome"] >= 0  # set when the order is complete
    m = arrived & done
    lead, clearance = t["shipped"] - t["ordered"], t["cleared"] - t["ordered"]
    shared = v["shared"].astype(bool)
    pallets = (v["bonded_pallets"] + v["domestic_pallets"]).astype(np.float64)
    total_cost = sum(v[c].astype(np.float64) for c in COSTS)

    days = [d for d in zone.days if d["day"] * 24 >= window_start_h and (d["day"] + 1) * 24 <= window_end_h]
    before = [d for d in zone.days if (d["day"] + 1) * 24 <= window_start_h]
    occupied = sum(d["occupied_pallet_days"] for d in days)
    billed = sum(d["billed_pallet_days"] for d in days)
    n_days = max(len(days), 1)

    def counted(name: str) -> int:
        start = before[-1][name] if before else 0
        return int(days[-1][name] - start) if days else 0

    return {
        "orders": {"arrived": int(arrived.sum()), "done": int(m.sum()), "in_system": int((arrived & ~done).sum()),
                   "all_arrived": int(zone.log.size), "all_done": int(done.sum()),
                   "all_in_system": int((~done).sum())},
        "lead_time_h": describe(lead[m]),
        "lead_time_h_by_route": {"shared": describe(lead[m & shared]), "separate": describe(lead[m & ~shared])},
        "clearance_time_h": describe(clearance[m]),
        "per_order": {"pallets": _mean(pallets[m]), "shipments": _mean(v["shipments"][m].astype(np.float64)),
                      "trucks": _mean(v["trucks"][m].astype(np.float64)),
                      "declarations": _mean(v["declarations"][m].astype(np.float64))},
        "cost_cny_per_order": {**{c.removesuffix("_cny"): _mean(v[c][m].astype(np.float64)) for c in COSTS},
                               "total": _mean(total_cost[m])},
        "shared_order_share": _mean(shared[m].astype(np.float64)),
        "enforcement": {"doc_checked_order_share": _mean(v["doc_checked"][m].astype(np.float64)),
                        "offences": int(v["offence"][m].sum()),
                        "detected": int((v["outcome"][m] == DETECTED).sum()),
                        "missed": int((v["outcome"][m] == MISSED).sum())},
        "space": {"utilisation": occupied / billed if billed else None,
                  "rented_m2_per_zone_firm": billed / n_days / len(zone.rate) * zone.cfg.space.m2_per_pallet,
                  "rent_cny_per_day": sum(d["rent_cny"] for d in days) / n_days},
        "window_days": len(days),
        "trucks_dispatched": counted("trucks_total"),
        "declarations_lodged": counted("declarations_total"),
        "stock": {"lots_ordered": int(zone.stock.lots_ordered.sum()), "back_orders": zone.stock.back_orders},
        "stations": {s.name: s.statistics() for s in zone.stations},
        "zone_firms": len(zone.rate),
        "eligible_firms": int(zone.eligible.sum()),
        "adoption_share": zone.adoption.share() if zone.adoption is not None else 0.0,
    }
