"""Consignments: one container and its declaration, with every random variate drawn up front.

When a vessel call (or a day of Poisson arrivals) brings ``n`` containers, :func:`draw_batch`
draws all their attributes and all the durations they could ever need, each kind from its own
random stream keyed by (flow, batch). A scenario that routes a box differently therefore never
shifts the numbers any other box sees: this is what makes common random numbers work.

A :class:`Consignment` lives only while its box is in the system; what must outlast it is written
to the columnar :class:`sim.records.ConsignmentLog` under its ``id``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.distributions import draw
from sim.records import EXPORT, IMPORT, ConsignmentLog
from sim.rng import Purpose, stream
from sim.schema.times import Duration

if TYPE_CHECKING:
    from sim.schema import ClearwayConfig


class Consignment:
    """One container in the system. Times in hours."""

    __slots__ = (
        "id", "flow", "firm", "credit", "teu", "needs_certification", "offence", "channel",
        "preparation_h", "inspection_booking_h", "pickup_delay_h",
        "doc_check_h", "inspection_h", "certification_h", "shuttle_out_h", "shuttle_back_h",
        "gate_h", "risk_noise", "random_check_u", "doc_detect_u", "inspection_detect_u", "policy_z",
        "call", "waiting", "ship_side", "declared_in_advance",
    )

    def __init__(self, id, flow, firm, credit, teu, needs_certification, offence,
                 preparation_h, inspection_booking_h, pickup_delay_h, doc_check_h, inspection_h,
                 certification_h, shuttle_out_h, shuttle_back_h, gate_h, risk_noise,
                 random_check_u, doc_detect_u, inspection_detect_u, policy_z):
        self.id = id
        self.flow = flow
        self.firm = firm
        self.credit = credit
        self.teu = teu
        self.needs_certification = needs_certification
        self.offence = offence
        self.channel = -1  # not yet assessed
        self.preparation_h = preparation_h
        self.inspection_booking_h = inspection_booking_h
        self.pickup_delay_h = pickup_delay_h
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
        self.call = None  # export: the vessel call the box is booked on
        self.waiting = None  # SimPy event while the process waits for the box to reach the terminal
        self.ship_side = None  # import: hours of ship-side transfer onto a truck, if it goes that way
        self.declared_in_advance = False  # its journey starts at lodgement, before the box arrives


class FirmTable:
    """Per-firm arrays the batch draw needs (the firm agents own them; see sim.agents.firm)."""

    def __init__(self, size_weight, credit, offence_rate, certification_share, preparation_speed):
        self.probabilities = np.asarray(size_weight) / np.sum(size_weight)
        self.credit = np.asarray(credit, dtype=np.int8)
        self.offence_rate = np.asarray(offence_rate)
        self.certification_share = np.asarray(certification_share)
        self.preparation_speed = np.asarray(preparation_speed)


def draw_batch(cfg: ClearwayConfig, seed: int, firms: FirmTable, log: ConsignmentLog,
               flow: int, batch: int, n: int) -> list[Consignment]:
    """Create ``n`` consignments of ``flow`` for batch ``batch``, log their attributes, return them."""
    flow_cfg = cfg.imports if flow == IMPORT else cfg.exports

    def rng(purpose: Purpose, variate: int) -> np.random.Generator:
        return stream(seed, purpose, flow, batch, variate)

    def duration(purpose: Purpose, variate: int, d: Duration) -> list[float]:
        return draw(rng(purpose, variate), d, n).tolist()

    a = Purpose.ATTRIBUTES
    firm = rng(a, 1).choice(len(firms.probabilities), size=n, p=firms.probabilities)
    teu = np.where(rng(a, 2).random(n) < cfg.firms.share_40ft, 2, 1)
    value = cfg.firms.cargo_value_median_cny * np.exp(cfg.firms.cargo_value_sigma * rng(a, 3).standard_normal(n))
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

    s, r, b, c, t = Purpose.SERVICE, Purpose.RISK, Purpose.BEHAVIOUR, cfg.customs, cfg.terminal
    preparation = (np.asarray(duration(b, 1, flow_cfg.preparation)) / firms.preparation_speed[firm]).tolist()
    columns = dict(  # in the order of Consignment's parameters
        firm=firm.tolist(), credit=firms.credit[firm].tolist(), teu=teu.tolist(),
        needs_certification=needs_certification.tolist(), offence=offence.tolist(),
        preparation_h=preparation,
        inspection_booking_h=duration(b, 2, flow_cfg.inspection_booking),
        pickup_delay_h=(duration(b, 3, cfg.imports.pickup_delay) if flow == IMPORT else [0.0] * n),
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
    )
    return [Consignment(first + k, flow, *values) for k, values in enumerate(zip(*columns.values()))]


__all__ = ["Consignment", "FirmTable", "draw_batch", "IMPORT", "EXPORT"]
