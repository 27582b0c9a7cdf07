"""The bonded bunker market: vessel calls buying VLSFO from a bonded supplier that delivers by
barge under customs supervision, and blends its fuel itself under ``bonded_blending``.

The model plugs it in with ``BunkerMarket(model, cfg.bunkering, cfg.policies.bonded_blending)``
after the firms exist; :func:`validate_bunkering` checks ``configs/bunkering/*.yaml`` and
:func:`validate_bonded_blending` the policy's values against the supplier's fuels.
"""
from sim.bunkering.config import BunkeringConfig, validate_bonded_blending, validate_bunkering
from sim.bunkering.market import BunkerMarket

__all__ = ["BunkerMarket", "BunkeringConfig", "validate_bonded_blending", "validate_bunkering"]
