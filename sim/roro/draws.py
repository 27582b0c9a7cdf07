"""Every random number of the ro-ro terminal, drawn a call at a time (common random numbers).

All streams are ``stream(seed, Purpose.RORO, <key>, ...)``: the call schedule's delays from one
stream, and each call's vehicles, with every attribute and duration a vehicle needs on its way
(documents, keying, certificate check, inspection, need date, pickup moment), one stream per
variate. A reform of the container flows changes none of them, so the vehicles of a policy run
are the vehicles of its baseline.
"""
from __future__ import annotations

import numpy as np

from sim.distributions import draw
from sim.rng import Purpose, stream
from sim.schema.roro import RoroConfig

SCHEDULE, CALLS = 0, 1  # first element of every RORO stream key


def call_delays_h(cfg: RoroConfig, seed: int, n: int) -> np.ndarray:
    """Scheduled -> actual arrival of the first ``n`` calls, hours."""
    return draw(stream(seed, Purpose.RORO, SCHEDULE), cfg.calls.delay, n)


def draw_call(cfg: RoroConfig, seed: int, call: int) -> dict[str, np.ndarray]:
    """Call number ``call``: per vehicle its importer, value (CNY) and durations (h)."""
    def rng(variate: int) -> np.random.Generator:
        return stream(seed, Purpose.RORO, CALLS, call, variate)

    c, k = cfg.clearance, cfg.costs
    n = int(rng(0).poisson(cfg.calls.vehicles_per_call))
    return {
        "importer": rng(1).integers(cfg.importers, size=n),
        "value_cny": k.value_median_cny * rng(2).lognormal(0.0, k.value_sigma, n),
        "documents_h": draw(rng(3), c.documents, n),
        "declaration_work_h": draw(rng(4), c.declaration_work, n),
        "certificate_check_h": draw(rng(5), c.certificate_check, n),
        "inspection_h": draw(rng(6), c.inspection, n),
        "need_lag_h": draw(rng(7), cfg.need_lag, n),
        "pickup_u": rng(8).random(n),  # where in the car carriers' working day it is loaded
    }
