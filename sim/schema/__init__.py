"""The declared schema of every Clearway config: typed dataclasses with bounds and units.

This package is the bottom layer: it imports nothing else of Clearway. Fields declare their
bounds, unit and allowed values next to them with :func:`sim.schema.fields.param`; each section
owns its cross-field rules in a ``check(self, path)`` method; :func:`sim.schema.fields.check`
walks a config and raises :class:`sim.schema.errors.ConfigError` for the first field that
cannot run.
"""
from sim.schema.errors import ConfigError
from sim.schema.fields import check, param

__all__ = ["ConfigError", "check", "param"]
