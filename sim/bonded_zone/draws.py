"""Every random number of the bonded zone, drawn in batches from keyed streams (common random numbers).

All streams are ``stream(seed, Purpose.WAREHOUSE, <key>, ...)``. A day's orders, their attributes
and every duration they could need under either route (one set per goods class for the
baseline's two shipments) are drawn together when the day starts, one stream per variate, so
that switching a firm to the shared warehouse never shifts anybody's numbers. Lots, consolidated
trucks and collective declarations draw from their own keyed sequences (:class:`Variates`); a
bonded lot through the port, from ``(FIRST_LINE, zone firm, lot, variate)``
(:mod:`sim.bonded_zone.first_line`).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.distributions import draw
from sim.rng import Purpose, stream
from sim.schema.bonded_zone import BondedZoneConfig
from sim.schema.times import Duration

# first element of every WAREHOUSE stream key
POPULATION, ORDERS, ATTRIBUTES, SERVICE, LOTS, TRUCKS, COLLECTIVE, FIRST_LINE = range(1, 9)
BONDED, DOMESTIC = 0, 1  # goods classes: bonded (duty suspended) and non-bonded
BLOCK = 64  # draws per block of a keyed sequence


def zone_stream(seed: int, *key: int) -> np.random.Generator:
    return stream(seed, Purpose.WAREHOUSE, *key)


class Variates:
    """The k-th value of an endless keyed sequence, drawn ``BLOCK`` at a time from its own stream."""

    def __init__(self, seed: int, key: tuple[int, ...], sample: Callable[[np.random.Generator, int], np.ndarray]):
        self.seed, self.key, self.sample = seed, key, sample
        self.blocks: dict[int, list[float]] = {}

    def __getitem__(self, k: int) -> float:
        block = k // BLOCK
        if block not in self.blocks:
            self.blocks.pop(block - 1, None)  # sequences are read in order: keep one block
            self.blocks[block] = self.sample(zone_stream(self.seed, *self.key, block), BLOCK).tolist()
        return self.blocks[block][k % BLOCK]


def durations(d: Duration) -> Callable[[np.random.Generator, int], np.ndarray]:
    return lambda rng, n: draw(rng, d, n)


class Order:
    """One order while it is in the zone, with every number it may need. Times in hours."""

    __slots__ = ("check_h", "check_u", "detect_u", "kind", "offence", "pallets", "pick_factor", "prep_h",
                 "processing_h", "row", "truck_h", "value_cny", "zf")

    def __init__(self, row, zf, kind, pallets, value_cny, offence, detect_u, pick_factor,
                 prep_h, processing_h, check_u, check_h, truck_h):
        self.row = row
        self.zf = zf  # zone firm index
        self.kind = kind
        self.pallets = pallets  # (bonded, domestic)
        self.value_cny = value_cny
        self.offence = offence
        self.detect_u = detect_u
        self.pick_factor = pick_factor
        self.prep_h = prep_h  # per goods class: the baseline shipment's own declaration ...
        self.processing_h = processing_h
        self.check_u = check_u
        self.check_h = check_h
        self.truck_h = truck_h  # ... and its own truck's call lead


def draw_day(cfg: BondedZoneConfig, seed: int, day: int, rate_per_day: np.ndarray,
             offence_rate: np.ndarray) -> dict[str, np.ndarray]:
    """The orders of ``day``: arrival time (h), zone firm and every attribute and duration, sorted by time."""
    o = cfg.orders
    n_per_firm = zone_stream(seed, ORDERS, day, 0).poisson(rate_per_day)
    zf = np.repeat(np.arange(len(rate_per_day)), n_per_firm)
    n = len(zf)
    at = day * 24 + zone_stream(seed, ORDERS, day, 1).random(n) * 24

    def attr(variate: int) -> np.random.Generator:
        return zone_stream(seed, ATTRIBUTES, day, variate)

    kind = attr(0).choice(3, size=n, p=o.kinds.values())
    mixed = attr(1).random(n) < np.asarray(o.mixed.values())[kind]
    bonded_single = attr(2).random(n) < np.asarray(o.bonded_if_single.values())[kind]
    has = np.stack([mixed | bonded_single, mixed | ~bonded_single], axis=1)
    line = Duration(mean_h=1.0, dist="lognormal", cv=o.line_cv)  # relative line size, mean 1
    mean_line = np.asarray(o.pallets_per_line.values())[kind]
    pallets = has * mean_line[:, None] * draw(attr(3), line, 2 * n).reshape(n, 2)
    offence = attr(4).random(n) < offence_rate[zf]

    def service(variate: int, d: Duration, shape) -> np.ndarray:
        return draw(zone_stream(seed, SERVICE, day, variate), d, int(np.prod(shape))).reshape(shape)

    c = cfg.customs
    drawn = {
        "at": at, "zf": zf, "kind": kind, "pallets": pallets,
        "value_cny": pallets.sum(axis=1) * o.value_cny_per_pallet,
        "offence": offence, "detect_u": attr(5).random(n),
        "pick_factor": service(0, Duration(mean_h=1.0, dist="lognormal", cv=cfg.staff.pick_cv), n),
        "prep_h": service(1, c.preparation, (n, 2)), "processing_h": service(2, c.processing, (n, 2)),
        "check_u": zone_stream(seed, SERVICE, day, 3).random((n, 2)),
        "check_h": service(4, c.doc_check, (n, 2)), "truck_h": service(5, cfg.trucks.call_lead, (n, 2)),
    }
    order = np.argsort(at, kind="stable")
    return {k: v[order] for k, v in drawn.items()}
