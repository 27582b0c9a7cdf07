"""Compose a typed config from ``configs/`` (Hydra) and turn every failure into a ConfigError.

``load_config("verification", ["customs.doc_officers=4"])`` is what tests, experiment runners
and ``python -m sim`` call. Before Hydra composes anything the YAML files are read strictly
(:mod:`sim.schema.yaml_files`) and the overrides checked (:mod:`sim.schema.overrides`); after,
the typed config goes through :func:`sim.feasibility.validate`. Whatever is wrong comes out as one
:class:`ConfigError` naming the field (or ``file:line``) and the fix.
"""
from __future__ import annotations

import copy
import difflib
import functools
import os
import pickle
import re
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.feasibility import validate
from sim.schema import ClearwayConfig, ConfigError
from sim.schema.overrides import GROUPS, check_overrides, options, parse, unknown_name
from sim.schema.yaml_files import check_yaml_files

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
DEFAULT_SCENARIO = "shanghai"


def scenarios() -> list[str]:
    return options(CONFIG_DIR, "scenario")


def ranges_file(name: str) -> Path:
    """``configs/uncertainty/<name>.yaml``: the ranges of scenario ``name``'s uncertain values
    (:func:`sim.schema.uncertainty.load_ranges` reads it)."""
    return CONFIG_DIR / "uncertainty" / f"{name}.yaml"


def compose_config(overrides: list[str] | tuple[str, ...] = (), scenario: str | None = None,
                   every_key_once: bool = False, with_hydra: bool = False) -> DictConfig:
    """Check the YAML files and ``overrides``, then compose ``configs/config.yaml`` with them.

    Hydra composes in two steps, and so does this: the config files that the group choices pick
    (``scenario=``, ``policy=``, ...) are merged, then every other override sets its value in the
    result (Hydra's own ``ConfigLoaderImpl._apply_overrides_to_config``). The first step is kept
    for the same choices and YAML files, so a new combination of values costs milliseconds, not
    a compose (tests/test_loading.py checks the result equals Hydra's ``compose``).

    ``scenario`` is the scenario unless an override names it (giving both is an error unless they
    agree); ``every_key_once`` refuses any key given twice (the command line), not only config
    groups; ``with_hydra`` keeps Hydra's own node (run and sweep folders) in the result.
    """
    check_yaml_files(CONFIG_DIR)
    overrides = list(overrides)
    check_overrides(overrides, CONFIG_DIR, every_key_once)
    named = [text for text, o in parse(overrides) if o.key_or_group == "scenario"]
    if scenario is not None:
        if scenario not in scenarios():
            raise unknown_name("scenario", scenario, scenarios())
        if named and named[0] != f"scenario={scenario}":
            raise ConfigError("scenario", f"given twice ('{scenario}' as argument, then '{named[0]}'); give it once")
    if not named:
        overrides.insert(0, f"scenario={scenario or DEFAULT_SCENARIO}")
    parsed = [o for _text, o in parse(overrides)]
    if any(o.is_sweep_override() for o in parsed):  # Hydra refuses a sweep here
        return _hydra_compose(tuple(overrides), with_hydra)
    choices, values = [], []
    for o in parsed:
        (choices if _picks_config_files(o, with_hydra) else values).append(o)
    cfg = pickle.loads(_composed_choices(tuple(o.input_line for o in choices), with_hydra, _yaml_files_stamp()))
    try:
        ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
    except (HydraException, OmegaConfBaseException) as err:
        raise _as_config_error(err) from None
    if with_hydra:
        _record_overrides(cfg.hydra, parsed)
    return cfg


def _record_overrides(hydra_node: DictConfig, parsed: list[Override]) -> None:
    """What Hydra's own compose writes into its node about the overrides (every one of them, not
    only the group choices the kept composition was made with), and the working folder now."""
    task = [o for o in parsed if not o.is_hydra_override()]
    hydra_node.overrides.task = [o.input_line for o in task]
    hydra_node.overrides.hydra = [o.input_line for o in parsed if o.is_hydra_override()]
    naming = hydra_node.job.config.override_dirname
    hydra_node.job.override_dirname = get_overrides_dirname(
        overrides=task, kv_sep=naming.kv_sep, item_sep=naming.item_sep, exclude_keys=naming.exclude_keys)
    hydra_node.runtime.cwd = os.getcwd()


def _picks_config_files(o: Override, with_hydra: bool) -> bool:
    """Whether override ``o`` must go to Hydra's composition of the config files: a config group
    choice, or a value in Hydra's own node when the composition leaves that node out."""
    key = o.key_or_group
    return (key in GROUPS or "/" in key or o.package is not None
            or (key.split(".")[0] == "hydra" and not with_hydra))


@functools.lru_cache(maxsize=32)
def _composed_choices(choices: tuple[str, ...], with_hydra: bool, yaml_files_stamp: tuple) -> bytes:
    """Hydra's composition of the config files that the group ``choices`` pick (with Hydra's own
    node if ``with_hydra``), pickled (kept: composing is most of a second, and a sweep, a test
    suite or a series of commands in one process asks for the same files again and again;
    unpickling a fresh copy takes a third of the time of deep-copying one)."""
    return pickle.dumps(_hydra_compose(choices, with_hydra))


def _hydra_compose(overrides: tuple[str, ...], with_hydra: bool) -> DictConfig:
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return compose("config", overrides=list(overrides), return_hydra_config=with_hydra)
    except MissingConfigException as err:
        raise ConfigError("config", f"{_first_line(err)}; check the config names in configs/") from None
    except (HydraException, OmegaConfBaseException) as err:
        raise _as_config_error(err) from None
    finally:
        GlobalHydra.instance().clear()


def load_config(scenario: str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> ClearwayConfig:
    """Compose ``configs/`` for ``scenario`` (default shanghai) with Hydra-style ``overrides``;
    validate; return the typed config (a copy of its own: callers may change it).

    Composing and typing take most of a second; the result is kept for the same scenario,
    overrides and YAML files (their modification times and sizes), so a sweep or a test suite that
    asks for the same config again gets it from memory."""
    return copy.deepcopy(_typed_config(scenario, tuple(overrides), _yaml_files_stamp()))


@functools.lru_cache(maxsize=64)
def _typed_config(scenario: str | None, overrides: tuple[str, ...], yaml_files_stamp: tuple) -> ClearwayConfig:
    return to_config(compose_config(overrides, scenario))


def _yaml_files_stamp() -> tuple:
    stamps = []
    for path in sorted(CONFIG_DIR.rglob("*.yaml")):
        stat = path.stat()
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def to_config(cfg: DictConfig) -> ClearwayConfig:
    """Typed, validated config from a composition of ``configs/`` (as :func:`compose_config`
    returns it and Hydra hands it to a job): typed already, as the schema heads its defaults
    list, so it becomes the dataclass as it is."""
    if OmegaConf.get_type(cfg) is not ClearwayConfig:
        raise TypeError(f"to_config takes a composition of configs/, typed by ClearwayConfig; "
                        f"got {OmegaConf.get_type(cfg)}")
    if "hydra" in cfg:
        cfg = cfg.copy()
        with open_dict(cfg):
            del cfg["hydra"]
    try:
        typed = OmegaConf.to_object(cfg)
    except OmegaConfBaseException as err:
        raise _as_config_error(err) from None
    validate(typed)
    return typed


def _allowed_keys(key: str) -> list[str]:
    """Field names of the config section that ``key`` (dotted path) points into."""
    node = ClearwayConfig
    for part in key.split(".")[:-1]:
        sub = typing.get_type_hints(node).get(part)
        if sub is None or not is_dataclass(sub):
            break
        node = sub
    return [f.name for f in fields(node)]


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]


def _unknown_key(key: str) -> ConfigError:
    allowed = _allowed_keys(key)
    if "." not in key:
        allowed += [g for g in GROUPS if g not in allowed]
    close = difflib.get_close_matches(key.rsplit(".", 1)[-1], allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return ConfigError(key, f"unknown key; {hint}allowed here: {', '.join(allowed)}")


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
        return _unknown_key(key)
    if "MissingMandatoryValue" in type(cause).__name__ or "Missing mandatory value" in text:
        return ConfigError(key, "has no value; set it in the scenario file or on the command line")
    if "Error parsing override" in text:
        return ConfigError(key, "cannot parse this override; write key=value, e.g. seed=3")
    m = re.search(r"Invalid type assigned: \w+ is not a subclass of (\w+)\. value: (.*)", text)
    if m:
        section = _allowed_keys(f"{key}.x")
        return ConfigError(key, f"is a section ({m.group(1)}: {', '.join(section)}), not a single value, "
                                f"got {m.group(2)}; set one of its fields, e.g. {key}.{section[0]}=...")
    m = re.search(r"Value '([^']*)' of type '(\w+)' could not be converted to (\w+)", text)
    if m:
        return ConfigError(key, f"must be of type {m.group(3).lower()}, got '{m.group(1)}' ({m.group(2)})")
    reason = _first_line(cause) if str(cause).strip() else type(cause).__name__
    return ConfigError(key, reason)
