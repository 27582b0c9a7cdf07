"""The zone's customs office: a desk that accepts declarations, and checks some of them.

Every declaration is drafted by a broker (``customs.preparation``, a delay: brokers are not a
bottleneck), then queues at the desk (``customs.desk_officers`` officers, desk hours) for
``customs.processing``; with probability ``customs.doc_check_prob`` it also gets a document
check (``customs.doc_check``). A declaration listing ``n`` shipments takes
``1 + extra_shipment_factor x (n - 1)`` times the desk work of a single one. Bonded lots entering
the zone are recorded at the same desk, where their first-line entry filings are also lodged
(:mod:`sim.bonded_zone.first_line`).

Baseline: one declaration per shipment, lodged when the shipment is packed; the truck leaves
once it is accepted. Shared warehousing: one *collective* declaration per firm and order kind
per ``declaration_period_h``, lodged when the period ends and listing every shipment packed in
it (see :mod:`sim.policies.shared_warehousing` for the regime).
"""
from __future__ import annotations

import mesa

from sim.bonded_zone.draws import COLLECTIVE, zone_stream
from sim.distributions import draw
from sim.schema.times import Duration
from sim.station import Station


class Collective:
    """A collective declaration while its period is open: the orders it lists."""

    __slots__ = ("accepted", "rows")

    def __init__(self, env):
        self.rows: list[int] = []
        self.accepted = env.event()


class ZoneCustoms(mesa.Agent):
    def __init__(self, zone):
        super().__init__(zone.model)
        self.zone, self.env, self.cfg = zone, zone.env, zone.cfg.customs
        self.desk = Station(self.env, "zone_customs_desk", self.cfg.desk_officers,
                            shift=(self.cfg.shift_start_h, self.cfg.shift_end_h), book_ahead=True)
        self.lodged = 0  # declarations accepted (entry records of lots excluded)
        self.checked = 0
        self.open: dict[tuple[int, int], Collective] = {}  # (zone firm, order kind) -> this period's
        if zone.policy.enabled:
            self.env.process(self._periods(zone.policy.declaration_period_h))

    def declare(self, prep_h: float, processing_h: float, check_u: float, check_h: float,
                shipments: int = 1):
        """SimPy sub-process: draft, lodge and get one declaration accepted. Returns (lodged_h, checked)."""
        lodged, checked = yield from self.file(prep_h, processing_h, check_u, check_h, shipments)
        self.lodged += 1
        self.checked += checked
        return lodged, checked

    def file(self, prep_h: float, processing_h: float, check_u: float, check_h: float,
             shipments: int = 1):
        """SimPy sub-process: a broker drafts a filing, the desk processes it (and checks it with
        ``doc_check_prob``). Returns (lodged_h, checked). Also the first line's entry filings
        (:mod:`sim.bonded_zone.first_line`), which the order declarations' counts leave out."""
        yield self.env.timeout(prep_h)
        lodged = self.env.now
        checked = check_u < self.cfg.doc_check_prob
        work = processing_h + (check_h if checked else 0.0)
        yield from self.desk.serve(work * (1 + self.cfg.extra_shipment_factor * (shipments - 1)))
        return lodged, checked

    def record_entry(self, hours: float):
        """SimPy sub-process: a bonded lot is entered into the zone's books."""
        yield from self.desk.serve(hours)

    def _accept(self, rows: list[int], lodged: float, checked: bool) -> None:
        log, share = self.zone.log, 1.0 / len(rows)
        for row in rows:
            log.stamp_last("declared", row, lodged)
            log.stamp_last("cleared", row, self.env.now)
            log.declarations[row] += share
            log.doc_checked[row] |= checked

    # ------------------------------------------------------------------ per shipment (baseline)
    def declare_shipment(self, o, g: int):
        """SimPy sub-process: the declaration of order ``o``'s shipment of goods class ``g``."""
        lodged, checked = yield from self.declare(o.prep_h[g], o.processing_h[g], o.check_u[g], o.check_h[g])
        self._accept([o.row], lodged, checked)

    # ------------------------------------------------------------------ collective (shared warehousing)
    def collective(self, o) -> Collective:
        """The open collective declaration that will list order ``o``'s shipment."""
        key = (o.zf, o.kind)
        if key not in self.open:
            self.open[key] = Collective(self.env)
        self.open[key].rows.append(o.row)
        return self.open[key]

    def _periods(self, period_h: float):
        period = 0
        while True:
            yield self.env.timeout((period + 1) * period_h - self.env.now)
            closing, self.open = self.open, {}
            prep, processing, check_u, check_h = self._period_draws(period)
            for (zf, kind), decl in closing.items():
                at = (zf, kind)
                self.env.process(self._lodge(decl, prep[at], processing[at], check_u[at], check_h[at]))
            period += 1

    def _period_draws(self, period: int):
        """Every (zone firm, order kind)'s numbers for the declaration of ``period``, drawn at once."""
        c, shape = self.cfg, (len(self.zone.rate), 3)

        def rng(variate: int):
            return zone_stream(self.zone.model.seed, COLLECTIVE, period, variate)

        def durations(variate: int, d: Duration):
            return draw(rng(variate), d, shape[0] * shape[1]).reshape(shape)

        return (durations(0, c.preparation), durations(1, c.processing), rng(2).random(shape),
                durations(3, c.doc_check))

    def _lodge(self, decl: Collective, prep_h, processing_h, check_u, check_h):
        lodged, checked = yield from self.declare(prep_h, processing_h, check_u, check_h, len(decl.rows))
        self._accept(decl.rows, lodged, checked)
        decl.accepted.succeed()
