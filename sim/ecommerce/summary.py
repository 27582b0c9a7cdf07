"""Key figures of the air cargo terminal over a measurement window. Times in hours, costs in CNY
per parcel.

Parcels: the cohort is every parcel whose flight landed in the window, followed to the end of its
clearance (collected by the courier, or detained); ``clearance_time_h`` runs from landing to
release. Returns: every return requested in the window; ``return_lead_time_h`` runs from the
request to the parcel being back in bonded stock. Figures are taken at the horizon; parcels and
returns still under way then are counted as ``unfinished``, never dropped. Conservation places
every parcel of the run in exactly one state.
"""
from __future__ import annotations

import numpy as np

from sim.ecommerce.costs import CLEARANCE, parcel_costs
from sim.ecommerce.records import DESTROYED, DETAINED, IN_STOCK, MISSED, NO_RETURN, REFUSED
from sim.summary import describe


def _mean(x: np.ndarray) -> float | None:
    return float(x.mean()) if x.size else None


def _share(count, n) -> float | None:
    return float(count) / n if n else None


def states(log: dict[str, np.ndarray]) -> dict[str, int]:
    """Where every parcel of the run is now; each mask is defined on its own, so the counts add
    up to the parcels landed only if every parcel's milestones and outcomes agree."""
    finite = {k: np.isfinite(v) for k, v in log.items() if v.dtype == np.float32}
    ret = log["return_outcome"]
    masks = {
        "on_uld": ~finite["broken_down"],
        "in_clearance": finite["broken_down"] & ~finite["release"] & ~finite["detained"],
        "detained": finite["detained"],
        "awaiting_pickup": finite["release"] & ~finite["picked_up"],
        "with_consumer": finite["picked_up"] & ~finite["return_requested"],
        "returning": finite["return_requested"] & (ret == NO_RETURN),
        "back_in_stock": ret == IN_STOCK,
        "destroyed": ret == DESTROYED,
        "return_refused": ret == REFUSED,
    }
    return {"landed": int(log["flight_arrival"].size), **{k: int(m.sum()) for k, m in masks.items()}}


def parcel_summary(terminal, window_start_h: float, window_end_h: float) -> dict:
    v = terminal.log.view()
    t = {k: x.astype(np.float64) for k, x in v.items() if x.dtype == np.float32}
    costs = parcel_costs(v, terminal.cfg.costs)
    rows = (t["flight_arrival"] >= window_start_h) & (t["flight_arrival"] < window_end_h)
    detained = rows & (v["outcome"] == DETAINED)
    released = rows & np.isfinite(t["release"])
    done = rows & (np.isfinite(t["picked_up"]) | detained)  # collected or detained: costed
    unfinished = int((rows & ~done).sum())
    undecided = int((rows & ~released & ~detained).sum())
    checked = rows & v["special_checked"]
    declared = rows & np.isfinite(t["declared"])

    asked = (t["return_requested"] >= window_start_h) & (t["return_requested"] < window_end_h)
    ret = v["return_outcome"]
    settled = asked & (ret != NO_RETURN)  # back in stock, destroyed or refused
    examined = settled & (ret != REFUSED)  # came back and went through a return procedure
    in_stock = asked & (ret == IN_STOCK)
    returning = int((asked & (ret == NO_RETURN)).sum())
    back_h = np.where(ret == IN_STOCK, t["back_in_stock"], np.nan)
    return {
        "conservation": states(v),
        "parcels": {"arrived": int(rows.sum()), "released": int(released.sum()), "detained": int(detained.sum()),
                    "done": int(done.sum()), "unfinished": unfinished},
        "clearance_time_h": describe((t["release"] - t["flight_arrival"])[released], undecided),
        "arrival_to_pickup_h": describe((t["picked_up"] - t["flight_arrival"])[rows], unfinished),
        "special_check_wait_h": describe((t["check_start"] - t["check_joined"])[checked]),
        "special_checked_share": _share(checked.sum(), (rows & (v["goods"] != 0)).sum()),
        "declarations_per_parcel": _mean(v["declaration_share"][declared].astype(np.float64)),
        "consolidated_share": _share((rows & v["consolidated"]).sum(), rows.sum()),
        "mismatched_share": _share((rows & v["mismatched"]).sum(), rows.sum()),
        "cost_cny_per_parcel": {**{k: _mean(costs[k][done]) for k in CLEARANCE}, "total": _mean(costs["total"][done])},
        "enforcement": {"noncompliant": int((rows & v["noncompliant"]).sum()), "detained": int(detained.sum()),
                        "missed": int((rows & (v["outcome"] == MISSED)).sum())},
        "returns": {
            "requested": int(asked.sum()),
            "refused_outside_window": int((asked & (ret == REFUSED)).sum()),
            "back_in_stock": int(in_stock.sum()),
            "destroyed": int((asked & (ret == DESTROYED)).sum()),
            "unfinished": returning,
            "share_back_in_stock": _share(in_stock.sum(), settled.sum()),
            "lead_time_h": describe((back_h - t["return_requested"])[asked], returning),
            "opened_share": _share((examined & v["return_opened"]).sum(), examined.sum()),
            "cost_cny_per_return": _mean(costs["return"][examined]),
            "faulty_back_in_stock": int((in_stock & v["return_faulty"]).sum()),
        },
        "whitelisted_seller_share": float(terminal.policy.whitelisted.mean()),
        "stations": {s.name: s.statistics() for s in terminal.stations},
    }
