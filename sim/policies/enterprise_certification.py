"""Certification by enterprise ("from enterprise to products"): approved importers' goods skip
per-shipment certification and are audited after release.

Mechanism (a rule, and a control moved to after release): without the reform every import of
goods that need it (``firms.certification_share``: food, cosmetics, regulated goods) is certified
shipment by shipment: the box waits at the terminal for a slot at customs' lab, sampling and the
test (``customs.certification``), then is released. Under the reform customs approves firms
instead of products: the goods of an approved importer are released on the firm's approval, with
no per-shipment certification, and customs controls the firm after release instead: a share
``audit_share`` of the approved firm's import releases (whether or not the goods needed
certification: the firm's records are audited, not a product) is audited ``audit_after_days``
later (post-clearance audit, :meth:`sim.agents.customs.Customs.audit`). An audit of an offending
declaration finds the offence with probability ``audit_detection_prob``; it is counted as *caught
at audit* (outcome ``caught_at_audit``, summary ``offences.caught_at_audit``), apart from the
offences truly missed, since the goods have left the port by then. A firm whose audit finds an
offence loses its approval on the day of the audit and is certified shipment by shipment again
(and no longer audited) for the rest of the run.

In the model the lab test itself finds no offences (they are found at the document check and
the inspection), so the reform gives up no control at the border, and the audits find some of
the offences the border missed. The risk channel is unchanged: an approved firm's box may still
be checked or inspected.

Who is approved (customs' rule, applied when the run starts): importers of credit class
``lowest_credit_approved`` or better (the credit class is customs' record of a firm's compliance;
low-credit firms are never approved) whose expected imports needing certification reach
``min_certified_imports_per_year`` (approval and audits are a fixed effort customs spends on
regular importers of regulated goods, not on occasional ones).

Eligibility: imports of approved firms (no lab for those that need certification; the audit for
all). Ship-side direct pickup still
leaves goods that need certification to the usual route (its pilot covers goods with no
certification requirement).

Parameters (all assumptions: no public figure for the Shanghai pilot; ranges with their reasons
in ``configs/uncertainty/shanghai.yaml``):
- ``lowest_credit_approved`` = ``general`` (AEO and general-credit importers may be approved);
- ``min_certified_imports_per_year`` = 250 boxes a year (about one a working day);
- ``audit_share`` = 0.10 of the approved firms' import releases;
- ``audit_detection_prob`` = 0.5 (a records audit, not a look at the goods);
- ``audit_after_days`` = 30 days from release to audit.

Sources of the measure: Shanghai digital-trade plan, item 3 (a "from enterprise to products"
regulatory model in the pilot for biomedical R&D material imports; seeds 002); international
cooperation on conformity assessment procedures (seeds 003).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.office_hours import DAY_H
from sim.policies.base import Policy
from sim.records import CREDIT_CLASSES, EXPORT
from sim.schema.policies import EnterpriseCertificationConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment

DAYS_PER_YEAR = 365.0


class EnterpriseCertification(Policy):
    name = "enterprise_certification"

    def __init__(self, cfg: EnterpriseCertificationConfig):
        self.cfg = cfg
        self.approved: set[int] = set()  # global indices of the approved importers
        self.importers = 0

    def bind(self, model) -> None:
        self.model = model
        table = model.firm_table
        certified_per_year = (table.box_weight(model.boxes_per_day) * table.certification_share
                              * DAYS_PER_YEAR)
        importer = np.arange(len(table.credit)) < table.first[EXPORT]
        lowest = CREDIT_CLASSES.index(self.cfg.lowest_credit_approved)
        approved = (importer & (table.credit <= lowest)
                    & (certified_per_year >= self.cfg.min_certified_imports_per_year))
        self.approved = set(np.flatnonzero(approved).tolist())
        self.importers = int(importer.sum())

    def approved_by_enterprise(self, c: Consignment) -> bool:
        return c.firm in self.approved

    def audit_after_release(self, c: Consignment) -> None:
        cfg = self.cfg
        found = self.model.customs.audit(c, cfg.audit_share, cfg.audit_detection_prob,
                                         cfg.audit_after_days * DAY_H)
        if found:
            self.model.env.process(self._withdraw(c.firm, cfg.audit_after_days * DAY_H))

    def _withdraw(self, firm: int, after_h: float):
        """The audit, ``after_h`` from now, finds the offence: the firm loses its approval."""
        yield self.model.env.timeout(after_h)
        self.approved.discard(firm)

    def daily_series(self) -> dict[str, float]:
        return {f"{self.name}_approved_share": len(self.approved) / self.importers}
