"""Emission factors: what a truck-km, an hour of idling, a yard move and an hour of a vessel
waiting at anchor emit, in kg of CO2 (tank to wake: the fuel burnt, not its production).

Read after the run by :mod:`sim.emissions`, which multiplies them with the activity the model
simulated (truck trips, idling hours, yard moves, berth waits). The values and their sources are
in ``configs/emissions/shanghai.yaml`` and docs/references.md; the ranges of the assumed ones in
``configs/uncertainty/shanghai.yaml``. The SOx of bunker fuel needs no factor: it is the sulfur
delivered, burnt to SO2 (:data:`sim.emissions.SO2_PER_SULFUR`).
"""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from sim.schema.fields import param


@dataclass
class EmissionsConfig:
    truck_co2_kg_per_km: float = param(
        MISSING, ge=0, unit="kg CO2/km",
        doc="container truck (tractor-trailer) on the road: 44 L diesel/100 km, China tractor-trailers "
            "on the chassis dynamometer (ICCT 2015, Sharpe & Muncrief, real-world fuel consumption of "
            "heavy-duty vehicles in the US, China and the EU) x 2.689 kg CO2/L (EPA-420-F-11-041: "
            "10,180 g CO2 per gallon of diesel)")
    truck_idle_co2_kg_per_h: float = param(
        MISSING, ge=0, unit="kg CO2/h",
        doc="a truck idling at the gate or the ship side: 0.49 gal diesel/h, combination truck with "
            "no load (US DOE Vehicle Technologies Office, Fact #861, 23 Feb 2015) x 10.18 kg CO2/gal "
            "(EPA-420-F-11-041)")
    truck_km_per_trip: float = param(
        MISSING, ge=0, unit="km",
        doc="road km of one truck trip for a box: to the terminal and back (assumption)")
    shuttle_km_per_trip: float = param(
        MISSING, ge=0, unit="km",
        doc="one shuttle ride between the stack and the inspection area (assumption)")
    zone_truck_km_per_trip: float = param(
        MISSING, ge=0, unit="km",
        doc="road km of one outbound bonded-zone truck, there and back (assumption)")
    yard_move_co2_kg: float = param(
        MISSING, ge=0, unit="kg CO2/move",
        doc="one yard-crane lift (stacking, retrieval, re-handle) (assumption)")
    vessel_wait_co2_kg_per_h: float = param(
        MISSING, ge=0, unit="kg CO2/h",
        doc="a container vessel waiting at anchor for a berth: auxiliary engines and boiler "
            "(assumption; fuel to CO2 by Cf = 3.114 t/t, IMO resolution MEPC.308(73))")
