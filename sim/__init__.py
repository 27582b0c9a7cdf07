"""Clearway: simulate port customs clearance and what trade facilitation reforms do to it.

The core API, free of Hydra::

    from sim import load_config, run
    result = run(load_config("shanghai", ["customs.inspection_teams=40"]), seed=1)
    result.summary["flows"]["import"]["all"]["port_time_h"]["mean"]
"""
from sim.loading import load_config
from sim.run import RunResult, run
from sim.schema import ClearwayConfig, ConfigError

__all__ = ["ClearwayConfig", "ConfigError", "RunResult", "load_config", "run"]
