"""Columnar records of the bunker market: one row per vessel bunker call, one per supply order.

Like :class:`sim.records.ConsignmentLog`: preallocated numpy columns that grow by 25 % when full,
milestones as float32 hours since the start of the run (NaN when they do not apply), money as
float64 CNY. No Python object outlives the unit of work it describes.
"""
from __future__ import annotations

import numpy as np

from sim.records import Columns  # noqa: F401  (the bunker logs are Columns)

NAN = np.nan

CALL_COLUMNS = {  # name -> (dtype, empty value)
    "day": (np.int32, 0),  # day of the request (the draw batch)
    "demand_t": (np.float32, NAN),  # VLSFO stem requested
    "patience_h": (np.float32, NAN),  # request -> latest barge dispatch the vessel accepts
    "travel_h": (np.float32, NAN),  # barge sailing time, one way
    "customs_h": (np.float32, NAN),  # customs supervision of the delivery
    # milestones, h
    "requested": (np.float32, NAN),
    "stock_promised": (np.float32, NAN),  # the supplier sets the stem aside in its VLSFO tank
    "barge_dispatched": (np.float32, NAN),  # a barge starts loading the stem
    "alongside": (np.float32, NAN),  # barge at the vessel; customs supervision starts (or queues)
    "pumping_start": (np.float32, NAN),  # supervision done, fuel flows
    "pumping_end": (np.float32, NAN),  # call served
    "barge_back": (np.float32, NAN),  # barge free for the next delivery
    "sailed_unserved": (np.float32, NAN),  # patience ran out: the vessel bunkers elsewhere (lost)
    # outcome
    "stockout": (np.bool_, False),  # the tank could not cover the stem at the request
    "sulfur_pct": (np.float32, NAN),  # sulfur of the delivered fuel, % mass
    "fuel_cost_cny_per_t": (np.float64, NAN),  # supplier's cost of the fuel (incl. holding, blending)
    "delivery_cost_cny_per_t": (np.float64, NAN),  # barge trip
    "price_cny_per_t": (np.float64, NAN),  # paid by the vessel: fuel + delivery + margin
    "paid_cny": (np.float64, NAN),  # price x stem
}

PRE_BLENDED, BLEND, HSFO, LSFO = 0, 1, 2, 3
SUPPLY_KINDS = ("pre_blended", "blend", "hsfo", "lsfo")

SUPPLY_COLUMNS = {
    "kind": (np.int8, -1),  # PRE_BLENDED, BLEND, HSFO, LSFO
    "ordered": (np.float32, NAN),  # h: order placed (purchase) or blend run requested
    "available": (np.float32, NAN),  # h: lot in the tank (the supply lead time ends)
    "ordered_t": (np.float32, NAN),
    "received_t": (np.float32, NAN),  # a blend run short of components may deliver less
    "sulfur_pct": (np.float32, NAN),
    "cost_usd_per_t": (np.float64, NAN),  # purchase price, or components + blending cost
}
