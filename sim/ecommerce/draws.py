"""Every random number of the air cargo terminal, drawn a flight at a time (common random numbers).

All streams are ``stream(seed, Purpose.ECOMMERCE, <key>, ...)``. Each flight's delay, ULDs and
parcels, with every attribute and every duration a parcel could need under either procedure
(declaration, manual handling, inspection, special check, pickup, return), are drawn together
when the flight is scheduled, one stream per variate: switching the policy on changes which of
them are used, never the numbers anybody sees.
"""
from __future__ import annotations

import numpy as np

from sim.distributions import draw
from sim.rng import Purpose, stream
from sim.schema.ecommerce import EcommerceConfig

SELLERS, FLIGHTS = 0, 1  # first element of every ECOMMERCE stream key


def parcel_stream(seed: int, *key: int) -> np.random.Generator:
    return stream(seed, Purpose.ECOMMERCE, *key)


def draw_sellers(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each seller's share of parcels (lognormal sizes, sigma 1) and its whitelisting uniform."""
    size = parcel_stream(seed, SELLERS, 0).lognormal(0.0, 1.0, n)
    return size / size.sum(), parcel_stream(seed, SELLERS, 1).random(n)


def draw_flight(cfg: EcommerceConfig, seed: int, flight: int, seller_p: np.ndarray) -> dict:
    """Flight number ``flight``: its delay (h), each ULD's breakdown time (h) and parcel count,
    and per parcel (in ULD order) its attributes and durations (h)."""
    def rng(variate: int) -> np.random.Generator:
        return parcel_stream(seed, FLIGHTS, flight, variate)

    f, c, r = cfg.flights, cfg.customs, cfg.returns
    n_ulds = max(1, int(rng(0).poisson(f.ulds_per_flight)))
    per_uld = np.maximum(1, rng(1).poisson(f.parcels_per_uld, n_ulds))
    n = int(per_uld.sum())
    return {
        "number": flight,
        "delay_h": float(draw(rng(2), f.delay, 1)[0]),
        "breakdown_h": draw(rng(3), cfg.breakdown_h, n_ulds),
        "per_uld": per_uld,
        "seller": rng(4).choice(len(seller_p), size=n, p=seller_p),
        "goods": rng(5).choice(4, size=n, p=cfg.goods.values()),
        "value_cny": rng(6).exponential(cfg.costs.value_cny, n),
        "mismatched": rng(7).random(n) < c.mismatch_share,
        "inspected": rng(8).random(n) < c.inspection_share,
        "noncompliant": rng(9).random(n) < cfg.special_check.noncompliant_share,
        "check_u": rng(10).random(n),  # random check of a whitelisted special parcel
        "returned": rng(11).random(n) < r.share,
        "return_check_u": rng(12).random(n),
        "return_fails": rng(13).random(n) < r.fail_share,
        "declaration_h": draw(rng(14), c.declaration_h, n),
        "manual_h": draw(rng(15), c.manual_h, n),
        "inspection_h": draw(rng(16), c.inspection_h, n),
        "check_h": draw(rng(17), cfg.special_check.check_h, n),
        "pickup_h": draw(rng(18), cfg.pickup, n),
        "request_h": draw(rng(19), r.request_after_pickup, n),
        "transit_h": draw(rng(20), r.transit, n),
        "redeclaration_h": draw(rng(21), r.redeclaration_h, n),
        "return_inspection_h": draw(rng(22), r.inspection_h, n),
        "redeclaration_prep_h": draw(rng(23), r.redeclaration_prep, n),
    }
