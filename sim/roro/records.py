"""Columnar vehicle log of the ro-ro terminal: one row per imported vehicle, preallocated numpy columns.

Milestones are hours since the start of the run (float32, NaN when not reached). A vehicle runs
``vessel_arrival <= berth <= discharge <= documents_ready <= declaration_lodged <=
certificate_checked <= inspection_queued <= inspection_start <= inspection_end = release <=
picked_up``: driven off the ship into the vehicle yard, declared by its importer's broker, its
compulsory certification checked at customs' document desk, inspected in the yard, released,
and taken away by a car carrier. ``ship_side`` stays False for every vehicle: vehicles need
certification and inspection, so direct pickup never applies to them (:mod:`sim.roro.flow`).
"""
from __future__ import annotations

import numpy as np

from sim.records import Columns

MILESTONES = ("vessel_arrival", "berth", "discharge", "documents_ready", "declaration_lodged",
              "certificate_checked", "inspection_queued", "inspection_start", "inspection_end",
              "release", "picked_up")

VEHICLE_COLUMNS = {  # name -> (dtype, empty value)
    **{m: (np.float32, np.nan) for m in MILESTONES},
    "call": (np.int32, -1),
    "importer": (np.int32, -1),
    "value_cny": (np.float32, np.nan),
    "need_h": (np.float32, np.nan),  # when the dealer wants the vehicle (h since the start)
    "pickup_u": (np.float32, np.nan),  # where in the car carriers' working day it is loaded (0-1)
    "car_carrier_refusals": (np.int16, 0),  # bookings its car-carrier company refused (full that day)
    "ship_side": (np.bool_, False),  # left from the ship side (never: see the module docstring)
}


class VehicleLog(Columns):
    def __init__(self, capacity: int):
        super().__init__(VEHICLE_COLUMNS, capacity)
