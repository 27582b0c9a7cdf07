"""Command-line overrides read before Hydra composes them: config group names, given once,
consistent.

Hydra resolves ``policy=pre_arival`` to a missing file and reports it as a problem with the whole
config; it lets ``policy=a policy=b`` run only ``b``; and it applies ``policies.X.enabled=false``
after ``policy=X`` without a word. Here each of those is one :class:`ConfigError` naming the
override, with the closest valid name when there is one.
"""
from __future__ import annotations

import difflib
import functools
import itertools
from pathlib import Path

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Glob, Override
from hydra.errors import HydraException

from sim.schema.errors import ConfigError

# config groups of configs/config.yaml: the override names a file of configs/<group>/
GROUPS = ("scenario", "policy", "package", "bonded_zone", "bunkering", "ecommerce", "roro", "emissions")
PARSE_HINT = "write key=value, e.g. seed=3 or 'policy=[pre_arrival,e_documents]'"


def options(config_dir: Path, group: str) -> list[str]:
    """Names of the configs in group ``group`` (the ``*.yaml`` files of ``configs/<group>/``)."""
    return sorted(p.stem for p in (config_dir / group).glob("*.yaml"))


def unknown_name(group: str, name, known: list[str]) -> ConfigError:
    """The error for a config name that does not exist, suggesting the closest one."""
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return ConfigError(group, f"unknown {group.replace('_', ' ')} '{name}'; "
                              f"{hint}available: {', '.join(known)}")


def parse(overrides: list[str]) -> list[tuple[str, Override]]:
    """Each override with Hydra's parse of it; one it cannot read is a ConfigError naming its
    key."""
    return [(text, _parse_one(text)) for text in overrides]


@functools.lru_cache(maxsize=4096)
def _parse_one(text: str) -> Override:
    """Hydra's parse of one override, kept (never changed by its readers): Hydra's grammar takes
    milliseconds an override, and loading a config reads each override three times."""
    try:
        return _parser().parse_overrides([text])[0]
    except HydraException:
        key = text.split("=", 1)[0].lstrip("+~") or text
        raise ConfigError(key, f"cannot parse the override '{text}'; {PARSE_HINT}") from None


@functools.cache
def _parser() -> OverridesParser:
    return OverridesParser.create()


def _choices(override: Override, config_dir: Path) -> list:
    """The values an override takes: one, or each value of a multirun sweep (``a,b``,
    ``glob(*)``)."""
    if not override.is_sweep_override():
        return [override.value()]
    value = override.value()
    if isinstance(value, Glob):
        return value.filter(options(config_dir, override.key_or_group))
    return list(override.sweep_iterator())


def expand_sweeps(overrides: list[str], config_dir: Path) -> list[list[str]]:
    """Every combination of a multirun's sweeps (``seed=1,2 policy=a,b``: four lists of
    overrides)."""
    axes = []
    for text, o in parse(overrides):
        if not o.is_sweep_override():
            axes.append([text])
            continue
        value = o.value()
        strings = (value.filter(options(config_dir, o.key_or_group)) if isinstance(value, Glob)
                   else list(o.sweep_string_iterator()))
        axes.append([f"{o.get_key_element()}={s}" for s in strings])
    return [list(combination) for combination in itertools.product(*axes)]


def package_policies(config_dir: Path, package: str) -> list[str]:
    """The policies a reform package (``configs/package/<name>.yaml``) switches on."""
    text = (config_dir / "package" / f"{package}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    entries = data.get("defaults", []) if isinstance(data, dict) else []
    return [e.rsplit("/", 1)[-1] for e in entries
            if isinstance(e, str) and e.startswith("/policy/")]


def check_overrides(overrides: list[str], config_dir: Path, every_key_once: bool = False) -> None:
    """Raise ConfigError for an unknown config name, a config group (or, with ``every_key_once``,
    any key) given twice, or a policy switched both on and off. ``hydra.*`` overrides are
    skipped."""
    parsed = [(t, o) for t, o in parse(overrides)
              if not o.key_or_group.startswith(("hydra.", "hydra/"))]
    _check_given_once(parsed, every_key_once)
    switched_on: dict[str, str] = {}  # policy -> the override that switches it on
    for text, o in parsed:
        if o.key_or_group not in GROUPS or o.is_delete():
            continue
        names = _known_names(o, config_dir)
        if o.key_or_group == "policy" and not o.is_sweep_override():
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ConfigError("policy", f"lists '{twice[0]}' twice; list each reform once")
            switched_on.update({n: text for n in names})
        if o.key_or_group == "package" and not o.is_sweep_override():
            switched_on.update({p: text for n in names for p in package_policies(config_dir, n)})
    for _, o in parsed:
        parts = o.key_or_group.split(".")
        switched_off = (len(parts) == 3 and parts[0] == "policies" and parts[2] == "enabled"
                        and not o.is_sweep_override() and o.value() is False)
        if switched_off and parts[1] in switched_on:
            raise ConfigError(o.key_or_group,
                              f"false contradicts '{switched_on[parts[1]]}', which switches "
                              f"{parts[1]} on; drop one of the two")


def _check_given_once(parsed: list[tuple[str, Override]], every_key_once: bool) -> None:
    """A config group chosen twice silently keeps the last choice: refuse it (any key, if asked)."""
    seen: dict[str, str] = {}
    for text, o in parsed:
        key = o.key_or_group
        if key in seen and (key in GROUPS or every_key_once):
            example = ", e.g. 'policy=[a,b]' for several reforms" if key == "policy" else ""
            raise ConfigError(key, f"given twice ('{seen[key]}', then '{text}'); give it once"
                                   + example)
        seen[key] = text


def _known_names(override: Override, config_dir: Path) -> list[str]:
    """The config names a group override chooses, each checked against ``configs/<group>/``."""
    group = override.key_or_group
    known = options(config_dir, group)
    names = [str(n) for choice in _choices(override, config_dir)
             for n in (choice if isinstance(choice, list) else [choice]) if n is not None]
    for name in names:
        if name not in known:
            raise unknown_name(group, name, known)
    return names
