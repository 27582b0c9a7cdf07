"""Cost of each container in CNY, by component, computed from its milestones after the run.

- ``storage``: yard days beyond ``free_storage_days`` x tariff x TEU (whole days, rounded up).
  Import: discharge -> gate-out; export: gate-in -> load.
- ``handling``: terminal handling charge by box size + re-handling moves x tariff.
- ``inspection``: inspection fee + two shuttle trips, for physically inspected boxes.
- ``detention``: carrier detention, days the box is out of the carrier's hands beyond
  ``detention_free_days`` x tariff x TEU. Import: discharge -> gate-out + ``empty_return_days``.
- ``brokerage``: broker's fee per declaration + declarant hours billed (rework included).
- ``documents``: the carrier's document (D/O) fee for an import B/L, + the courier for a paper
  B/L.
- ``port_fees``: other port and agency fees per box (calibrated: see the scenario config).
- ``truck_waiting``: hours trucks wait for the box x rate: from the pickup appointment to the
  gate-out, and at the ship side for a direct pickup.
- ``inventory``: time cost of the cargo, cargo value x ``inventory_pct_per_day`` x days late.
  Import: days from the date its consignee needs the goods (``goods_needed``) to gate-out, if the
  box leaves after it; goods that reach their consignee before they are needed cost no time (they
  were shipped to arrive early). Export: days from the box being ready at the factory to vessel
  departure (the buyer waits for them; a box kept at the factory for direct loading still waits).
- ``own_warehouse``: import goods out of the port before they are needed sit in their
  consignee's own warehouse: ``own_warehouse_cny_per_day`` (its rate x TEU) x days from gate-out
  to the need date. With ``inventory`` this is the cost as the consignee sees it, the one it
  plans its pickup on (:meth:`sim.agents.consignee.Consignee.planned_pickup_h`): a reform that
  gets boxes out sooner saves it only when the goods were late, or the yard charged for waiting.

``border_documentary`` = storage + handling + inspection + brokerage + documents + port fees:
the cost the World Bank's Doing Business "border + documentary compliance" measures (time value,
detention and trucking excluded), to compare with the 2017 figure.
"""
from __future__ import annotations

import functools

import numpy as np

from sim.office_hours import DAY_H
from sim.per_row import per_row
from sim.records import IMPORT
from sim.schema.port import CostConfig

COMPONENTS = ("storage", "handling", "inspection", "detention", "brokerage", "documents",
              "port_fees", "truck_waiting", "inventory", "own_warehouse")


def free_storage_end_h(cfg: CostConfig, discharge_h):
    """When the yard starts to charge storage for a box discharged at ``discharge_h`` (hours
    since the start; a float or an array)."""
    return discharge_h + cfg.free_storage_days * DAY_H


def container_costs(log: dict[str, np.ndarray], cfg: CostConfig, rows: np.ndarray | None = None,
                    dtype=np.float64) -> dict[str, np.ndarray]:
    """Per-container cost components (CNY) plus ``border_documentary`` and ``total``, for the
    rows ``rows`` (indices; all by default) as arrays of ``dtype`` aligned with them.

    Computed in float64 a chunk of rows at a time (:func:`sim.per_row.per_row`), so the
    temporaries stay the size of a chunk whatever the log's length.
    """
    return per_row(functools.partial(_costs, cfg=cfg), log, rows, dtype)


def _costs(log: dict[str, np.ndarray], cfg: CostConfig) -> dict[str, np.ndarray]:
    is_import = log["flow"] == IMPORT
    teu = log["teu"].astype(np.float64)
    f64 = {k: log[k].astype(np.float64) for k in ("discharge", "gate_out", "gate_in", "ready", "load", "release",
                                                  "vessel_arrival", "vessel_departure",
                                                  "pickup_appointment", "inspection_start")}
    yard_in = np.where(is_import, f64["discharge"], f64["gate_in"])
    yard_out = np.where(is_import, f64["gate_out"], f64["load"])
    yard_days = np.ceil(np.nan_to_num(yard_out - yard_in) / 24)
    storage = np.maximum(yard_days - cfg.free_storage_days, 0) * cfg.storage_cny_per_teu_day * teu

    thc = np.where(teu == 2, cfg.thc_40ft_cny, cfg.thc_20ft_cny)
    handling = thc + log["rehandles"].astype(np.float64) * cfg.rehandle_cny_per_move

    inspected = ~np.isnan(f64["inspection_start"])
    inspection = inspected * (cfg.inspection_fee_cny + 2 * cfg.shuttle_cny_per_trip)

    out_days = np.nan_to_num(f64["gate_out"] - f64["discharge"]) / 24 + cfg.empty_return_days
    detention = np.where(is_import & ~np.isnan(f64["gate_out"]),
                         np.maximum(np.ceil(out_days) - cfg.detention_free_days, 0)
                         * cfg.detention_cny_per_teu_day * teu, 0.0)

    brokerage = (np.where(is_import, cfg.brokerage_import_cny, cfg.brokerage_export_cny)
                 + log["broker_work_h"].astype(np.float64) * cfg.broker_cny_per_work_h)
    documents = np.where(is_import, cfg.document_fee_cny + log["paper_bl"] * cfg.courier_cny, 0.0)
    port_fees = np.where(is_import, cfg.port_fees_import_cny, cfg.port_fees_export_cny)

    truck_hours = (np.nan_to_num(f64["gate_out"] - f64["pickup_appointment"])
                   + log["ship_side_wait_h"].astype(np.float64))
    truck_waiting = truck_hours * cfg.truck_wait_cny_per_h

    needed = log["goods_needed"].astype(np.float64)
    waiting_since = np.where(is_import, needed, np.fmin(f64["ready"], f64["gate_in"]))
    leave = np.where(is_import, f64["gate_out"], f64["vessel_departure"])
    late_days = np.maximum(np.nan_to_num(leave - waiting_since), 0.0) / 24
    inventory = log["cargo_value_cny"].astype(np.float64) * cfg.inventory_pct_per_day / 100 * late_days
    early_days = np.where(is_import, np.maximum(np.nan_to_num(needed - f64["gate_out"]), 0.0), 0.0) / 24
    own_warehouse = np.nan_to_num(log["own_warehouse_cny_per_day"].astype(np.float64)) * early_days

    costs = dict(storage=storage, handling=handling, inspection=inspection, detention=detention,
                 brokerage=brokerage, documents=documents, port_fees=port_fees,
                 truck_waiting=truck_waiting, inventory=inventory, own_warehouse=own_warehouse)
    costs["border_documentary"] = storage + handling + inspection + brokerage + documents + port_fees
    costs["total"] = sum(costs[c] for c in COMPONENTS)
    return costs
