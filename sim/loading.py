"""Compose a typed config from ``configs/`` (Hydra) and turn every failure into a ConfigError.

``load_config("verification", ["customs.doc_officers=4"])`` is what tests and experiment
runners call; ``python -m sim`` goes through the same function before handing over to Hydra, so
a wrong config fails at start-up with one line that names the field.
"""
from __future__ import annotations

import re
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import ClearwayConfig, ConfigError, validate

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
ConfigStore.instance().store(name="clearway_schema", node=ClearwayConfig)


def scenarios() -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))


def load_config(scenario: str = "shanghai", overrides: list[str] | tuple[str, ...] = ()) -> ClearwayConfig:
    """Compose ``configs/`` for ``scenario`` with Hydra-style ``overrides``; validate; return it."""
    if scenario not in scenarios():
        raise ConfigError("scenario", f"unknown scenario '{scenario}'; available: {', '.join(scenarios())}")
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose("config", overrides=[f"scenario={scenario}", *overrides])
    except MissingConfigException as err:
        raise ConfigError("scenario", f"{_first_line(err)}; available scenarios: {', '.join(scenarios())}") from None
    except (HydraException, OmegaConfBaseException) as err:
        raise _as_config_error(err) from None
    finally:
        GlobalHydra.instance().clear()
    return to_config(cfg)


def to_config(cfg: DictConfig) -> ClearwayConfig:
    """Typed, validated config from a composed DictConfig (as Hydra hands it to a job)."""
    try:
        merged = OmegaConf.merge(OmegaConf.structured(ClearwayConfig), cfg)
        typed = OmegaConf.to_object(merged)
    except OmegaConfBaseException as err:
        raise _as_config_error(err) from None
    validate(typed)
    return typed


def _allowed_keys(key: str) -> list[str]:
    """Field names of the config section that ``key`` (dotted path) points into."""
    node = ClearwayConfig
    for part in key.split(".")[:-1]:
        sub = {f.name: f.type for f in fields(node)}.get(part)
        target = getattr(sys.modules["sim.config"], str(sub), None)
        if target is None or not is_dataclass(target):
            break
        node = target
    return [f.name for f in fields(node)]


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]


def _as_config_error(err: Exception) -> ConfigError:
    """Name the field an OmegaConf/Hydra error is about, in one line."""
    cause = err.__cause__ or err
    text = f"{err}\n{cause}"
    key = getattr(cause, "full_key", None) or ""
    if not key:
        m = re.search(r"full_key:\s*(\S+)", text) or re.search(r"override '([^'=]+)", text) \
            or re.search(r"Key '([^']+)'", text)
        key = m.group(1) if m else "config"
    if "not in struct" in text or "ConfigKeyError" in type(cause).__name__ or " not in '" in text:
        return ConfigError(key, f"unknown key; allowed here: {', '.join(_allowed_keys(key))}")
    if "MissingMandatoryValue" in type(cause).__name__ or "Missing mandatory value" in text:
        return ConfigError(key, "has no value; set it in the scenario file or on the command line")
    if "Error parsing override" in text:
        return ConfigError(key, "cannot parse this override; write key=value, e.g. seed=3")
    m = re.search(r"Value '([^']*)' of type '(\w+)' could not be converted to (\w+)", text)
    if m:
        return ConfigError(key, f"must be of type {m.group(3).lower()}, got '{m.group(1)}' ({m.group(2)})")
    reason = _first_line(cause) if str(cause).strip() else type(cause).__name__
    return ConfigError(key, reason)
