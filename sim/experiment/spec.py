"""What an experiment is: scenarios (config overrides) x replications (seeds), a structured config.

Replication ``r`` runs with seed ``first_seed + r`` in *every* scenario (common random numbers:
each scenario sees the same arrivals, cargo and draws as the baseline, so the paired difference
measures the reform, not the luck of the draw). Named experiments live in
``configs/experiment/<name>.yaml`` and load with :meth:`ExperimentSpec.load`; any other YAML
file with :meth:`ExperimentSpec.from_yaml`.

The YAML is merged into the dataclass by OmegaConf (unknown keys and wrong types are refused
there), then every field is checked against its declared bounds (:func:`sim.schema.fields.check`)
and the cross-field rules of :meth:`ExperimentSpec.check`. Every problem is one
:class:`sim.schema.errors.ConfigError` naming the field, e.g.
``scenarios: must include the baseline 'baseline'; got fewer_teams``.

``--quick`` (:meth:`ExperimentSpec.as_quick`) is the same experiment made small by its ``quick``
section: fewer replications, the port section scaled down, a shorter horizon.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import MissingMandatoryValue, OmegaConfBaseException

from sim.kpis import BY_NAME
from sim.schema.errors import ConfigError
from sim.schema.fields import check, param

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # used as a folder name
_DYNAMIC_KPI = re.compile(r"^(import|export)_(stage|cost)_[a-z0-9_]+$")  # stage / cost columns
MAX_SEED = 2**32 - 1  # numpy's legacy seeding and the uint32 seed column of a run


@dataclass
class QuickSettings:
    """What ``--quick`` changes: fewer replications, a smaller section, a shorter horizon."""

    replications: int = param(3, ge=2, le=100, doc="seeds per scenario in the quick variant")
    scale: float = param(0.2, gt=0, le=1, doc="factor on the section's volumes and capacities "
                                              "(sim.scaling.scaled_overrides)")
    horizon_days: int = param(12, ge=2, le=365, unit="days")
    warmup_days: int = param(3, ge=0, unit="days")
    cooldown_days: int = param(2, ge=0, unit="days")

    def check(self, path: str) -> None:
        if self.warmup_days + self.cooldown_days >= self.horizon_days:
            raise ConfigError(f"{path}.horizon_days", f"must be longer than warmup_days + "
                              f"cooldown_days ({self.warmup_days} + {self.cooldown_days}), "
                              f"got {self.horizon_days}")


@dataclass
class ExperimentSpec:
    """An experiment: every scenario in ``scenarios`` run with the same replication seeds."""

    name: str = param(doc="folder-safe name: letters, digits, '_', '-', '.'")
    base: str = param("shanghai", doc="base scenario: configs/scenario/<base>.yaml")
    scenarios: dict[str, list[str]] = param(default_factory=dict,
                                            doc="scenario name -> its Hydra-style overrides")
    baseline: str = param("baseline", doc="the scenario every other one is compared with")
    replications: int = param(10, ge=1, le=10_000, doc="seeds first_seed .. first_seed + n - 1")
    first_seed: int = param(1, ge=0, le=MAX_SEED)
    workers: int | None = param(None, doc="parallel runs; None: every CPU; 0: in this process")
    overrides: list[str] = param(default_factory=list,
                                 doc="applied to every scenario, before its own")
    keep_logs: bool = param(False, doc="keep each run's consignment log (log.parquet); large")
    # Sequential replication: add replications until the 95 % CI half-width of the mean of each
    # KPI listed here (in the KPI's unit) is reached in every scenario, or max_replications.
    target_half_width: dict[str, float] | None = param(None)
    max_replications: int | None = param(None)
    # A robustness experiment's folder (relative to the project root, or absolute) whose
    # robustness.csv gives the brief its bands against the assumptions, when this experiment
    # has none of its own; None: the brief says they are not measured.
    assumption_bands: str | None = param(None)
    # A scenario-discovery experiment's folder (a robustness experiment sampling fewer assumptions
    # at more points) whose PRIM boxes the brief shows under "Where reforms fail"; None: the
    # boxes of assumption_bands' folder.
    scenario_discovery: str | None = param(None)
    quick: QuickSettings = param(default_factory=QuickSettings)
    is_quick: bool = param(False, doc="set by as_quick(): this is the quick variant")

    def __post_init__(self) -> None:
        self.validate()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, data, source: str = "experiment") -> ExperimentSpec:
        """From a plain mapping (e.g. a parsed YAML file), merged into the structured config."""
        if not isinstance(data, dict):
            raise ConfigError(source, f"must be a mapping of experiment fields, got "
                                      f"{type(data).__name__}")
        try:
            merged = OmegaConf.merge(OmegaConf.structured(cls), data)
            return OmegaConf.to_object(merged)  # builds the dataclass: __post_init__ checks it
        except MissingMandatoryValue as err:
            raise ConfigError(err.full_key or "name", "has no value; set it") from None
        except OmegaConfBaseException as err:
            if isinstance(err.__context__, ConfigError):  # raised by check() inside to_object
                raise err.__context__ from None
            raise _as_config_error(err, cls) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> ExperimentSpec:
        """From a YAML file; syntax errors, tabs and duplicate keys name the file and line."""
        path = Path(path)
        if not path.is_file():
            raise ConfigError("experiment", f"no such file: {path}")
        try:
            raw = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            problem = getattr(err, "problem", None) or str(err).splitlines()[0]
            context = getattr(err, "context_mark", None)
            if context is not None and mark is not None and context.line != mark.line:
                problem += f" ({getattr(err, 'context', 'started')} at line {context.line + 1})"
            raise ConfigError("experiment", f"{where}: YAML syntax error: {problem}") from None
        except (OmegaConfBaseException, UnicodeDecodeError) as err:
            raise ConfigError("experiment", f"{path}: {str(err).splitlines()[0]}") from None
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def load(cls, name: str) -> ExperimentSpec:
        """The named experiment ``configs/experiment/<name>.yaml``, or a path to a YAML file."""
        if name.endswith((".yaml", ".yml")) or "/" in name:
            return cls.from_yaml(name)
        path = experiment_folder() / f"{name}.yaml"
        if not path.is_file():
            raise ConfigError("experiment", unknown_name("experiment", name, known_experiments()))
        return cls.from_yaml(path)

    def to_dict(self) -> dict:
        return asdict(self)

    def as_quick(self) -> ExperimentSpec:
        """The quick variant: ``quick.replications`` seeds, the section scaled by ``quick.scale``
        (volumes and capacities, also those a scenario sets, so a scenario keeps its capacity
        relative to the section), ``quick.horizon_days`` (its warm-up and cool-down); the same
        scenarios and seeds."""
        if self.is_quick:
            return self
        from sim.loading import load_config
        from sim.scaling import scale_override, scaled_overrides

        q = self.quick
        section = scaled_overrides(load_config(self.base, self.overrides), q.scale)
        horizon = [f"run.horizon_days={q.horizon_days}", f"run.warmup_days={q.warmup_days}",
                   f"run.cooldown_days={q.cooldown_days}"]
        scenarios = {name: [scale_override(o, q.scale) for o in overrides]
                     for name, overrides in self.scenarios.items()}
        return replace(self, replications=q.replications, scenarios=scenarios,
                       overrides=[*self.overrides, *section, *horizon], is_quick=True)

    # ------------------------------------------------------------------ derived values
    def seed(self, replication: int) -> int:
        return self.first_seed + replication

    @property
    def sequential(self) -> bool:
        return bool(self.target_half_width)

    @property
    def replication_limit(self) -> int:
        """Most replications this spec can ask for (max_replications when sequential)."""
        return self.max_replications if self.sequential else self.replications

    @property
    def seeds(self) -> list[int]:
        """The seeds every scenario must have for the experiment to be complete."""
        return [self.seed(r) for r in range(self.replications)]

    def scenario_overrides(self, scenario: str) -> list[str]:
        """The Hydra overrides of ``scenario``: the shared ones, then its own."""
        return [*self.overrides, *self.scenarios[scenario]]

    # ------------------------------------------------------------------ validation
    def validate(self) -> None:
        """Raise ConfigError naming the first field that cannot run."""
        check(self)

    def check(self, path: str = "") -> None:
        """The rules across fields (called by :func:`sim.schema.fields.check`)."""
        if not _NAME.match(self.name):
            raise ConfigError("name", f"must be a non-empty name of letters, digits, '_', '-', "
                                      f"'.', got {self.name!r}")
        from sim.loading import scenarios as known_scenarios

        if self.base not in known_scenarios():
            raise ConfigError("base", unknown_name("base scenario", self.base, known_scenarios()))
        if not self.scenarios:
            raise ConfigError("scenarios", "must map at least one scenario name to its list of "
                                           "overrides, e.g. {baseline: []}")
        for name, overrides in self.scenarios.items():
            if not _NAME.match(str(name)):
                raise ConfigError("scenarios", f"scenario name {name!r} must be letters, digits, "
                                               f"'_', '-', '.'")
            _check_overrides(f"scenarios.{name}", overrides)
        _check_overrides("overrides", self.overrides)
        if self.baseline not in self.scenarios:
            raise ConfigError("scenarios", f"must include the baseline {self.baseline!r}; got "
                                           f"{', '.join(map(str, self.scenarios))}")
        if self.workers is not None and self.workers < 0:
            raise ConfigError("workers", f"must be >= 0 (0: in this process), got {self.workers}")
        self._check_sequential()
        if self.seed(self.replication_limit - 1) > MAX_SEED:
            raise ConfigError("first_seed", f"first_seed + replications must stay <= {MAX_SEED}")

    def _check_sequential(self) -> None:
        if self.target_half_width is None:
            if self.max_replications is not None:
                raise ConfigError("max_replications",
                                  "is only used with target_half_width; set both or neither")
            return
        if not self.target_half_width:
            raise ConfigError("target_half_width",
                              "must map KPI names to a positive half-width, or be null")
        for kpi, width in self.target_half_width.items():
            if kpi not in BY_NAME and not _DYNAMIC_KPI.match(str(kpi)):
                raise ConfigError(f"target_half_width.{kpi}",
                                  unknown_name("KPI", kpi, list(BY_NAME)).rstrip(".")
                                  + " (or <flow>_stage_<stage>_h, <flow>_cost_<component>_cny)")
            if not width > 0 or width == float("inf"):
                raise ConfigError(f"target_half_width.{kpi}", f"must be a number > 0, got {width}")
        if self.max_replications is None:
            raise ConfigError("max_replications", "must be set when target_half_width is (the "
                                                  "most replications to add before giving up)")
        if self.max_replications < self.replications:
            raise ConfigError("max_replications", f"must be >= replications "
                                                  f"({self.replications}), got "
                                                  f"{self.max_replications}")
        if self.replications < 2:
            raise ConfigError("replications",
                              "must be >= 2 with target_half_width (a CI needs two runs)")


def experiment_folder() -> Path:
    from sim.loading import CONFIG_DIR

    return CONFIG_DIR / "experiment"


def known_experiments() -> list[str]:
    return sorted(p.stem for p in experiment_folder().glob("*.yaml"))


def unknown_name(what: str, name: str, known: list[str]) -> str:
    """``unknown experiment 'gate_lane'; did you mean 'gate_lanes'? available: ...``"""
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {what} '{name}'{hint} available: {', '.join(known)}"


def _check_overrides(path: str, overrides: list[str]) -> None:
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise ConfigError(path, f"must be a list of override strings like "
                                f"'policy=e_documents', got {overrides!r}")
    for o in overrides:
        key = o.lstrip("+~").partition("=")[0].strip()
        if "=" not in o or not key:
            raise ConfigError(path, f"override {o!r} must look like 'key=value', e.g. "
                                    f"'policy=e_documents'")
        if key == "scenario":
            raise ConfigError(path, "cannot override 'scenario'; the experiment's `base` sets it")
        if key == "seed":
            raise ConfigError(path, "cannot override 'seed'; replications set it (first_seed + r)")


def _as_config_error(err: OmegaConfBaseException, cls) -> ConfigError:
    """One line naming the field an OmegaConf merge error is about."""
    key = str(getattr(err, "full_key", "") or "")
    first = str(err).strip().splitlines()[0]
    if "not in" in first and key:  # ConfigKeyError: an unknown key
        parent = key.rpartition(".")[0]
        node = QuickSettings if parent == "quick" else cls
        allowed = ", ".join(node.__dataclass_fields__)
        return ConfigError(key, f"unknown key; allowed here: {allowed}")
    return ConfigError(key or "experiment", first)
