"""Fields that declare their own bounds, and the one walker that checks them.

    @dataclass
    class GateConfig:
        lanes: int = param(16, ge=1, unit="lanes")
        service_h: float = param(0.05, gt=0, unit="h")
        mode: str = param("fifo", choices=("fifo", "priority"))

        def check(self, path: str) -> None:   # optional: rules across fields of this section
            ...

:func:`check` rejects wrong types, NaN and infinity in every number, values outside the
declared bounds and values not among ``choices``, then calls the section's own ``check``.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import MISSING as _NO_DEFAULT
from dataclasses import field, fields, is_dataclass
from typing import Any

from sim.schema.errors import ConfigError

# numpy's numbers too; bool is refused
_NUMBER_TYPES = {"int": numbers.Integral, "float": numbers.Real}


def param(default: Any = _NO_DEFAULT, *, ge=None, gt=None, le=None, lt=None, unit: str = "",
          choices: tuple | None = None, doc: str = "", default_factory=_NO_DEFAULT):
    """A dataclass field with its bounds (``ge``/``gt``/``le``/``lt``), ``unit`` and ``choices``."""
    metadata = {"ge": ge, "gt": gt, "le": le, "lt": lt, "unit": unit, "choices": choices,
                "doc": doc}
    if default_factory is not _NO_DEFAULT:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _type_name(f) -> str:
    return f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))


def _number(bound) -> str:
    """A bound as a person writes it: 1, 0.5, 9223372036854775807 (not 9.22337e+18)."""
    return str(bound) if isinstance(bound, int) else f"{bound:g}"


def _bounds_problem(value, meta: dict) -> str | None:
    """What is wrong with ``value`` against the declared bounds, or None if it is inside them."""
    low, high = meta.get("ge"), meta.get("le")
    low_open, high_open = meta.get("gt"), meta.get("lt")
    low_ok = (low is None or value >= low) and (low_open is None or value > low_open)
    high_ok = (high is None or value <= high) and (high_open is None or value < high_open)
    if low_ok and high_ok:
        return None
    unit = f" {meta['unit']}" if meta.get("unit") else ""
    lower = (f"[{_number(low)}" if low is not None
             else f"({_number(low_open)}" if low_open is not None else None)
    upper = (f"{_number(high)}]" if high is not None
             else f"{_number(high_open)})" if high_open is not None else None)
    if lower and upper:
        return f"must be in {lower}, {upper}{unit}, got {value}"
    if lower:
        word = ">=" if low is not None else ">"
        return f"must be {word} {lower[1:]}{unit}, got {value}"
    word = "<=" if high is not None else "<"
    return f"must be {word} {upper[:-1]}{unit}, got {value}"


def check_value(path: str, value, meta: dict, type_name: str) -> None:
    """Check one value against its declared type name and metadata; raise ConfigError."""
    expected = _NUMBER_TYPES.get(type_name)
    if expected is not None:
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ConfigError(path, f"must be of type {type_name}, got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(path, f"must be a finite number, got {value}")
        problem = _bounds_problem(value, meta)
        if problem:
            raise ConfigError(path, problem)
    elif type_name == "bool" and not isinstance(value, bool):
        raise ConfigError(path, f"must be true or false, got {value!r}")
    elif type_name == "str" and not isinstance(value, str):
        raise ConfigError(path, f"must be a string, got {value!r}")
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(path, f"must be one of {', '.join(map(str, choices))}; got {value!r}")


def check(obj, path: str = "") -> None:
    """Check every declared field of dataclass ``obj`` (recursively), then its ``check`` rule."""
    prefix = f"{path}." if path else ""
    allowed = [f.name for f in fields(obj)]
    extra = sorted(set(vars(obj)) - set(allowed))
    if extra:
        raise ConfigError(f"{prefix}{extra[0]}", f"unknown key; allowed here: {', '.join(allowed)}")
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            check(value, f"{prefix}{f.name}")
        else:
            check_value(f"{prefix}{f.name}", value, dict(f.metadata), _type_name(f))
    rule = getattr(obj, "check", None)
    if callable(rule):
        rule(path)


def check_shares(obj, path: str) -> None:
    """Shares of one whole (every field of ``obj``, each in [0, 1] by declaration) must sum to 1."""
    names = [f.name for f in fields(obj)]
    values = [getattr(obj, n) for n in names]
    if abs(sum(values) - 1) > 1e-9:
        listed = " + ".join(f"{n} {v}" for n, v in zip(names, values))
        raise ConfigError(path, f"shares must sum to 1, got {listed} = {sum(values):.6g}; "
                                f"change one so that they do")


def check_field(cls, name: str, value, path: str | None = None) -> None:
    """Check ``value`` against the declaration of field ``name`` of dataclass ``cls`` (e.g. a seed
    passed apart from its config)."""
    declared = next(f for f in fields(cls) if f.name == name)
    check_value(path or name, value, dict(declared.metadata), _type_name(declared))


def value_at(cfg: Any, path: str) -> Any:
    """The value at dotted ``path`` in a typed config (``"behaviour.brokers.work.mean_h"``)."""
    for part in path.split("."):
        cfg = getattr(cfg, part)
    return cfg
