"""The bonded warehouse flow of the special customs supervision zone (DESIGN.md §4-5).

``BondedZone(model, cfg, policy_cfg)`` is the runtime sub-model; its config is
:class:`sim.schema.bonded_zone.BondedZoneConfig` (``configs/bonded_zone/yangshan.yaml``); the
policy it reads is :class:`sim.schema.policies.SharedWarehousingConfig`;
:func:`offered_load` is the baseline utilisation of its staff and customs desk.
"""
from sim.bonded_zone.capacity import offered_load
from sim.bonded_zone.zone import BondedZone

__all__ = ["BondedZone", "offered_load"]
