"""The bonded bunker market: vessel calls buying VLSFO from a bonded supplier that delivers by
barge under customs supervision, and blends its fuel itself under ``bonded_blending``.

The model plugs it in with :mod:`sim.bunkering.market`'s ``BunkerMarket(model, cfg.bunkering, cfg.policies.bonded_blending)``
after the firms exist; its config is :class:`sim.schema.bunkering.BunkeringConfig`
(``configs/bunkering/*.yaml``), the policy's :class:`sim.schema.policies.BondedBlendingConfig`.
"""
