"""Key figures of the bonded zone over a measurement window (orders that arrived in it).

Times in hours, costs in CNY per order, space in pallet-days and m^2. ``lead_time_h`` is order
-> last truck out of the zone; ``clearance_time_h`` is order -> last declaration covering it
accepted. Conservation counts every order: done (shipped and cleared) or still in the zone.

``first_line`` (:func:`first_line_summary`): the bonded lots' boxes whose vessel arrived in the
window, followed to the end of the run: port dwell (discharge -> gate-out), wait for room
(discharge -> the firm's decision), first-line filing time (vessel arrival -> entry filing
accepted), port storage (CNY per box, :mod:`sim.costs`), boxes moved in by the deadline and late
fees (CNY per box); and every box counted where it is (:func:`first_line_conservation`).
"""
from __future__ import annotations

import numpy as np

from sim.bonded_zone.first_line import PLACES
from sim.bonded_zone.records import COSTS
from sim.costs import container_costs
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
        **({} if zone.first_line is None else
           {"first_line": first_line_summary(zone.first_line, window_start_h, window_end_h)}),
    }


def _port_milestones(first_line) -> dict[str, np.ndarray]:
    """For each first-line box: its port log columns (NaN / 0 before its manifest is filed)."""
    port = first_line.model.log.view()
    ids = first_line.log.view()["consignment"]
    filed = ids >= 0
    out = {}
    for name in ("vessel_arrival", "discharge", "declaration_lodged", "release", "gate_out"):
        column = np.full(ids.size, np.nan)
        column[filed] = port[name][ids[filed]]
        out[name] = column
    return out


def first_line_conservation(first_line) -> dict:
    """The boxes of ordered bonded lots, counted two ways: from the log's milestones (still at
    sea: not discharged; in the port: discharged, not out of the gate; on the way to the zone;
    put away in the zone) and by the places as the boxes moved (:attr:`FirstLine.count`)."""
    t = _port_milestones(first_line)
    put_away = np.isfinite(first_line.log.view()["put_away"])
    discharged, left = np.isfinite(t["discharge"]), np.isfinite(t["gate_out"])
    from_log = {"at_sea": int((~discharged).sum()), "in_port": int((discharged & ~left).sum()),
                "to_zone": int((left & ~put_away).sum()), "in_zone": int(put_away.sum())}
    counted = dict(zip(PLACES, first_line.count))
    return {"boxes": int(first_line.log.size), "from_log": from_log, "counted": counted,
            "balanced": from_log == counted and sum(counted.values()) == first_line.log.size}


def first_line_summary(first_line, window_start_h: float, window_end_h: float) -> dict:
    v = first_line.log.view()
    t = _port_milestones(first_line)
    arrived = (t["vessel_arrival"] >= window_start_h) & (t["vessel_arrival"] < window_end_h)
    left = np.isfinite(t["gate_out"])
    decided = np.isfinite(v["decided"].astype(np.float64))
    ids = v["consignment"][arrived & left]
    boxes = {name: column[ids] for name, column in first_line.model.log.view().items()}
    storage = container_costs(boxes, first_line.model.config.costs)["storage"]
    n = int(arrived.sum())
    late = arrived & (v["late_days"] > 0)
    return {
        "boxes_arrived": n,
        "boxes_left_port": int((arrived & left).sum()),
        "port_dwell_h": describe((t["gate_out"] - t["discharge"])[arrived], int((arrived & ~left).sum())),
        "room_wait_h": describe((v["decided"] - t["discharge"])[arrived], int((arrived & ~decided).sum())),
        "filing_h": describe((t["release"] - t["vessel_arrival"])[arrived],
                             int((arrived & ~np.isfinite(t["release"])).sum())),
        "forced_share": float(v["forced"][arrived].mean()) if n else None,
        "late_boxes": int(late.sum()),
        "late_fee_cny_per_box": float(v["late_fee_cny"][arrived].mean()) if n else None,
        "port_storage_cny_per_box": _mean(storage),
        "filings": first_line.filings,
        "conservation": first_line_conservation(first_line),
    }
