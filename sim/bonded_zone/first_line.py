"""The first line: a zone firm's bonded lots come through the port as import containers.

Mechanism (issue 10, item 3; docs/ODD.md, bonded zone). When the (s, Q) rule orders a bonded lot
(:mod:`sim.bonded_zone.stock`), the goods sail: ``first_line.transit`` after the order (lot
ordered -> ready to arrive) they are booked on the first vessel call of the port scheduled at or
after that time whose manifest is not filed yet, as ``ceil(Q / pallets_per_box)`` containers of
equal load, 40' boxes. The call's cranes discharge them into the yard like any import box
(:mod:`sim.flows.vessel_call`); the port's log marks them ``first_line``. Non-bonded lots come
cleared from domestic suppliers, straight to the zone gate, as before
(:func:`sim.bonded_zone.flow.inbound_lot`).

**When a box leaves the port is its firm's decision: it moves a box in when its warehouse has
room for it.** Room is the space the firm rents there (``(1 + space.headroom)`` x its peak of
the last ``space.sizing_window_days`` days,
:meth:`sim.bonded_zone.warehouse.Warehouse.room`) less the pallets on its
shelves and those already on their way in. The firm checks at discharge and reviews its waiting
boxes at the end of every day, oldest first. The first-line deadline forces the decision: a box
still waiting ``filing_lead_h`` before ``deadline_days`` after its vessel's arrival is moved in
anyway (goods must enter the zone within the deadline; the warehouse bills the overflow,
:mod:`sim.bonded_zone.warehouse`). Until then the box
stays in the port's yard (storage fees after the free days, :mod:`sim.costs`). Shared
warehousing changes the room: the pooled warehouse is rented for the peak of the sum of both
goods classes, so a bonded lot can use the headroom above, and the troughs of, the firm's
non-bonded stock.

Moving a box in: when the first box of a lot (one bill of lading) is to move, the firm's broker
files the lot's simplified entry filing for bonded transfer (``customs.preparation``) at the
**zone's** customs desk (``customs.processing``, a document check with ``customs.doc_check_prob``),
once all the lot's boxes are on the quay: no duties and no import declaration, and the filing
opens the goods' entry in the firm's bonded account, which the zone's desk keeps (the port's
document desk checks duty-paid import declarations). The lot's later boxes move under the same
filing. A filing lodged after the deadline pays the late fee on each of its boxes,
``late_fee_pct_per_day`` of the box's goods value for every started day late. Once the filing is
accepted a bonded transfer truck is called for the box (``trucks.call_lead``), books a terminal
appointment, takes it off the stack and out of the gate, drives ``transfer`` to the zone gate,
where the desk records the lot's entry box by box (``inbound.entry_record`` / boxes) and the staff
put the pallets away (``inbound.putaway_h_per_pallet``).

"First line open, second line controlled": the filing is not risk-assessed for offences and the
goods need no certification at entry; both fall on the zone's orders out of the zone (the
second line: :mod:`sim.bonded_zone.customs`), so the boxes carry no offence or certification need.

Port log: the lot filing's start, lodgement and acceptance are each of its boxes'
``clearance_started``, ``declaration_lodged`` and ``release``. Zone log: :class:`sim.bonded_zone.records.FirstLineLog`.
Common random numbers: lots depend on order arrivals only, and every number a lot's boxes need
(transit, the port's attributes of each box, filing, truck, transfer, entry, put-away) comes from
streams keyed by (zone firm, lot), so the baseline and shared warehousing see the same boxes on
the same calls; only their moves into the zone differ.
"""
from __future__ import annotations

import bisect
import math

from sim.bonded_zone.draws import BONDED, FIRST_LINE, zone_stream
from sim.bonded_zone.records import FirstLineLog
from sim.distributions import draw
from sim.flows.clearance import pause
from sim.flows.imports import until_discharged
from sim.office_hours import DAY_H
from sim.records import IMPORT
from sim.rng import Purpose
from sim.schema.port import MANIFEST_LEAD_H
from sim.schema.times import Duration

EPS_PALLETS = 1e-6
# the boxes' port draws come from stream(seed, purpose, IMPORT, FIRST_LINE_KEY, zf, lot, variate)
FIRST_LINE_KEY = int(Purpose.WAREHOUSE)
PLACES = ("at_sea", "in_port", "to_zone", "in_zone")  # from the lot's order to discharge, gate-out, put-away
AT_SEA, IN_PORT, TO_ZONE, IN_ZONE = range(4)
FORTY_FOOT_TEU = 2  # a lot's goods travel in 40' boxes (pallets_per_box)


class Lot:
    """A bonded lot on its way: ``n`` boxes of ``pallets`` each, log rows ``first`` .. ``first + n``;
    one bill of lading, so one entry filing (``filing``: its SimPy process, once started)."""

    __slots__ = ("draws", "filing", "first", "k", "n", "on_quay", "pallets", "zf")

    def __init__(self, zf: int, k: int, first: int, n: int, pallets: float, draws: dict):
        self.zf, self.k, self.first, self.n, self.pallets, self.draws = zf, k, first, n, pallets, draws
        self.filing = None
        self.on_quay = None  # SimPy event, from the manifest: the lot's last box is discharged


class FirstLine:
    """The zone's side of the first line: lots booked on vessel calls, boxes waiting for room."""

    def __init__(self, zone):
        self.zone, self.model, self.env = zone, zone.model, zone.env
        self.cfg = zone.cfg.first_line
        n_firms = len(zone.rate)
        bonded_pallets_per_day = zone.cfg.orders.per_day * zone.cfg.orders.class_pallets()[BONDED]
        boxes_per_day = bonded_pallets_per_day / self.cfg.pallets_per_box
        self.log = FirstLineLog(capacity=int(1.2 * boxes_per_day * self.model.config.run.horizon_days) + 256)
        self.booked: dict[int, list[Lot]] = {}  # vessel call id -> lots booked on it, manifest not filed
        self.waiting: list[list[tuple[float, object]]] = [[] for _ in range(n_firms)]  # (pallets, decided)
        self.incoming = [0.0] * n_firms  # pallets a firm has decided to move in, not put away yet
        self.count = [0] * len(PLACES)  # boxes at each place, counted as they move
        self.filings = 0
        self._scheduled_h: list[float] | None = None

    # ------------------------------------------------------------------ lots and calls
    def order_lot(self, zf: int, k: int) -> None:
        """Lot ``k`` of firm ``zf``'s bonded goods is ordered now: draw its numbers, book its call."""
        cfg, zone = self.cfg, self.zone
        lot_pallets = float(zone.stock.lot[zf, BONDED])
        n = math.ceil(lot_pallets / cfg.pallets_per_box - EPS_PALLETS)

        def variate(v: int, d: Duration) -> list[float]:
            return draw(zone_stream(self.model.seed, FIRST_LINE, zf, k, v), d, n).tolist()

        def one(v: int, d: Duration) -> float:
            return float(draw(zone_stream(self.model.seed, FIRST_LINE, zf, k, v), d, 1)[0])

        unit = Duration(mean_h=1.0, dist="lognormal", cv=zone.cfg.staff.pick_cv)  # as for picking
        c = zone.cfg.customs
        draws = {"prep_h": one(1, c.preparation), "processing_h": one(2, c.processing),  # the lot's filing
                 "check_u": float(zone_stream(self.model.seed, FIRST_LINE, zf, k, 3).random()),
                 "check_h": one(4, c.doc_check), "entry_h": one(7, zone.cfg.inbound.entry_record),
                 "truck_h": variate(5, zone.cfg.trucks.call_lead), "transfer_h": variate(6, cfg.transfer),
                 "putaway_factor": variate(8, unit)}  # each box's
        lot = Lot(zf, k, self.log.allocate(n), n, lot_pallets / n, draws)
        rows = slice(lot.first, lot.first + n)
        self.log.zone_firm[rows], self.log.lot[rows] = zf, k
        self.log.pallets[rows] = lot.pallets
        self.log.value_cny[rows] = lot.pallets * zone.cfg.orders.value_cny_per_pallet
        self.log.ordered[rows] = self.env.now
        self.count[AT_SEA] += n
        call = self._call(self.env.now + one(0, cfg.transit))
        if call is not None:  # else it is still at sea when the run ends
            self.booked.setdefault(call.id, []).append(lot)
            self.log.call[rows] = call.id

    def _call(self, ready_h: float):
        """The first call scheduled at or after ``ready_h`` whose manifest is not filed yet."""
        calls = self.model.calls
        if self._scheduled_h is None:
            self._scheduled_h = [c.scheduled_h for c in calls]
        i = bisect.bisect_left(self._scheduled_h, ready_h)
        while i < len(calls) and calls[i].arrival_h - MANIFEST_LEAD_H <= self.env.now:
            i += 1
        return calls[i] if i < len(calls) else None

    def manifest(self, call) -> list:
        """The call files its manifest: its lots become import boxes of their zone firm, on their
        way (:meth:`journey`). Returns the boxes, for the cranes to discharge."""
        zone, log = self.zone, self.model.log
        boxes = []
        for lot in self.booked.pop(call.id, []):
            owner = int(zone.firm_index[lot.zf])
            key = (FIRST_LINE_KEY, lot.zf, lot.k)
            lot_boxes = self.model.new_consignments(IMPORT, key, lot.n, owner)
            ids = slice(lot_boxes[0].id, lot_boxes[-1].id + 1)
            log.first_line[ids] = True
            log.cargo_value_cny[ids] = lot.pallets * zone.cfg.orders.value_cny_per_pallet
            log.offence[ids] = log.needs_certification[ids] = False  # controlled at the second line
            log.teu[ids] = FORTY_FOOT_TEU
            log.goods_needed[ids] = call.arrival_h  # stock ordered at its reorder point: wanted on arrival
            for j, c in enumerate(lot_boxes):
                c.call, c.arrival_h, c.teu = call, call.arrival_h, FORTY_FOOT_TEU
                self.log.consignment[lot.first + j] = c.id
                self.env.process(self.journey(c, lot, j))
            lot.on_quay = self.env.event()  # the cranes discharge the lot's boxes in order: at the last one
            boxes += lot_boxes
        return boxes

    # ------------------------------------------------------------------ the firm's decision
    def _fits(self, zf: int, pallets: float) -> bool:
        room = self.zone.area(zf, BONDED).room(zf) - self.incoming[zf]
        return room >= pallets - EPS_PALLETS

    def review(self) -> None:
        """End of a day: each firm moves in its waiting boxes, oldest first, while they fit."""
        for zf, queue in enumerate(self.waiting):
            while queue and self._fits(zf, queue[0][0]):
                pallets, decided = queue.pop(0)
                self.incoming[zf] += pallets
                decided.succeed()

    def journey(self, c, lot: Lot, j: int):
        """Box ``j`` of ``lot``: discharged, waits in the yard for room (or the deadline), moves in."""
        env, row, zf = self.env, lot.first + j, lot.zf
        yield from until_discharged(self.model, c)
        self.count[AT_SEA] -= 1
        self.count[IN_PORT] += 1
        if j == lot.n - 1:
            lot.on_quay.succeed()
        if self.waiting[zf] or not self._fits(zf, lot.pallets):
            decided = env.event()
            self.waiting[zf].append((lot.pallets, decided))
            due_h = c.arrival_h + self.cfg.deadline_days * DAY_H - self.cfg.filing_lead_h
            yield decided | env.timeout(max(due_h - env.now, 0.0))
            if not decided.triggered:  # the deadline comes first: moved in without room
                self.waiting[zf] = [w for w in self.waiting[zf] if w[1] is not decided]
                self.log.forced[row] = True
                self.incoming[zf] += lot.pallets
        else:
            self.incoming[zf] += lot.pallets
        self.log.decided[row] = env.now
        if lot.filing is None:  # the lot's first box to move: its firm files the lot
            lot.filing = env.process(self._file(lot))
        started_h, lodged_h, accepted_h = yield lot.filing
        log = self.model.log
        log.clearance_started[c.id], log.declaration_lodged[c.id], log.release[c.id] = started_h, lodged_h, accepted_h
        late_h = lodged_h - (c.arrival_h + self.cfg.deadline_days * DAY_H)
        if late_h > 0:  # on each box's goods
            self.log.late_days[row] = math.ceil(late_h / DAY_H)
            self.log.late_fee_cny[row] = (self.log.value_cny[row] * self.cfg.late_fee_pct_per_day / 100
                                          * self.log.late_days[row])
        yield from self._to_zone(c, lot, j)

    # ------------------------------------------------------------------ filing and transfer
    def _file(self, lot: Lot):
        """The lot's entry filing for bonded transfer at the zone's desk, lodged once all its
        boxes are on the quay. Returns (started, lodged, accepted) in hours."""
        started, d = self.env.now, lot.draws
        yield lot.on_quay
        lodged, _ = yield from self.zone.customs.file(d["prep_h"], d["processing_h"], d["check_u"], d["check_h"])
        self.filings += 1
        return started, lodged, self.env.now

    def _to_zone(self, c, lot: Lot, j: int):
        """A bonded truck takes the box out of the port to the zone gate; entry record, put-away."""
        env, log, d, row, zf = self.env, self.model.log, lot.draws, lot.first + j, lot.zf
        terminal, zone = self.model.terminal, self.zone
        yield from pause(env, d["truck_h"][j])
        yield from pause(env, terminal.book_pickup(env.now) - env.now)
        log.pickup_appointment[c.id] = env.now
        yield from terminal.pick_up(c)
        log.gate_out[c.id] = env.now
        self.count[IN_PORT] -= 1
        self.count[TO_ZONE] += 1
        yield from pause(env, d["transfer_h"][j])
        self.log.at_zone_gate[row] = env.now
        yield from zone.customs.record_entry(d["entry_h"] / lot.n)  # the lot's record, box by box
        self.log.zone_entry[row] = env.now
        putaway_h = zone.cfg.inbound.putaway_h_per_pallet * lot.pallets * d["putaway_factor"][j]
        yield from zone.pickers.serve(putaway_h)
        self.incoming[zf] -= lot.pallets
        zone.receive(zf, BONDED, lot.pallets)
        self.log.put_away[row] = env.now
        self.count[TO_ZONE] -= 1
        self.count[IN_ZONE] += 1
