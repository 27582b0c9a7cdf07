"""The bonded warehouse flow of the special customs supervision zone (DESIGN.md §4-5).

``BondedZone(model, cfg, policy_cfg)`` (:mod:`sim.bonded_zone.zone`) is the runtime sub-model;
its config is :class:`sim.schema.bonded_zone.BondedZoneConfig`
(``configs/bonded_zone/yangshan.yaml``); the policy it reads is
:class:`sim.schema.policies.SharedWarehousingConfig`; :func:`sim.bonded_zone.capacity.offered_load`
is the baseline utilisation of its staff and customs desk. The package imports none of its
modules, so that the config checks can use ``capacity`` without loading Mesa (start-up time).
"""
