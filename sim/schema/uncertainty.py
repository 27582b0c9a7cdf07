"""Ranges of the assumed and calibrated parameters: what the robustness experiment samples.

A config value that says *assumption* (no public source) or *calibrated* (fitted to the 2017
stage times) in its YAML comment is uncertain. ``configs/uncertainty/<name>.yaml`` gives each
one a range with its reason::

    covers: [scenario/shanghai.yaml, bonded_zone/yangshan.yaml]   # config files it ranges
    parameters:
      imports.preparation.mean_h: {name: "import preparation time (h)", low: 60.0, high: 88.0,
                                   label: calibrated, reason: "+-20 % around the fitted 73.6 h: ..."}
      imports.channels.red: {name: "share of imports inspected", low: 0.08, high: 0.13,
                             label: assumption, balance: imports.channels.green, reason: "..."}
    fixed:                      # labelled, but not a property of the port: held at its value
      run.horizon_days: "length of the run, a numerical setting"

Ranges are in the units of the config field, for the full-scale scenario (a smaller section
scales volumes and capacities afterwards, :mod:`sim.scaling`). ``name`` says what the value is in
plain words, with its unit where it helps: figures, tables, reports and the brief show it instead
of the path (a Morris screening of the same scenario takes its names from here too).
``integer: true`` rounds a count; ``balance`` names the share that absorbs the change so that
shares keep summing to 1.
:func:`labelled_parameters` reads the labels back out of a YAML file's comments, so a test can
check that every labelled value has a range or a reason to be held fixed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sim.schema.errors import ConfigError
from sim.schema.fields import check, param

LABELS = ("assumption", "calibrated")
_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


@dataclass
class ParameterRange:
    """One uncertain config value: ``path`` varies from ``low`` to ``high`` (config units)."""

    path: str = param(doc="dotted config path, e.g. imports.preparation.mean_h")
    name: str = param(doc="plain words for figures and reports, unit where it helps, e.g. "
                          "'courier time for original documents (h)'")
    low: float = param(doc="lowest value sampled, in the field's unit")
    high: float = param(doc="highest value sampled, in the field's unit")
    label: str = param(choices=LABELS, doc="what the config comment calls the value")
    reason: str = param(doc="one line: why this range (literature span, +-x % because ...)")
    integer: bool = param(False, doc="a count: sampled values are rounded")
    balance: str = param("", doc="share that absorbs the change so shares sum to 1")

    def check(self, path: str) -> None:
        if not _PATH.match(self.path):
            raise ConfigError(path, f"'{self.path}' is not a dotted config path "
                                    "like imports.boxes_per_day")
        if not self.name.strip():
            raise ConfigError(f"{path}.name", "must say in plain words what the value is, "
                                              "e.g. 'gate lanes'")
        if not self.low < self.high:
            raise ConfigError(path, f"low must be < high, got {self.low} and {self.high}")
        if len(self.reason.strip()) < 10:
            raise ConfigError(f"{path}.reason", "must say in a line why the range is what it is")
        if self.balance and not _PATH.match(self.balance):
            raise ConfigError(f"{path}.balance", f"'{self.balance}' is not a dotted config path")

    def value(self, x: float) -> float | int:
        """The value run for the sampled ``x`` (rounded for counts)."""
        return int(round(x)) if self.integer else float(x)


@dataclass
class Ranges:
    """Every uncertain parameter of a scenario, and the labelled values held fixed (with why)."""

    covers: list[str] = param(default_factory=list, doc="config files (under configs/) it ranges")
    parameters: list[ParameterRange] = param(default_factory=list)
    fixed: dict[str, str] = param(default_factory=dict, doc="path -> reason it is not varied")

    def check(self, path: str) -> None:
        if not self.parameters:
            raise ConfigError("parameters", "must list at least one parameter with a range")
        paths = [p.path for p in self.parameters]
        for i, p in enumerate(self.parameters):
            check(p, f"parameters.{p.path}")
            if p.path in paths[:i]:
                raise ConfigError(f"parameters.{p.path}", "is listed twice")
            if p.path in self.fixed:
                raise ConfigError(f"fixed.{p.path}", "has a range too; keep one of the two")
        for key, why in self.fixed.items():
            if not isinstance(why, str) or len(why.strip()) < 10:
                raise ConfigError(f"fixed.{key}", "must say in a line why the value is not varied")

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.parameters]

    @property
    def names(self) -> dict[str, str]:
        """``{path: plain-word name}`` of every parameter."""
        return {p.path: p.name for p in self.parameters}

    def select(self, prefixes: list[str]) -> Ranges:
        """Only the parameters under one of ``prefixes`` (all if empty)."""
        if not prefixes:
            return self
        chosen = [p for p in self.parameters if any(_under(p.path, pre) for pre in prefixes)]
        if not chosen:
            raise ConfigError("parameters", f"no range under {', '.join(prefixes)}")
        return Ranges(self.covers, chosen, self.fixed)

    def problem(self) -> dict:
        """SALib's problem: names and bounds."""
        return {"num_vars": len(self.parameters), "names": self.paths,
                "bounds": [[float(p.low), float(p.high)] for p in self.parameters]}


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def load_ranges(file: str | Path) -> Ranges:
    """The typed, checked ranges of ``file``; ConfigError (one line, naming the field) if bad."""
    import yaml
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    file = Path(file)
    if not file.is_file():
        raise ConfigError("ranges", f"no ranges file {file}")
    try:
        raw = OmegaConf.to_container(OmegaConf.load(file), resolve=True)
    except (OmegaConfBaseException, yaml.YAMLError, ValueError) as err:  # YAML syntax
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ConfigError("ranges", f"{file.name} is not valid YAML: {first}") from None
    if not isinstance(raw, dict):
        raise ConfigError("ranges", f"{file.name} must be a mapping with 'parameters'")
    unknown = sorted(set(raw) - {"covers", "parameters", "fixed"})
    if unknown:
        raise ConfigError(unknown[0], "unknown key; allowed here: covers, parameters, fixed")
    params = raw.get("parameters") or {}
    if not isinstance(params, dict):
        raise ConfigError("parameters", "must map config paths to {name, low, high, label, reason}")
    parsed = []
    for path, spec in params.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"parameters.{path}",
                              f"must be {{name, low, high, label, reason}}, got {spec!r}")
        allowed = set(ParameterRange.__dataclass_fields__) - {"path"}
        extra = sorted(set(spec) - allowed)
        if extra:
            raise ConfigError(f"parameters.{path}.{extra[0]}",
                              f"unknown key; allowed: {', '.join(sorted(allowed))}")
        missing = [k for k in ("name", "low", "high", "label", "reason") if k not in spec]
        if missing:
            raise ConfigError(f"parameters.{path}.{missing[0]}", "is missing")
        parsed.append(ParameterRange(path=str(path), **spec))
    covers = raw.get("covers") or []
    fixed = raw.get("fixed") or {}
    if not isinstance(covers, list) or not isinstance(fixed, dict):
        raise ConfigError("covers" if not isinstance(covers, list) else "fixed",
                          "covers must be a list of files, fixed a mapping path -> reason")
    ranges = Ranges(covers=[str(c) for c in covers], parameters=parsed, fixed=dict(fixed))
    check(ranges)
    return ranges


def labelled_parameters(yaml_file: str | Path) -> dict[str, str]:
    """``{config path: 'assumption' | 'calibrated'}`` for every value of ``yaml_file`` whose
    same-line comment uses one of the words (``calibrated`` wins when both appear).

    A flow mapping on one line (``preparation: {mean_h: 73.6, cv: 0.8}  # calibrated``) labels
    its key (``imports.preparation``): a range under it covers it. Paths start with the file's
    ``# @package`` (``_global_``: none).
    """
    prefix: list[str] = []
    stack: list[tuple[int, str]] = []
    found: dict[str, str] = {}
    for line in Path(yaml_file).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        package = re.match(r"#\s*@package\s+(\S+)", stripped)
        if package and package[1] != "_global_":
            prefix = package[1].split(".")
        if not stripped or stripped.startswith("#") or ":" not in stripped:
            continue
        indent = len(line) - len(line.lstrip())
        key = stripped.split(":", 1)[0].strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        comment = line.split(" #", 1)[1].lower() if " #" in line else ""
        words = [w for w in LABELS if w in comment]
        if words:
            path = ".".join([*prefix, *(k for _, k in stack)])
            found[path] = "calibrated" if "calibrated" in words else "assumption"
    return found
