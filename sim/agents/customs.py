"""Customs: document officers, inspection teams, certification labs and the risk engine.

Customs decides a declaration's channel when it is lodged, checks documents (yellow and red),
physically inspects (red), certifies goods that need it, and releases or detains; under
certification by enterprise it audits some releases afterwards. It learns from
what its inspections find (see :mod:`sim.agents.risk`). AEO consignments may get priority in
every customs queue (``customs.risk.aeo_priority``).
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.agents.risk import ConsignmentMix, RiskEngine
from sim.consignment import Consignment
from sim.records import CAUGHT_AT_AUDIT, COMPLIANT, DETECTED, MISSED, ConsignmentLog
from sim.schema import ClearwayConfig
from sim.station import Station

AEO = 0


def consignment_mix(credit: np.ndarray, weight: np.ndarray, offence_rate: np.ndarray) -> ConsignmentMix:
    """AEO share of declarations and offence rates among AEO and other firms' declarations."""
    aeo = np.asarray(credit) == AEO
    w = np.asarray(weight, dtype=float)
    rate = np.asarray(offence_rate, dtype=float)

    def weighted(mask):
        return float(np.sum(rate[mask] * w[mask]) / np.sum(w[mask])) if w[mask].sum() > 0 else 0.0

    return ConsignmentMix(float(w[aeo].sum() / w.sum()), weighted(aeo), weighted(~aeo))


class Customs(mesa.Agent):
    def __init__(self, model: mesa.Model, cfg: ClearwayConfig, firm_credit: np.ndarray,
                 firm_weight: np.ndarray, firm_offence_rate: np.ndarray):
        super().__init__(model)
        c = cfg.customs
        env = model.env
        shift = (float(c.shift_start_h), float(c.shift_end_h))
        priority = c.risk.aeo_priority
        self.doc_desk = Station(env, "doc_check", c.doc_officers, priority=priority, book_ahead=True)
        self.inspection_area = Station(env, "inspection", c.inspection_teams, priority=priority, shift=shift)
        self.lab = Station(env, "certification", c.certification_slots, priority=priority,
                           book_ahead=True)
        self.risk = RiskEngine(c.risk, [cfg.imports.channels, cfg.exports.channels], firm_credit,
                               cfg.firms.offence_rate_mean,
                               consignment_mix(firm_credit, firm_weight, firm_offence_rate),
                               [cfg.imports.boxes_per_day, cfg.exports.boxes_per_day])
        self.doc_detection_prob = c.risk.doc_detection_prob
        self.inspection_detection_prob = c.risk.inspection_detection_prob
        self.aeo_priority = priority
        self.log: ConsignmentLog = model.log
        self.released = 0  # declarations released so far (cumulative count)
        self.detained = 0  # boxes detained after an offence was found

    @property
    def stations(self) -> list[Station]:
        return [self.doc_desk, self.inspection_area, self.lab]

    def priority(self, c: Consignment) -> int:
        return 0 if (self.aeo_priority and c.credit == AEO) else 1

    def lodge(self, c: Consignment) -> int:
        """The declaration is accepted and risk-assessed at once; returns its channel."""
        now = self.model.env.now
        log = self.log
        log.declaration_lodged[c.id] = now
        c.channel = self.risk.channel(c.flow, c.firm, c.offence, c.risk_noise, c.random_check_u)
        log.risk_assessed[c.id] = now
        log.channel[c.id] = c.channel
        return c.channel

    def check_documents(self, c: Consignment):
        """Document check at the desk; returns False if it finds an offence (box detained)."""
        yield from self.doc_desk.serve(c.doc_check_h, self.priority(c), (self.log, "doc_check_start"), c.id)
        self.log.doc_check_end[c.id] = self.model.env.now
        found = c.offence and c.doc_detect_u < self.doc_detection_prob
        if found:
            self.detain(c)
        return not found

    def inspect(self, c: Consignment):
        """Physical inspection of a box already at the inspection area; False if an offence is found."""
        self.log.inspection_queued[c.id] = self.model.env.now
        yield from self.inspection_area.serve(c.inspection_h, self.priority(c), (self.log, "inspection_start"), c.id)
        self.log.inspection_end[c.id] = self.model.env.now
        found = c.offence and c.inspection_detect_u < self.inspection_detection_prob
        self.risk.learn(c.firm, found)
        if found:
            self.detain(c)
        return not found

    def certify(self, c: Consignment):
        """Certification (sampling, lab test, certificate) for imported goods that need it.

        Export certificates (e.g. of origin) are part of the exporter's preparation instead.
        """
        yield from self.lab.serve(c.certification_h, self.priority(c), (self.log, "certification_start"), c.id)
        self.log.certification_end[c.id] = self.model.env.now

    def release(self, c: Consignment) -> None:
        self.log.release[c.id] = self.model.env.now
        self.log.outcome[c.id] = MISSED if c.offence else COMPLIANT
        self.released += 1

    def audit(self, c: Consignment, share: float, detection_prob: float, after_h: float) -> bool:
        """Post-clearance audit of a release: picked with probability ``share``, it reviews the
        declaration ``after_h`` hours after release and finds an offence with probability
        ``detection_prob``. One uniform decides both (picked: u < share; found: u < share x
        detection_prob, so found given picked has probability detection_prob). The outcome is
        logged now; returns True if the audit will find an offence."""
        if c.audit_u >= share:
            return False
        self.log.audited_after_h[c.id] = after_h
        found = c.offence and c.audit_u < share * detection_prob
        if found:
            self.log.outcome[c.id] = CAUGHT_AT_AUDIT
        return found

    def detain(self, c: Consignment) -> None:
        self.log.outcome[c.id] = DETECTED
        self.detained += 1

    def daily_update(self) -> None:
        self.risk.recalibrate()
