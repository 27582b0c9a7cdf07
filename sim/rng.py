"""Random streams: one root seed, one independent stream per purpose and per batch.

Every stream is derived deterministically as ``SeedSequence(root, spawn_key=(purpose, *key))``,
never by repeated ``spawn()`` calls, so the numbers a purpose sees do not depend on the order in
which other parts of the model ask for theirs. The cargo values of the import boxes of vessel
call 17, for instance, come from ``stream(seed, ATTRIBUTES, IMPORT, 17, 3)`` (purpose, flow,
batch, variate) whatever happened before: two scenarios run with the same seed see the same
boxes (common random numbers).
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """What a stream is for. Values are part of the seed derivation: never renumber."""

    ARRIVALS = 1  # vessel schedule and delays, box counts, Poisson arrival times, gate-in leads
    ATTRIBUTES = 2  # firm, size, cargo value, offence, certification need
    SERVICE = 3  # service times at every station, shuttle trips, gate
    RISK = 4  # risk signal noise, random checks, detection
    BEHAVIOUR = 5  # firms' preparation and pickup timing
    POPULATION = 6  # the firm population itself
    MESA = 7  # seed handed to mesa.Model (unused by Clearway logic)
    ADOPTION = 8  # firms' reviews of whether to opt in to a facilitation route
    WAREHOUSE = 9  # bonded-zone warehouse: inbound lots, orders, order attributes, service times
    BUNKERING = 10  # bunker market: vessel calls' fuel demand, patience, supply lead times
    POLICY = 11  # policy-specific attributes (e.g. which boxes a pilot covers)
    ECOMMERCE = 12  # air e-commerce: flights, ULDs, parcels, their checks and returns
    FORECAST = 13  # the error of each vessel call's published ETA
    RORO = 14  # ro-ro calls of imported vehicles: schedule, vehicles, their controls and pickup


def stream(root_seed: int, purpose: Purpose, *key: int) -> np.random.Generator:
    """The generator for ``purpose`` (and an optional batch ``key``) under ``root_seed``."""
    seq = np.random.SeedSequence(entropy=root_seed, spawn_key=(int(purpose), *map(int, key)))
    return np.random.Generator(np.random.PCG64(seq))
