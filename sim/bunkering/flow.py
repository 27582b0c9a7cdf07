"""SimPy processes of the bunker market: vessel bunker calls, barge deliveries, supply orders.

A vessel call asks the supplier for a VLSFO stem. The supplier sets the stem aside in its tank
(at once, or when a lot arrives after a stock-out); a barge loads it, sails, comes alongside,
waits for customs supervision of the delivery, pumps and returns. A vessel that sees no barge
dispatched within its patience sails and bunkers elsewhere: a lost call.

Supply orders refill the supplier's tanks: a purchase arrives one lead time after the order; a
blend run (only under bonded blending) mixes HSFO and LSFO on a blending line in hours.

Randomness: each day's calls are drawn in one batch, one stream per variate
(``stream(seed, BUNKERING, CALLS, day, variate)``); every lot its own streams keyed by its order.
Nothing the supplier does shifts the calls' draws, so a policy run sees the same vessels.
"""
from __future__ import annotations

import math

import numpy as np

from sim.distributions import draw
from sim.rng import Purpose, stream
from sim.schema.times import Duration

CALLS = 0  # stream key of the vessel calls (supply lots use 1)


def call_arrivals(market):
    """Poisson bunker calls, drawn a day at a time; each starts its own :func:`bunker_call`."""
    env, cfg, seed = market.env, market.cfg, market.seed
    barges = cfg.supplier.barges
    stem = Duration(mean_h=cfg.demand_mean_t, dist="lognormal", cv=cfg.demand_cv)  # tonnes, not hours
    for day in range(market.horizon_days):
        n = stream(seed, Purpose.BUNKERING, CALLS, day, 0).poisson(cfg.calls_per_day)
        times = day * 24 + np.sort(stream(seed, Purpose.BUNKERING, CALLS, day, 1).random(n)) * 24
        demand = np.minimum(draw(stream(seed, Purpose.BUNKERING, CALLS, day, 2), stem, n), barges.capacity_t)
        patience = draw(stream(seed, Purpose.BUNKERING, CALLS, day, 3), cfg.patience, n)
        travel = draw(stream(seed, Purpose.BUNKERING, CALLS, day, 4), barges.travel, n)
        customs = draw(stream(seed, Purpose.BUNKERING, CALLS, day, 5), cfg.customs_supervision, n)
        for k in range(n):
            yield env.timeout(times[k] - env.now)
            row = market.calls.add(day=day, demand_t=demand[k], patience_h=patience[k], travel_h=travel[k],
                                   customs_h=customs[k], requested=env.now)
            env.process(bunker_call(market, row))


def bunker_call(market, row: int):
    """A vessel asks for a stem; it sails unserved if no barge is dispatched within its patience."""
    env, log, tank = market.env, market.calls, market.supplier.vlsfo
    demand_t = float(log.demand_t[row])
    deadline = env.now + float(log.patience_h[row])
    promise = tank.promise(demand_t)
    log.stockout[row] = not promise.triggered
    market.supplier.review()
    if not promise.triggered:
        yield promise | env.timeout(deadline - env.now)
        if not promise.triggered:
            tank.cancel(promise)
            market.sail_unserved(row)
            return
    log.stock_promised[row] = env.now
    dispatched = env.event()
    env.process(delivery(market, row, demand_t, dispatched))
    yield dispatched | env.timeout(max(deadline - env.now, 0.0))
    if not dispatched.triggered:
        tank.release(demand_t)
        market.sail_unserved(row)


def delivery(market, row: int, demand_t: float, dispatched):
    """A barge loads the stem, sails, is supervised by customs alongside, pumps, and returns.

    The order queues for a barge; if its vessel has sailed by the time a barge is free, the
    dispatcher drops it (a zero-length service).
    """
    env, log, supplier = market.env, market.calls, market.supplier
    rates, barges = supplier.cfg.barges, supplier.barges
    order = barges.join()
    with order:
        yield order
        barges.begin()
        if not math.isnan(log.sailed_unserved[row]):
            barges.finish()
            return
        dispatched.succeed()
        log.barge_dispatched[row] = env.now
        sulfur_pct, cost_usd_per_t = supplier.vlsfo.take(demand_t)
        travel_h = float(log.travel_h[row])
        yield env.timeout(demand_t / rates.loading_rate_t_per_h + travel_h)
        log.alongside[row] = env.now
        yield from market.customs.serve(float(log.customs_h[row]))
        log.pumping_start[row] = env.now
        yield env.timeout(demand_t / rates.pumping_rate_t_per_h)
        log.pumping_end[row] = env.now
        market.delivered(row, sulfur_pct, cost_usd_per_t)
        yield env.timeout(travel_h)
        barges.finish()
    log.barge_back[row] = env.now


def purchase(supplier, order: int):
    """A bonded lot bought from outside arrives one supply lead time after the order."""
    env, orders = supplier.env, supplier.orders
    tank, source = supplier.sources[int(orders.kind[order])]
    lead_h, sulfur_pct = supplier.draw_lot(order)
    yield env.timeout(lead_h)
    amount_t = float(orders.ordered_t[order])
    tank.on_order_t -= amount_t
    tank.receive(amount_t, sulfur_pct, source.price_usd_per_t)
    _record_receipt(supplier, order, amount_t, sulfur_pct, source.price_usd_per_t)


def blend_run(supplier, order: int):
    """Blend bonded HSFO and LSFO into VLSFO on a line; while components are short, wait for a lot."""
    orders, rule = supplier.orders, supplier.cfg.blending
    wanted_t = float(orders.ordered_t[order])
    hsfo_t, lsfo_t = supplier.plan_blend(wanted_t)
    while hsfo_t + lsfo_t < min(rule.min_run_t, wanted_t):
        yield supplier.hsfo.received | supplier.lsfo.received
        hsfo_t, lsfo_t = supplier.plan_blend(wanted_t)
    sulfur_pct, cost_usd_per_t = supplier.blend(hsfo_t, lsfo_t)
    blended_t = hsfo_t + lsfo_t
    yield from supplier.lines.serve(blended_t / rule.rate_t_per_h)
    supplier.vlsfo.on_order_t -= wanted_t
    supplier.vlsfo.receive(blended_t, sulfur_pct, cost_usd_per_t)
    _record_receipt(supplier, order, blended_t, sulfur_pct, cost_usd_per_t)
    supplier.review()  # a run short of components leaves the position low: blend the rest


def _record_receipt(supplier, order: int, amount_t: float, sulfur_pct: float, cost_usd_per_t: float) -> None:
    o = supplier.orders
    o.available[order] = supplier.env.now
    o.received_t[order] = amount_t
    o.sulfur_pct[order] = sulfur_pct
    o.cost_usd_per_t[order] = cost_usd_per_t
