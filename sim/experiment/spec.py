"""What an experiment is: scenarios (config overrides) x replications (seeds), typed and checked.

Replication ``r`` runs with seed ``first_seed + r`` in *every* scenario (common random numbers:
each scenario sees the same arrivals, cargo and draws as the baseline, so the paired difference
measures the reform, not the luck of the draw). Named experiments live in
``configs/experiment/<name>.yaml`` and load with :meth:`ExperimentSpec.load`.

A wrong spec raises :class:`sim.config.ConfigError` naming the field, e.g.
``scenarios: must include the baseline 'baseline'``.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sim.config import ConfigError
from sim.kpis import BY_NAME

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # used as a folder name
_DYNAMIC_KPI = re.compile(r"^(import|export)_(stage|cost)_[a-z0-9_]+$")  # stage / cost columns


@dataclass
class ExperimentSpec:
    """An experiment: every scenario in ``scenarios`` run with the same replication seeds."""

    name: str
    base: str = "shanghai"  # base scenario: configs/scenario/<base>.yaml
    scenarios: dict[str, list[str]] = field(default_factory=lambda: {"baseline": []})
    baseline: str = "baseline"  # the scenario every other one is compared with
    replications: int = 10  # seeds first_seed .. first_seed + replications - 1
    first_seed: int = 1
    workers: int | None = None  # parallel runs; None: every CPU this process may use; 0: in-process
    overrides: list[str] = field(default_factory=list)  # applied to every scenario, before its own
    keep_logs: bool = False  # keep each run's consignment log (log.parquet); large
    # Sequential replication: add replications until the 95 % CI half-width of the mean of each
    # KPI listed here (in the KPI's unit) is reached in every scenario, or max_replications.
    target_half_width: dict[str, float] | None = None
    max_replications: int | None = None

    def __post_init__(self) -> None:
        self.validate()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, data: dict) -> ExperimentSpec:
        """From a plain mapping (e.g. a YAML file); unknown keys are an error naming the key."""
        if not isinstance(data, dict):
            raise ConfigError("experiment", f"must be a mapping, got {type(data).__name__}")
        allowed = [f for f in cls.__dataclass_fields__]
        for key in data:
            if key not in allowed:
                raise ConfigError(str(key), f"unknown key; allowed here: {', '.join(allowed)}")
        if "name" not in data:
            raise ConfigError("name", "has no value; every experiment needs a name")
        data = dict(data)
        if isinstance(data.get("scenarios"), dict):
            data["scenarios"] = {
                k: (list(v) if isinstance(v, (list, tuple)) else v)
                for k, v in data["scenarios"].items()
            }
        if isinstance(data.get("overrides"), tuple):
            data["overrides"] = list(data["overrides"])
        return cls(**data)

    @classmethod
    def from_yaml(cls, path: str | Path) -> ExperimentSpec:
        from omegaconf import OmegaConf

        raw = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
        return cls.from_dict(raw)

    @classmethod
    def load(cls, name: str) -> ExperimentSpec:
        """The named experiment ``configs/experiment/<name>.yaml``."""
        from sim.loading import CONFIG_DIR

        folder = CONFIG_DIR / "experiment"
        path = folder / f"{name}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
            raise ConfigError("experiment", f"unknown experiment '{name}'; available: {known}")
        return cls.from_yaml(path)

    def to_dict(self) -> dict:
        return asdict(self)

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

    def scenario_overrides(self, scenario: str) -> list[str]:
        """The Hydra overrides of ``scenario``: the shared ones, then its own."""
        return [*self.overrides, *self.scenarios[scenario]]

    # ------------------------------------------------------------------ validation
    def validate(self) -> None:
        """Raise ConfigError naming the first field that cannot run."""
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ConfigError(
                "name",
                f"must be a non-empty name of letters, digits, '_', '-', '.', got {self.name!r}",
            )
        from sim.loading import scenarios as known_scenarios

        if not isinstance(self.base, str) or self.base not in known_scenarios():
            raise ConfigError(
                "base",
                f"unknown base scenario {self.base!r}; available: {', '.join(known_scenarios())}",
            )
        if not isinstance(self.scenarios, dict) or not self.scenarios:
            raise ConfigError(
                "scenarios", "must map at least one scenario name to its list of overrides"
            )
        for name, overrides in self.scenarios.items():
            if not isinstance(name, str) or not _NAME.match(name):
                raise ConfigError(
                    "scenarios", f"scenario name {name!r} must be letters, digits, '_', '-', '.'"
                )
            self._check_overrides(f"scenarios.{name}", overrides)
        self._check_overrides("overrides", self.overrides)
        if not isinstance(self.baseline, str) or self.baseline not in self.scenarios:
            raise ConfigError(
                "scenarios",
                f"must include the baseline {self.baseline!r}; "
                f"got {', '.join(map(str, self.scenarios))}",
            )
        _int_at_least("replications", self.replications, 1)
        _int_at_least("first_seed", self.first_seed, 0)
        if self.workers is not None:
            _int_at_least("workers", self.workers, 0)
        if not isinstance(self.keep_logs, bool):
            raise ConfigError("keep_logs", f"must be true or false, got {self.keep_logs!r}")
        if self.target_half_width is None:
            if self.max_replications is not None:
                raise ConfigError(
                    "max_replications", "is only used with target_half_width; set both or neither"
                )
            return
        if not isinstance(self.target_half_width, dict) or not self.target_half_width:
            raise ConfigError(
                "target_half_width", "must map KPI names to a positive half-width, or be null"
            )
        for kpi, width in self.target_half_width.items():
            if kpi not in BY_NAME and not _DYNAMIC_KPI.match(str(kpi)):
                raise ConfigError(
                    f"target_half_width.{kpi}",
                    f"unknown KPI; known: {', '.join(BY_NAME)} (or <flow>_stage_<stage>_h, "
                    f"<flow>_cost_<component>_cny)",
                )
            if (
                isinstance(width, bool)
                or not isinstance(width, (int, float))
                or not math.isfinite(width)
                or width <= 0
            ):
                raise ConfigError(
                    f"target_half_width.{kpi}", f"must be a number > 0, got {width!r}"
                )
        if self.max_replications is None:
            raise ConfigError(
                "max_replications",
                "must be set when target_half_width is (the most "
                "replications to add before giving up)",
            )
        _int_at_least("max_replications", self.max_replications, self.replications)
        if self.replications < 2:
            raise ConfigError(
                "replications", "must be >= 2 with target_half_width (a CI needs two runs)"
            )

    @staticmethod
    def _check_overrides(path: str, overrides) -> None:
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            raise ConfigError(
                path,
                f"must be a list of override strings like 'policy=e_documents', got {overrides!r}",
            )
        for o in overrides:
            key = o.lstrip("+~").partition("=")[0].strip()
            if key == "scenario":
                raise ConfigError(
                    path, "cannot override 'scenario'; the experiment's `base` sets it"
                )
            if key == "seed":
                raise ConfigError(
                    path, "cannot override 'seed'; replications set it (first_seed + r)"
                )


def _int_at_least(path: str, value, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(path, f"must be an integer, got {value!r}")
    if value < low:
        raise ConfigError(path, f"must be >= {low}, got {value}")
