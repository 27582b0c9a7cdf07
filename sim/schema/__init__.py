"""The declared schema of every Clearway config: typed dataclasses with bounds and units.

This package is the bottom layer: it imports nothing else of Clearway. Fields declare their
bounds, unit and allowed values next to them with :func:`sim.schema.fields.param`; each section
owns its cross-field rules in a ``check(self, path)`` method; :func:`sim.schema.fields.check`
walks a config and raises :class:`sim.schema.errors.ConfigError` for the first field that
cannot run. One module per part of the port:

- ``run``: horizon, warm-up, memory limit; ``times``: durations and working hours;
- ``port``: flows, channels, vessels, firms, terminal, costs; ``customs``: customs and risk;
- ``policies``: every reform's parameters; ``bonded_zone``; ``bunkering``; ``ecommerce``; ``roro``;
  ``stress``;
  ``emissions``: emission factors;
- ``root``: :class:`ClearwayConfig`, the rules across sections, Hydra's ConfigStore entry.
"""
from sim.schema.errors import ConfigError
from sim.schema.fields import check, param
from sim.schema.root import ClearwayConfig
from sim.schema.times import Duration

__all__ = ["ClearwayConfig", "ConfigError", "Duration", "check", "param"]
