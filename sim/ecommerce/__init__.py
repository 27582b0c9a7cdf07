"""Cross-border e-commerce parcels by air and their returns (issue 10, item 2).

``AirCargoTerminal(model, cfg, policy_cfg)`` (:mod:`sim.ecommerce.terminal`) is the runtime sub-model; its config is
:class:`sim.schema.ecommerce.EcommerceConfig` (``configs/ecommerce/pudong.yaml``); the policy it
reads is :class:`sim.schema.policies.EcommerceAirConfig` (:mod:`sim.policies.ecommerce_air`).
"""
