"""Cost of each parcel's clearance and of its return, CNY, from the components in ``ecommerce.costs``.

Clearance: the parcel's share of its declaration's filing fee (a consolidated declaration is
split over the parcels it lists), manual handling of mismatched documents, each check (red channel
and special check), terminal storage from breakdown to pickup, and the time cost of the goods from
landing to pickup. Return: the re-declaration (standard procedure), the inspection if opened, and
the time cost of the goods from the request until they are back in stock or destroyed. A parcel
still on its way is costed up to its last milestone (NaN times count as nothing).
"""
from __future__ import annotations

import numpy as np

from sim.schema.ecommerce import ParcelCosts

CLEARANCE = ("declaration", "manual", "inspection", "storage", "holding")


def _hours(end: np.ndarray, start: np.ndarray) -> np.ndarray:
    return np.nan_to_num((end - start).astype(np.float64), nan=0.0)


def parcel_costs(log: dict[str, np.ndarray], c: ParcelCosts) -> dict[str, np.ndarray]:
    """Per parcel: each clearance component, ``total``, and ``return`` (CNY)."""
    left = np.fmin(log["picked_up"], log["detained"])
    per_h = log["value_cny"].astype(np.float64) * c.holding_pct_per_day / 100 / 24
    costs = {
        "declaration": c.declaration_cny * log["declaration_share"].astype(np.float64),
        "manual": c.manual_cny * log["mismatched"],
        "inspection": c.inspection_cny * (log["inspected"].astype(np.float64) + log["special_checked"]),
        "storage": c.storage_cny_per_h * _hours(left, log["broken_down"]),
        "holding": per_h * _hours(left, log["flight_arrival"]),
    }
    costs["total"] = sum(costs[k] for k in CLEARANCE)
    back = np.fmin(log["back_in_stock"], log["destroyed"])
    costs["return"] = (c.return_declaration_cny * log["return_redeclared"]
                       + c.inspection_cny * log["return_opened"]
                       + per_h * _hours(back, log["return_requested"]))
    return costs
