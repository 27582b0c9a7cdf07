"""E-documents: electronic bills of lading, e-certificates and a single window.

Mechanism: two delays shrink. (1) The document check is faster: officers read structured
electronic data instead of scanned paper, so its mean time is multiplied by
``doc_check_factor``. (2) Paper hand-over disappears from the declarant's preparation: no
waiting for the original B/L and certificates to arrive by courier, so each declaration's
preparation time is cut by ``paper_handover_h`` (never below zero).

Eligibility: all declarations.

Parameters:
- ``doc_check_factor`` = 0.5: assumption (the 2017 baseline still had 86 regulatory documents
  for import/export, GACC, figures.md).
- ``paper_handover_h`` = 24 h: courier time for original documents. Assumption.
Source of the measure: Shanghai digital-trade plan, item 11 (e-B/L and port documents; seeds 002).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.schema.policies import EDocumentsConfig

if TYPE_CHECKING:
    from sim.consignment import Consignment
    from sim.schema import ClearwayConfig


class EDocuments(Policy):
    name = "e_documents"

    def __init__(self, cfg: EDocumentsConfig):
        self.cfg = cfg

    def adjust(self, cfg: ClearwayConfig) -> None:
        cfg.customs.doc_check.mean_h *= self.cfg.doc_check_factor

    def preparation_h(self, c: Consignment, hours: float) -> float:
        return max(hours - self.cfg.paper_handover_h, 0.0)
