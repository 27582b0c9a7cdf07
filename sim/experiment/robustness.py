"""Robustness: do the reforms' effects hold when the assumptions move, not only the seed?

    from sim.experiment.robustness import RobustnessStudy
    study = RobustnessStudy.load("robustness")        # configs/experiment/robustness.yaml
    samples = study.run("results/robustness/run1")      # samples.csv: point x scenario x seed

The study samples the ranges of ``configs/uncertainty/<ranges>.yaml`` (every assumed or
calibrated value, :mod:`sim.schema.uncertainty`) with SALib: a Latin hypercube of ``points``
points, or a Sobol/Saltelli design (``points`` base samples, ``points (k + 2)`` points) when the
budget allows Sobol indices. At every sample point the baseline and each reform run with the same
seeds (common random numbers within the point, and across points), so the paired difference at a
point is the reform's effect under that point's assumptions. The nominal point (the configs as
they are) runs with more seeds, which gives the simulation-noise band the assumption band is set
against (:mod:`sim.analysis.robustness`).

Ranges are for the full-scale port; each point is composed at full scale, then its volumes and
capacities are scaled to ``section_share`` (:func:`sim.scaling.scaled_overrides`), so a sampled
capacity keeps its utilisation on the smaller section. The runs go through
:func:`sim.experiment.run_runs` (parallel, resumable) into two experiment folders:
``nominal/`` (scenario = reform) and ``points/`` (scenario = ``<point>.<reform>``).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.manifest import run_dir
from sim.experiment.runner import run_runs
from sim.experiment.spec import ExperimentSpec
from sim.outputs import atomic_write
from sim.schema.errors import ConfigError
from sim.schema.fields import check, param, value_at
from sim.schema.uncertainty import Ranges, load_ranges

NOMINAL = "nominal"
SAMPLES_CSV = "samples.csv"
DESIGN_CSV = "design.csv"
PER_1000 = "_offences_missed_per_1000"  # <flow>_offences_missed_per_1000: missed / boxes x 1,000
DEFAULT_KPIS = ["import_port_time_h", "import_cost_total_cny", "import_offences_missed_per_1000"]


@dataclass
class RobustnessSettings:
    """The ``robustness`` section of an experiment YAML: what to sample and how much."""

    ranges: str = param("shanghai", doc="configs/uncertainty/<ranges>.yaml")
    parameters: list[str] = param(default_factory=list, doc="path prefixes to sample; [] = all")
    section_share: float = param(0.35, gt=0, le=1, doc="share of the full port simulated")
    design: str = param("latin", choices=("latin", "sobol"))
    points: int = param(8, ge=2, le=100000, unit="points",
                        doc="latin: sample points; sobol: base samples N (N (k + 2) points)")
    sample_seed: int = param(2017, ge=0, doc="seed of the design (fixed: a rerun resumes)")
    nominal_replications: int = param(5, ge=2, le=1000, doc="seeds at the nominal point")
    kpis: list[str] = param(default_factory=lambda: list(DEFAULT_KPIS))
    missed_threshold_per_1000: float | None = param(
        None, doc="PRIM: a reform fails control when its missed offences per 1,000 boxes exceed "
                  "this; null: the baseline's at the same point")
    prim_threshold: float = param(0.6, gt=0, le=1, doc="PRIM: density a box must reach")

    def check(self, path: str) -> None:
        from sim.kpis import BY_NAME

        for kpi in self.kpis:
            flow = kpi.removesuffix(PER_1000)
            if kpi not in BY_NAME and not (kpi.endswith(PER_1000) and flow in ("import", "export")):
                known = f"{', '.join(BY_NAME)}, import{PER_1000}, export{PER_1000}"
                raise ConfigError(f"robustness.kpis.{kpi}", f"unknown KPI; known: {known}")
        if not self.kpis:
            raise ConfigError("robustness.kpis", "must name at least one KPI")

    @classmethod
    def from_dict(cls, data: dict) -> RobustnessSettings:
        if not isinstance(data, dict):
            raise ConfigError("robustness", f"must be a mapping, got {type(data).__name__}")
        allowed = list(cls.__dataclass_fields__)
        for key in data:
            if key not in allowed:
                raise ConfigError(f"robustness.{key}",
                                  f"unknown key; allowed: {', '.join(allowed)}")
        settings = cls(**{k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items()})
        check(settings, "robustness")
        return settings


def missed_per_1000(kpi: str) -> str | None:
    """The flow of a derived ``<flow>_offences_missed_per_1000`` KPI, else None."""
    return kpi.removesuffix(PER_1000) if kpi.endswith(PER_1000) else None


@dataclass
class RobustnessStudy:
    """Baseline and reforms (``experiment.scenarios``) at every point of a design of ``ranges``."""

    experiment: ExperimentSpec
    settings: RobustnessSettings
    ranges: Ranges = field(init=False)
    X: np.ndarray = field(init=False)  # design: points x parameters, values as run
    nominal_values: list = field(init=False)  # each parameter's value in the configs as they are
    point_names: list[str] = field(init=False)
    point_overrides: dict[str, list[str]] = field(init=False)  # point -> overrides (scaled)

    def __post_init__(self) -> None:
        from sim.loading import ranges_file

        s = self.settings
        self.ranges = load_ranges(ranges_file(s.ranges)).select(s.parameters)
        raw = self._sample()
        self.X = np.array([[p.value(x) for p, x in zip(self.ranges.parameters, row)]
                           for row in raw])
        width = max(3, len(str(len(self.X) - 1)))
        self.point_names = [f"p{i:0{width}d}" for i in range(len(self.X))]
        nominal = self._compose(NOMINAL, [])
        self.nominal_values = [value_at(nominal, p) for p in self.ranges.paths]
        self.point_overrides = {NOMINAL: self._scaled(nominal)}
        for name, row in zip(self.point_names, self.X):
            sampled = sampled_overrides(self.ranges, row, nominal)
            self.point_overrides[name] = [*sampled, *self._scaled(self._compose(name, sampled))]

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, name: str = "robustness", path: str | Path | None = None, *,
             replications: int | None = None, **settings) -> RobustnessStudy:
        """``configs/experiment/<name>.yaml`` (ExperimentSpec fields + a ``robustness``
        section), with ``replications`` and any setting (``points=16``) changed; the options are
        checked before any config is composed."""
        from omegaconf import OmegaConf

        from sim.loading import CONFIG_DIR

        if path is None:
            folder = CONFIG_DIR / "experiment"
            path = folder / f"{name}.yaml"
            if not path.is_file():
                known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
                raise ConfigError("experiment", f"unknown experiment '{name}'; available: {known}")
        try:
            raw = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
        except Exception as err:  # YAML syntax or interpolation: one line, no traceback
            first = (str(err).strip().splitlines() or [type(err).__name__])[0]
            raise ConfigError("experiment", f"{Path(path).name} cannot be read: {first}") from None
        if not isinstance(raw, dict) or "robustness" not in raw:
            raise ConfigError("robustness",
                              f"{path} has no 'robustness' section (ranges and design)")
        section = {**raw.pop("robustness"), **{k: v for k, v in settings.items() if v is not None}}
        if replications is not None:
            raw["replications"] = replications
        return cls(ExperimentSpec.from_dict(raw), RobustnessSettings.from_dict(section))

    @classmethod
    def finished(cls, out_dir: str | Path, name: str = "robustness") -> RobustnessStudy:
        """The study a finished folder ran, to re-analyse it without running anything: the
        ranges it sampled are the columns of its ``design.csv`` (ranges added to the file since
        are left out). ConfigError if that design differs from the folder's (a range changed)."""
        file = Path(out_dir) / DESIGN_CSV
        if not file.is_file():
            raise ConfigError("--out", f"{out_dir} has no {DESIGN_CSV}: not a robustness folder")
        design = pd.read_csv(file)
        paths = [c for c in design.columns if c != "point"]
        study = cls.load(name, parameters=paths)
        ours = study.design_table()
        if (list(ours.columns) != list(design.columns) or ours.shape != design.shape
                or not np.allclose(ours[paths].to_numpy(float), design[paths].to_numpy(float))):
            raise ConfigError("--out", f"{out_dir} was sampled from other ranges or another "
                                       f"design than configs/experiment/{name}.yaml gives now; "
                                       "rerun it")
        return study

    # ------------------------------------------------------------------ design
    def _sample(self) -> np.ndarray:
        s, problem = self.settings, self.ranges.problem()
        if s.design == "sobol":
            from SALib.sample import sobol

            return sobol.sample(problem, s.points, calc_second_order=False, seed=s.sample_seed)
        from SALib.sample import latin

        return latin.sample(problem, s.points, seed=s.sample_seed)

    def _compose(self, point: str, sampled: list[str]):
        from sim.loading import load_config

        try:
            return load_config(self.experiment.base, [*self.experiment.overrides, *sampled])
        except ConfigError as err:
            raise ConfigError(f"robustness.points.{point}",
                              f"{err.field_path}: {err.problem} (narrow its range)") from None

    def _scaled(self, cfg) -> list[str]:
        from sim.scaling import scaled_overrides

        share = self.settings.section_share
        return [] if share == 1 else scaled_overrides(cfg, share)

    def design_table(self) -> pd.DataFrame:
        """One row per point (the nominal first) with the parameter values it runs with."""
        rows = [[NOMINAL, *self.nominal_values],
                *([n, *x] for n, x in zip(self.point_names, self.X))]
        return pd.DataFrame(rows, columns=["point", *self.ranges.paths])

    def specs(self) -> dict[str, ExperimentSpec]:
        """The two experiments: ``nominal`` (more seeds) and ``points`` (every sample point)."""
        e, base = self.experiment, self.experiment.baseline
        nominal = {r: [*self.point_overrides[NOMINAL], *e.scenarios[r]] for r in e.scenarios}
        points = {f"{p}.{r}": [*self.point_overrides[p], *e.scenarios[r]]
                  for p in self.point_names for r in e.scenarios}
        return {
            NOMINAL: replace(e, name=f"{e.name}-nominal", scenarios=nominal,
                             replications=self.settings.nominal_replications),
            "points": replace(e, name=f"{e.name}-points", scenarios=points,
                              baseline=f"{self.point_names[0]}.{base}"),
        }

    @property
    def runs(self) -> int:
        return sum(len(s.scenarios) * s.replications for s in self.specs().values())

    # ------------------------------------------------------------------ running
    def run(self, out_dir: str | Path, workers: int | None = None,
            progress: bool | None = True) -> pd.DataFrame:
        """Run the nominal point and every sample point (resuming); write design.csv and
        samples.csv; return the samples (one row per point x scenario x seed)."""
        if workers is not None and (isinstance(workers, bool) or workers < 0):
            # checked here, before any file is written
            raise ConfigError("workers", f"must be >= 0, got {workers}")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        design = self.design_table()
        atomic_write(out_dir / DESIGN_CSV, lambda p: design.to_csv(p, index=False))
        frames = []
        for part, spec in self.specs().items():
            folder = out_dir / part
            table = run_runs(spec, folder, workers=workers, progress=progress)
            frames.append(self._samples(table, folder, part))
        samples = pd.concat(frames, ignore_index=True).merge(design, on="point", how="left")
        samples = samples[["point", "scenario", "seed", *self.ranges.paths, *self.settings.kpis]]
        atomic_write(out_dir / SAMPLES_CSV, lambda p: samples.to_csv(p, index=False))
        return samples

    def _samples(self, table: pd.DataFrame, folder: Path, part: str) -> pd.DataFrame:
        if "status" in table.columns:
            table = table[table["status"] == "done"]
        names = table["scenario"].astype(str)
        if part == NOMINAL:
            point, scenario = pd.Series(NOMINAL, index=table.index), names
        else:
            point, scenario = names.str.split(".", n=1).str[0], names.str.split(".", n=1).str[1]
        out = pd.DataFrame({"point": point, "scenario": scenario,
                            "seed": table["seed"].astype(int)})
        for kpi in self.settings.kpis:
            flow = missed_per_1000(kpi)
            if flow is None or kpi in table.columns:  # the KPI registry may already give it
                out[kpi] = table[kpi] if kpi in table.columns else math.nan
                continue
            missed = f"{flow}_offences_missed"
            if missed not in table.columns:
                out[kpi] = math.nan
                continue
            boxes = [_boxes(folder, s, seed, flow) for s, seed in zip(names, table["seed"])]
            out[kpi] = 1000 * table[missed].to_numpy(float) / np.array(boxes, float)
        return out


def sampled_overrides(ranges: Ranges, row, nominal) -> list[str]:
    """Overrides that set each parameter of ``ranges`` to its value in ``row`` (rounded for
    counts); a share's ``balance`` absorbs the change from ``nominal`` (the config as it is) so
    that shares keep summing to 1."""
    out, balances = [], {}
    for p, v in zip(ranges.parameters, row):
        out.append(f"{p.path}={_number(p.value(v))}")
        if p.balance:
            start = balances.get(p.balance, value_at(nominal, p.balance))
            balances[p.balance] = start - (p.value(v) - value_at(nominal, p.path))
    return out + [f"{path}={_number(round(v, 12))}" for path, v in balances.items()]


def boxes_measured(summary: dict, flow: str) -> float:
    """Boxes of ``flow`` measured in one run (``n`` of its summary), NaN if none."""
    n = summary["flows"][flow]["all"]["n"]
    return float(n) if n else math.nan


def _boxes(folder: Path, scenario: str, seed: int, flow: str) -> float:
    """Boxes of ``flow`` measured in one run (``n`` in its summary.json)."""
    summary = json.loads((run_dir(folder, scenario, int(seed)) / "summary.json").read_text())
    return boxes_measured(summary, flow)



def _number(v: float) -> str:
    return str(v) if isinstance(v, (int, np.integer)) else f"{float(v):.10g}"


__all__ = ["DEFAULT_KPIS", "NOMINAL", "RobustnessSettings", "RobustnessStudy", "boxes_measured",
           "missed_per_1000", "sampled_overrides"]
