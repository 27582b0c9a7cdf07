"""Columnar parcel log of the air cargo terminal: one row per parcel, preallocated numpy columns.

Milestones are hours since the start of the run (float32, NaN when not reached). A parcel's
clearance runs ``flight_arrival <= broken_down <= declared <= [matched] <= release <= picked_up``
(or ``detained`` instead of ``release``); a special parcel that is checked has ``matched <=
check_joined <= check_start <= release`` (its wait for the check is ``check_start -
check_joined``); a return runs ``picked_up <= return_requested <=
[return_arrived <= back_in_stock | destroyed]`` (a request outside the window is refused on the
spot: ``return_outcome`` REFUSED, no further milestone).
"""
from __future__ import annotations

import numpy as np

from sim.records import Columns

NAN = np.nan
SPECIAL = (1, 2, 3)  # goods codes of electrified, magnetic, cosmetics (sim.schema.ecommerce.GOODS_CLASSES)
# clearance outcome
OPEN, RELEASED, DETAINED, MISSED = -1, 0, 1, 2  # MISSED: a non-compliant parcel released unchecked
# return outcome
NO_RETURN, IN_STOCK, DESTROYED, REFUSED = -1, 0, 1, 2

MILESTONES = ("flight_arrival", "broken_down", "declared", "matched", "check_joined", "check_start", "release",
              "detained", "picked_up", "return_requested", "return_arrived", "back_in_stock", "destroyed")

PARCEL_COLUMNS = {  # name -> (dtype, empty value)
    **{m: (np.float32, NAN) for m in MILESTONES},
    "flight": (np.int32, -1),
    "uld": (np.int32, -1),  # flight x 1000 + the ULD's position on the flight
    "seller": (np.int32, -1),
    "goods": (np.int8, 0),  # sim.schema.ecommerce.GOODS_CLASSES
    "value_cny": (np.float32, NAN),
    "whitelisted": (np.bool_, False),  # the seller's special goods are pre-classified (policy)
    "consolidated": (np.bool_, False),  # declared in its ULD's batch declaration
    "declaration_share": (np.float32, 0.0),  # 1 / parcels in its declaration
    "mismatched": (np.bool_, False),  # three documents did not match: manual handling
    "inspected": (np.bool_, False),  # red channel
    "special_checked": (np.bool_, False),
    "noncompliant": (np.bool_, False),  # a special parcel that fails the check if checked
    "outcome": (np.int8, OPEN),  # OPEN, RELEASED, DETAINED, MISSED
    "return_outcome": (np.int8, NO_RETURN),  # NO_RETURN, IN_STOCK, DESTROYED, REFUSED
    "return_faulty": (np.bool_, False),  # would fail a return inspection (damaged, not the parcel sold)
    "return_opened": (np.bool_, False),  # the return was inspected
    "return_redeclared": (np.bool_, False),  # the return went through the standard re-declaration
}


class ParcelLog(Columns):
    def __init__(self, capacity: int):
        super().__init__(PARCEL_COLUMNS, capacity)
