"""Port-side cost of each imported vehicle, CNY, from the components in ``roro.costs``.

- ``handling``: ro-ro discharge and yard handling, once per vehicle driven off;
- ``brokerage``: the vehicle's declaration, once it is lodged;
- ``inspection``: the per-vehicle inspection, once it is done;
- ``storage``: vehicle-yard days beyond ``free_storage_days`` x the daily tariff (whole days,
  rounded up, as for containers in :mod:`sim.costs`);
- ``holding``: the time cost of the vehicle's value from the ship's arrival to its pickup.

A vehicle still in the port has no storage or holding cost yet (NaN times count as nothing): the
summary averages costs over the vehicles that left.
"""
from __future__ import annotations

import numpy as np

from sim.schema.roro import VehicleCostsConfig

COMPONENTS = ("handling", "brokerage", "inspection", "storage", "holding")


def _hours(end: np.ndarray, start: np.ndarray) -> np.ndarray:
    return np.nan_to_num((end - start).astype(np.float64), nan=0.0)


def vehicle_costs(log: dict[str, np.ndarray], c: VehicleCostsConfig) -> dict[str, np.ndarray]:
    """Per vehicle: each component and ``total`` (CNY)."""
    yard_days = np.ceil(_hours(log["picked_up"], log["discharge"]) / 24)
    per_h = log["value_cny"].astype(np.float64) * c.holding_pct_per_day / 100 / 24
    costs = {
        "handling": c.handling_cny * np.isfinite(log["discharge"]),
        "brokerage": c.brokerage_cny * np.isfinite(log["declaration_lodged"]),
        "inspection": c.inspection_cny * np.isfinite(log["inspection_end"]),
        "storage": np.maximum(yard_days - c.free_storage_days, 0) * c.storage_cny_per_day,
        "holding": per_h * _hours(log["picked_up"], log["vessel_arrival"]),
    }
    costs["total"] = sum(costs[k] for k in COMPONENTS)
    return costs
