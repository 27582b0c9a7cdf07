"""The bonded warehouse flow of the special customs supervision zone (DESIGN.md §4-5).

``BondedZone(model, cfg, policy_cfg)`` is the runtime sub-model; its config is
:class:`BondedZoneConfig` (``configs/bonded_zone/yangshan.yaml``), checked by
:func:`validate_bonded_zone`; the policy it reads is
:class:`sim.policies.shared_warehousing.SharedWarehousingConfig`.
"""
from sim.bonded_zone.config import BondedZoneConfig, offered_load, validate_bonded_zone
from sim.bonded_zone.zone import BondedZone

__all__ = ["BondedZone", "BondedZoneConfig", "offered_load", "validate_bonded_zone"]
