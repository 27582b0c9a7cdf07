"""The bunker supplier (a licensed blender when the policy allows it): tanks, lines, barges, buying.

The supplier keeps bonded fuel in perfectly mixed tanks: a VLSFO tank it delivers from and, when
it blends, HSFO and LSFO component tanks. It refills each tank with an (s, S) rule reviewed
whenever a stock position drops: VLSFO is either bought ready-blended from outside (days of lead
time) or blended on its own lines from the components (hours), which are themselves bought with
their own lead times. Barges and blending lines are :class:`sim.station.Station` queues.

Money: a tank's average cost per tonne is the mass-weighted cost of what entered it, growing by
the holding cost (``holding_pct_per_year``) for as long as it sits in the tank; so safety stock
shows up in the delivered price.
"""
from __future__ import annotations

from collections import deque

import mesa
import numpy as np
import simpy

from sim.bunkering.flow import blend_run, purchase
from sim.bunkering.records import BLEND, HSFO, LSFO, PRE_BLENDED, SUPPLY_COLUMNS, Columns
from sim.distributions import draw
from sim.rng import Purpose, stream
from sim.schema.bunkering import BunkeringConfig, FuelSource
from sim.schema.policies import BondedBlendingConfig
from sim.station import Station

SUPPLY = 1  # stream key of supply lots (calls use 0)
HOURS_PER_YEAR = 365 * 24.0


class Tank:
    """Bonded storage of one fuel: ``level_t`` in the tank, of which ``available_t`` is not yet
    promised; ``on_order_t`` is bought or being blended. Promises are kept first come, first
    served (a large stem at the head waits and holds back the ones behind it)."""

    def __init__(self, env: simpy.Environment, level_t: float, sulfur_pct: float, cost_usd_per_t: float,
                 holding_pct_per_year: float):
        self.env = env
        self.level_t = self.available_t = level_t
        self.on_order_t = 0.0
        self.sulfur_pct = sulfur_pct  # of the mixed content, % mass
        self.cost_usd_per_t = cost_usd_per_t  # average cost of the content, holding cost included
        self.holding_per_h = holding_pct_per_year / 100 / HOURS_PER_YEAR
        self.stock_th = 0.0  # integral of the level over time, t*h
        self._last_h = env.now
        self._promises: deque[tuple[float, simpy.Event]] = deque()
        self.received = env.event()  # succeeds at the next receipt

    def position_t(self) -> float:
        """Stock position of the (s, S) rule: available + on order - promised but not covered."""
        return self.available_t + self.on_order_t - sum(amount for amount, _ in self._promises)

    @property
    def waiting(self) -> int:
        """Requests waiting for stock."""
        return len(self._promises)

    def promise(self, amount_t: float) -> simpy.Event:
        """An event that succeeds when ``amount_t`` is set aside for the requester."""
        event = self.env.event()
        self._promises.append((amount_t, event))
        self._keep_promises()
        return event

    def cancel(self, event: simpy.Event) -> None:
        """The requester left before its promise could be kept."""
        self._promises = deque(p for p in self._promises if p[1] is not event)
        self._keep_promises()

    def release(self, amount_t: float) -> None:
        """A kept promise is given back (the vessel sailed before the barge came)."""
        self.available_t += amount_t
        self._keep_promises()

    def take(self, amount_t: float) -> tuple[float, float]:
        """Pump out ``amount_t`` already promised; returns its sulfur (%) and cost (USD/t)."""
        self._accrue()
        self.level_t -= amount_t
        return self.sulfur_pct, self.cost_usd_per_t

    def use(self, amount_t: float) -> tuple[float, float]:
        """Pump out ``amount_t`` at once (for blending); returns its sulfur (%) and cost (USD/t)."""
        self.available_t -= amount_t
        return self.take(amount_t)

    def receive(self, amount_t: float, sulfur_pct: float, cost_usd_per_t: float) -> None:
        """A lot enters the tank and mixes with its content."""
        self._accrue()
        total = self.level_t + amount_t
        self.sulfur_pct = (self.level_t * self.sulfur_pct + amount_t * sulfur_pct) / total
        self.cost_usd_per_t = (self.level_t * self.cost_usd_per_t + amount_t * cost_usd_per_t) / total
        self.level_t = total
        self.available_t += amount_t
        self._keep_promises()
        received, self.received = self.received, self.env.event()
        received.succeed()

    def _keep_promises(self) -> None:
        while self._promises and self._promises[0][0] <= self.available_t:
            amount, event = self._promises.popleft()
            self.available_t -= amount
            event.succeed()

    def _accrue(self) -> None:
        dt = self.env.now - self._last_h
        self.stock_th += self.level_t * dt
        self.cost_usd_per_t *= 1 + self.holding_per_h * dt
        self._last_h = self.env.now

    def stock_integral_th(self) -> float:
        """Integral of the level up to now, t*h."""
        self._accrue()
        return self.stock_th


def blend_plan(wanted_t: float, hsfo_t: float, lsfo_t: float, hsfo_sulfur_pct: float,
               lsfo_sulfur_pct: float, target_pct: float) -> tuple[float, float]:
    """Tonnes of HSFO and LSFO for a run of at most ``wanted_t`` whose sulfur is <= ``target_pct``.

    HSFO share ``x`` from the mass balance ``x S_h + (1 - x) S_l = target``; with ``hsfo_t`` and
    ``lsfo_t`` available the run shrinks, and HSFO is cut first so its share never exceeds ``x``.
    LSFO above the target cannot make compliant fuel: the run is empty.
    """
    if lsfo_sulfur_pct > target_pct:
        return 0.0, 0.0
    x = 1.0 if hsfo_sulfur_pct <= target_pct else (target_pct - lsfo_sulfur_pct) / (hsfo_sulfur_pct - lsfo_sulfur_pct)
    hsfo = min(x * wanted_t, hsfo_t)
    lsfo = min(wanted_t - hsfo, lsfo_t)
    if x < 1:
        hsfo = min(hsfo, lsfo * x / (1 - x))
    return hsfo, lsfo


class Blender(mesa.Agent):
    """A bonded bunker supplier: VLSFO delivered by barge, bought ready-blended or blended here."""

    def __init__(self, model: mesa.Model, cfg: BunkeringConfig, policy: BondedBlendingConfig):
        super().__init__(model)
        s = cfg.supplier
        self.cfg, self.policy, self.env = s, policy, model.env
        self.blends = policy.enabled and s.blending.licensed  # eligibility: licensed blender
        vlsfo_rule = s.blending if self.blends else s.pre_blended
        pre = s.pre_blended
        self.vlsfo = Tank(self.env, vlsfo_rule.order_up_to_t, (pre.sulfur_min_pct + pre.sulfur_max_pct) / 2,
                          pre.price_usd_per_t, s.holding_pct_per_year)
        self.hsfo, self.lsfo = (
            Tank(self.env, src.order_up_to_t if self.blends else 0.0,
                 (src.sulfur_min_pct + src.sulfur_max_pct) / 2, src.price_usd_per_t, s.holding_pct_per_year)
            for src in (s.hsfo, s.lsfo))
        self.sources: dict[int, tuple[Tank, FuelSource]] = {
            PRE_BLENDED: (self.vlsfo, s.pre_blended), HSFO: (self.hsfo, s.hsfo), LSFO: (self.lsfo, s.lsfo)}
        self.barges = Station(self.env, "bunker_barge", s.barges.count)
        self.lines = Station(self.env, "blending_line", s.blending.units, book_ahead=True)
        self.orders = Columns(SUPPLY_COLUMNS, capacity=64 + 4 * model.config.run.horizon_days)

    def review(self) -> None:
        """(s, S) review: order up to S every stock whose position fell to s or below."""
        if self.blends:
            self._reorder(BLEND, self.vlsfo, self.cfg.blending)
            self._reorder(HSFO, self.hsfo, self.cfg.hsfo)
            self._reorder(LSFO, self.lsfo, self.cfg.lsfo)
        else:
            self._reorder(PRE_BLENDED, self.vlsfo, self.cfg.pre_blended)

    def _reorder(self, kind: int, tank: Tank, rule) -> None:
        position = tank.position_t()
        if position <= rule.reorder_level_t:
            order = self.orders.add(kind=kind, ordered=self.env.now, ordered_t=rule.order_up_to_t - position)
            tank.on_order_t += float(self.orders.ordered_t[order])
            self.env.process(blend_run(self, order) if kind == BLEND else purchase(self, order))

    def draw_lot(self, order: int) -> tuple[float, float]:
        """Lead time (h) and sulfur (%) of a bought lot, from the order's own streams."""
        kind = int(self.orders.kind[order])
        source = self.sources[kind][1]
        lead_h = draw(stream(self.model.seed, Purpose.BUNKERING, SUPPLY, kind, order, 0), source.lead_time, 1)[0]
        rng = stream(self.model.seed, Purpose.BUNKERING, SUPPLY, kind, order, 1)
        return float(lead_h), float(rng.uniform(source.sulfur_min_pct, source.sulfur_max_pct))

    def plan_blend(self, wanted_t: float) -> tuple[float, float]:
        """HSFO and LSFO tonnes for a run of up to ``wanted_t`` at the policy's sulfur target."""
        return blend_plan(wanted_t, self.hsfo.available_t, self.lsfo.available_t, self.hsfo.sulfur_pct,
                          self.lsfo.sulfur_pct, self.policy.sulfur_target_pct)

    def blend(self, hsfo_t: float, lsfo_t: float) -> tuple[float, float]:
        """Pump the components into a run; returns the blend's sulfur (%) and cost (USD/t)."""
        (s_h, c_h), (s_l, c_l) = self.hsfo.use(hsfo_t), self.lsfo.use(lsfo_t)
        self.review()
        total = hsfo_t + lsfo_t
        sulfur = (hsfo_t * s_h + lsfo_t * s_l) / total
        cost = (hsfo_t * c_h + lsfo_t * c_l) / total + self.policy.blending_cost_usd_per_t
        return sulfur, cost

    def stocks_t(self) -> np.ndarray:
        """Tonnes in the VLSFO, HSFO and LSFO tanks now."""
        return np.array([self.vlsfo.level_t, self.hsfo.level_t, self.lsfo.level_t])
