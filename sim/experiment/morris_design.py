"""The Morris design of a sensitivity screening: its settings and its SALib ProblemSpec.

The ``morris`` section of an experiment YAML (configs/experiment/sensitivity.yaml) becomes
:class:`MorrisSettings`, a structured config whose fields declare their bounds
(:func:`sim.schema.fields.param`) and are checked on construction: a bad setting raises
:class:`~sim.schema.errors.ConfigError` naming the field, e.g.
``morris.parameters.customs.doc_officers: low must be < high, got 21 and 15``.

The Morris method (elementary effects, SALib) walks ``trajectories`` r through a grid of
``levels`` values per parameter: each trajectory starts at a random grid point and changes one
parameter at a time by ``delta = levels / (2 (levels - 1))`` of its range, so ``k`` parameters
cost ``r (k + 1)`` points. :meth:`MorrisSettings.problem_spec` is SALib's ``ProblemSpec``
(names = config paths, bounds = ranges); :meth:`MorrisSettings.sample` draws the design with
``ProblemSpec.sample_morris``, deterministic for a given ``sample_seed`` so that a rerun
resumes the same points.

Parameters are config paths with bounds and a plain-word ``name`` (what the tornado, the tables
and the report show). A parameter whose path has a range in the scenario's uncertainty file
(configs/uncertainty/<base>.yaml) takes that range's name, so a name is written once; give
``name`` in the ``morris`` section only for a path that file does not range (or to override it).
Integer parameters (server counts) are rounded; give
them a range divisible by ``levels - 1`` so that every grid value is an integer and no rounding
happens. A channel share ``<imports|exports>.channels.<red|yellow>`` keeps the shares summing to
1 by moving the difference to (or from) green.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.kpis import is_kpi
from sim.schema.errors import ConfigError
from sim.schema.fields import check, param

if TYPE_CHECKING:
    from SALib import ProblemSpec

DEFAULT_KPIS = ("import_port_time_h", "import_cost_total_cny", "import_offences_missed")
_SHARE = re.compile(r"^(imports|exports)\.channels\.(red|yellow)$")


def _number(v: float) -> str:
    return f"{v:.10g}"


@dataclass(frozen=True)
class Parameter:
    """One input of the screening: a config path, its name in plain words, its range (in the
    path's unit) and whether it is a count."""

    path: str
    name: str = param(doc="plain words for figures and reports, e.g. 'gate lanes'")
    low: float = param(doc="lowest value screened, in the unit of the config field")
    high: float = param(doc="highest value screened")
    integer: bool = param(False, doc="a count: grid values are rounded")

    def check(self, path: str) -> None:
        if not self.name.strip():
            raise ConfigError(f"{path}.name", "must say in plain words what the input is")
        if not self.low < self.high:
            raise ConfigError(path, f"low must be < high, got {self.low} and {self.high}")

    def value(self, x: float) -> float | int:
        """The value run for the sampled ``x`` (rounded for integer parameters)."""
        return int(np.rint(x)) if self.integer else float(x)

    def overrides(self, x: float, base_config) -> list[str]:
        """Hydra overrides that set this parameter to ``x`` in ``base_config``'s scenario."""
        v = self.value(x)
        if self.integer:
            return [f"{self.path}={v}"]
        text = _number(v)
        m = _SHARE.match(self.path)
        if m is None:
            return [f"{self.path}={text}"]
        flow, share = m.groups()
        channels = getattr(base_config, flow).channels
        green = channels.green - (float(text) - getattr(channels, share))
        return [f"{self.path}={text}", f"{flow}.channels.green={_number(round(green, 12))}"]


@dataclass
class MorrisSettings:
    """The Morris design: parameters, trajectories ``r``, grid ``levels``, KPIs to analyse."""

    parameters: list[Parameter]
    trajectories: int = param(4, ge=2, doc="Morris trajectories r; each costs k + 1 points")
    levels: int = param(4, ge=2, doc="grid values per parameter (even, as SALib's grid needs)")
    sample_seed: int = param(1, ge=0, doc="seed of the Morris design")
    kpis: list[str] = param(default_factory=lambda: list(DEFAULT_KPIS), doc="KPIs analysed")
    num_resamples: int = param(1000, ge=2, doc="bootstrap resamples for the 95 % CI of mu*")

    def __post_init__(self) -> None:
        check(self, "morris")

    def check(self, path: str) -> None:
        """Rules across fields: two or more distinct parameters, each range valid, an even
        grid, known KPIs."""
        if not isinstance(self.parameters, list) or len(self.parameters) < 2:
            raise ConfigError(f"{path}.parameters", "needs at least two parameters")
        paths = [p.path for p in self.parameters]
        if len(set(paths)) != len(paths):
            raise ConfigError(f"{path}.parameters", f"a path is listed twice: {paths}")
        for p in self.parameters:
            check(p, f"{path}.parameters.{p.path}")
        if self.levels % 2:
            raise ConfigError(f"{path}.levels", f"must be even (SALib's Morris grid), got {self.levels}")
        if not isinstance(self.kpis, list) or not self.kpis:
            raise ConfigError(f"{path}.kpis", f"must list at least one KPI, got {self.kpis!r}")
        for k in self.kpis:
            if not is_kpi(k):
                raise ConfigError(f"{path}.kpis.{k}", "unknown KPI; use a name of sim.kpis.KPIS, "
                                  "a stage (import_stage_<name>_h) or a cost (import_cost_<name>_cny)")

    @classmethod
    def from_dict(cls, data: dict, names: dict[str, str] | None = None) -> MorrisSettings:
        """From the ``morris`` section of an experiment YAML (parameters: {path: {low, high[,
        integer, name]}}); unknown keys are an error naming the key. ``names``: plain-word names
        by path (the scenario's ranges, :attr:`sim.schema.uncertainty.Ranges.names`) for the
        parameters that give none."""
        if not isinstance(data, dict):
            raise ConfigError("morris", f"must be a mapping, got {type(data).__name__}")
        allowed = list(cls.__dataclass_fields__)
        for key in data:
            if key not in allowed:
                raise ConfigError(f"morris.{key}", f"unknown key; allowed: {', '.join(allowed)}")
        data = dict(data)
        params = data.pop("parameters", None)
        if not isinstance(params, dict) or not params:
            raise ConfigError("morris.parameters",
                              "must map config paths to {low, high[, integer, name]}")
        parsed = []
        for path, bounds in params.items():
            where = f"morris.parameters.{path}"
            if not isinstance(bounds, dict) or not {"low", "high"} <= set(bounds):
                raise ConfigError(where, f"must be {{low: .., high: ..[, integer: true]}}, got {bounds!r}")
            extra = set(bounds) - {"low", "high", "integer", "name"}
            if extra:
                raise ConfigError(where, f"unknown key(s) {sorted(extra)}; "
                                         "allowed: low, high, integer, name")
            name = bounds.get("name", (names or {}).get(str(path)))
            if name is None:
                raise ConfigError(f"{where}.name", "is missing: no range of the scenario's "
                                  "uncertainty file names this path, so give it one in plain words")
            parsed.append(Parameter(str(path), name, bounds["low"], bounds["high"],
                                    bounds.get("integer", False)))
        if "kpis" in data:
            data["kpis"] = list(data["kpis"])
        return cls(parameters=parsed, **data)

    @property
    def k(self) -> int:
        return len(self.parameters)

    @property
    def points(self) -> int:
        return self.trajectories * (self.k + 1)

    def problem_spec(self) -> ProblemSpec:
        """SALib's ProblemSpec of the screening: parameter paths and their bounds."""
        # lazy: SALib loads pandas and SciPy; checking the settings needs neither (start-up time)
        from SALib import ProblemSpec

        return ProblemSpec({"names": [p.path for p in self.parameters],
                            "bounds": [[float(p.low), float(p.high)] for p in self.parameters]})

    def sample(self) -> np.ndarray:
        """The Morris sample, ``trajectories (k + 1)`` rows x ``k`` parameters, unrounded grid
        values (deterministic for a given ``sample_seed``)."""
        spec = self.problem_spec().sample_morris(self.trajectories, num_levels=self.levels,
                                                 seed=self.sample_seed)
        return spec.samples
