"""E-documents: electronic bills of lading, e-certificates, electronic delivery orders.

Mechanism (information and rules, no stage is cut):
- the B/L and certificates are electronic: in the consignee's hands when issued, no courier
  (``behaviour.documents.electronic``); on short-sea lanes the paper used to arrive after the ship;
- the B/L is surrendered online and the carrier's delivery order issued at once, no counter
  (``behaviour.carriers.electronic_release``);
- brokers take the B/L data over electronically instead of re-keying paper, so fewer declarations
  are returned (``brokers.error_rate_electronic`` instead of ``error_rate_paper``);
- exporters' declaration documents reach their broker online as soon as the box is in, instead of
  by messenger in office hours (``shippers.documents``, :mod:`sim.flows.exports`);
- officers read structured data instead of scans: the document check's mean time is multiplied by
  ``doc_check_factor``.
What this does to preparation depends on who was waiting for paper: a consignee whose goods are
not needed yet gains nothing from having them earlier.

Eligibility: all declarations.

Parameters:
- ``doc_check_factor`` = 0.5: assumption (the 2017 baseline still had 86 regulatory documents
  for import/export, GACC, figures.md).
Source of the measure: Shanghai digital-trade plan, item 11 (e-B/L and port documents; seeds 002).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import Policy
from sim.schema.policies import EDocumentsConfig

if TYPE_CHECKING:
    from sim.schema import ClearwayConfig


class EDocuments(Policy):
    name = "e_documents"

    def __init__(self, cfg: EDocumentsConfig):
        self.cfg = cfg

    def adjust(self, cfg: ClearwayConfig) -> None:
        cfg.customs.doc_check.mean_h *= self.cfg.doc_check_factor
        cfg.behaviour.documents.electronic = True
        cfg.behaviour.carriers.electronic_release = True
