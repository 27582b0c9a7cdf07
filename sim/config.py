"""The config types under their old import path; the schema itself lives in :mod:`sim.schema`.

Kept so that code written against ``sim.config`` still imports; new code imports
``sim.schema`` (types and :class:`ConfigError`) and ``sim.feasibility`` (``validate``).
"""
from sim.schema import ClearwayConfig, ConfigError, Duration

__all__ = ["ClearwayConfig", "ConfigError", "Duration"]
