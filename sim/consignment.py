"""Consignments: one container and its declaration, with every random variate drawn up front.

When a vessel call (or a day of Poisson arrivals) brings ``n`` containers, :func:`draw_batch`
draws all their attributes and all the durations they could ever need, each kind from its own
random stream keyed by (flow, batch). A scenario that routes a box differently therefore never
shifts the numbers any other box sees: this is what makes common random numbers work.

A :class:`Consignment` lives only while its box is in the system; what must outlast it is written
to the columnar :class:`sim.records.ConsignmentLog` under its ``id``.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.distributions import draw, exp
from sim.records import EXPORT, IMPORT, ConsignmentLog
from sim.rng import Purpose, StreamSet
from sim.schema.times import Duration

if TYPE_CHECKING:
    from sim.agents.traders import FirmTable
    from sim.schema import ClearwayConfig


class Consignment:
    """One container in the system. Times in hours; ``_h`` durations are this box's own draws."""

    __slots__ = (
        "id", "flow", "firm", "credit", "teu", "needs_certification", "offence", "channel",
        "lane", "sailing_h", "bl_issue_h", "courier_h", "need_lag_h", "duty_funds_h",
        "broker_work_h", "rework_h", "error_u", "delivery_order_h", "truck_u", "ready_lead_h",
        "documents_h",
        "inspection_booking_h", "doc_check_h", "inspection_h", "certification_h", "shuttle_out_h",
        "shuttle_back_h", "gate_h", "risk_noise", "random_check_u", "doc_detect_u",
        "inspection_detect_u", "policy_z", "audit_u",
        "call", "arrival_h", "discharge_h", "ready_h", "waiting", "ship_side_planned", "ship_side",
        "delivery_order",
    )

    def __init__(self, id, flow, firm, credit, teu, needs_certification, offence, lane, sailing_h,
                 bl_issue_h, courier_h, need_lag_h, duty_funds_h, broker_work_h, rework_h, error_u,
                 delivery_order_h, truck_u, ready_lead_h, documents_h, inspection_booking_h,
                 doc_check_h, inspection_h, certification_h, shuttle_out_h, shuttle_back_h, gate_h,
                 risk_noise, random_check_u, doc_detect_u, inspection_detect_u, policy_z, audit_u):
        self.id = id
        self.flow = flow
        self.firm = firm  # global trader index (sim.agents.traders)
        self.credit = credit
        self.teu = teu
        self.needs_certification = needs_certification
        self.offence = offence
        self.channel = -1  # not yet assessed
        self.lane = lane  # import: trade lane (0 short-sea, 1 intra-Asia, 2 deep-sea)
        self.sailing_h = sailing_h  # import: last origin port -> arrival
        self.bl_issue_h = bl_issue_h  # import: origin departure -> original B/L issued
        self.courier_h = courier_h  # import: paper B/L issued -> in the consignee's hands
        self.need_lag_h = need_lag_h  # import: vessel arrival -> goods needed
        self.duty_funds_h = duty_funds_h  # import: arranging the duty payment
        self.broker_work_h = broker_work_h  # declarant work for a full declaration
        self.rework_h = rework_h  # declarant work to correct a returned declaration
        self.error_u = error_u  # uniform: the declaration is returned if below the error rate
        self.delivery_order_h = delivery_order_h  # import: carrier's counter work for the D/O
        self.truck_u = truck_u  # uniform: when in the fleet's working day its truck comes
        self.ready_lead_h = ready_lead_h  # export: stuffed this long before the cut-off
        self.documents_h = documents_h  # export: office hours until its documents reach the broker
        self.inspection_booking_h = inspection_booking_h
        self.doc_check_h = doc_check_h
        self.inspection_h = inspection_h
        self.certification_h = certification_h
        self.shuttle_out_h = shuttle_out_h
        self.shuttle_back_h = shuttle_back_h
        self.gate_h = gate_h
        self.risk_noise = risk_noise
        self.random_check_u = random_check_u
        self.doc_detect_u = doc_detect_u
        self.inspection_detect_u = inspection_detect_u
        self.policy_z = policy_z  # standard normal for policy-specific durations
        self.audit_u = audit_u  # uniform: picked for a post-clearance audit, and what it finds
        self.call = None  # the vessel call that brings it (import) or that it is booked on (export)
        self.arrival_h = math.nan  # import: its vessel's arrival
        self.discharge_h = math.nan  # import: put down by the quay crane
        self.ready_h = math.nan  # export: stuffed at the factory
        self.waiting = None  # SimPy event while the process waits for the box to reach the terminal
        self.ship_side_planned = False  # import: its consignee plans to take it at the ship side
        self.ship_side = None  # import: hours of ship-side transfer onto a truck, if it goes that way
        self.delivery_order = None  # import: the carrier's D/O process (a SimPy event once started)


def draw_batch(cfg: ClearwayConfig, seed: int, firms: FirmTable, log: ConsignmentLog,
               flow: int, batch: int | tuple[int, ...], n: int, owner: int | None = None) -> list[Consignment]:
    """Create ``n`` consignments of ``flow`` for batch ``batch``, log their attributes, return them.

    ``batch`` keys the streams: a vessel call's or a day's number, or a tuple (a bonded-zone lot,
    :mod:`sim.bonded_zone.first_line`). ``owner``: every box belongs to this trader (by default
    each box's firm is drawn by the flow's firm weights)."""
    flow_cfg = cfg.imports if flow == IMPORT else cfg.exports
    key = batch if isinstance(batch, tuple) else (batch,)

    streams = StreamSet(seed)  # each drawn from at once: one shared generator, reset per stream

    def rng(purpose: Purpose, variate: int) -> np.random.Generator:
        return streams.get(purpose, flow, *key, variate)  # = stream(seed, purpose, flow, *key, variate)

    def duration(purpose: Purpose, variate: int, d: Duration) -> list[float]:
        return draw(rng(purpose, variate), d, n).tolist()

    a = Purpose.ATTRIBUTES
    probabilities = firms.probabilities[flow]
    firm = (np.full(n, owner) if owner is not None
            else firms.first[flow] + rng(a, 1).choice(len(probabilities), size=n, p=probabilities))
    teu = np.where(rng(a, 2).random(n) < cfg.firms.share_40ft, 2, 1)
    value = cfg.firms.cargo_value_median_cny * exp(cfg.firms.cargo_value_sigma * rng(a, 3).standard_normal(n))
    offence = rng(a, 4).random(n) < firms.offence_rate[firm]
    needs_certification = (rng(a, 5).random(n) < firms.certification_share[firm]) & (flow == IMPORT)

    first = log.allocate(n)
    rows = slice(first, first + n)
    log.flow[rows] = flow
    log.firm[rows] = firm
    log.teu[rows] = teu
    log.cargo_value_cny[rows] = value
    log.offence[rows] = offence
    log.needs_certification[rows] = needs_certification

    b, behaviour = Purpose.BEHAVIOUR, cfg.behaviour
    lanes = behaviour.lanes
    lane_list = (lanes.short_sea, lanes.intra_asia, lanes.deep_sea)
    lane = rng(a, 6).choice(3, size=n, p=[x.share for x in lane_list])
    log.lane[rows] = lane
    sailing = np.zeros(n)
    for k, x in enumerate(lane_list):  # each lane its own stream: its boxes keep their draws
        sailing[lane == k] = draw(rng(b, 20 + k), x.sailing, n)[lane == k]
    s, r, c, t = Purpose.SERVICE, Purpose.RISK, cfg.customs, cfg.terminal
    columns = dict(  # in the order of Consignment's parameters
        firm=firm.tolist(), credit=firms.credit[firm].tolist(), teu=teu.tolist(),
        needs_certification=needs_certification.tolist(), offence=offence.tolist(),
        lane=lane.tolist(), sailing_h=sailing.tolist(),
        bl_issue_h=duration(b, 4, behaviour.documents.bl_issue),
        courier_h=duration(b, 5, behaviour.documents.courier),
        need_lag_h=duration(b, 3, behaviour.consignees.need_lag),
        duty_funds_h=duration(b, 6, behaviour.consignees.duty_funds),
        broker_work_h=duration(b, 7, behaviour.brokers.work),
        rework_h=duration(b, 8, behaviour.brokers.rework),
        error_u=rng(b, 9).random(n).tolist(),
        delivery_order_h=duration(b, 10, behaviour.carriers.delivery_order),
        truck_u=rng(b, 11).random(n).tolist(),
        ready_lead_h=duration(b, 12, behaviour.shippers.ready_lead),
        documents_h=duration(b, 13, behaviour.shippers.documents),
        inspection_booking_h=duration(b, 2, flow_cfg.inspection_booking),
        doc_check_h=duration(s, 1, c.doc_check),
        inspection_h=duration(s, 2, c.inspection),
        certification_h=duration(s, 3, c.certification),
        shuttle_out_h=duration(s, 4, t.shuttle),
        shuttle_back_h=duration(s, 5, t.shuttle),
        gate_h=duration(s, 6, t.gate_service),
        risk_noise=rng(r, 1).standard_normal(n).tolist(),
        random_check_u=rng(r, 2).random(n).tolist(),
        doc_detect_u=rng(r, 3).random(n).tolist(),
        inspection_detect_u=rng(r, 4).random(n).tolist(),
        policy_z=rng(Purpose.POLICY, 1).standard_normal(n).tolist(),
        audit_u=rng(Purpose.POLICY, 2).random(n).tolist(),
    )
    return [Consignment(first + k, flow, *values) for k, values in enumerate(zip(*columns.values()))]


__all__ = ["Consignment", "draw_batch", "IMPORT", "EXPORT"]
