"""Morris screening: which inputs move the KPIs most, from one experiment of sampled points.

    from sim.studies.sensitivity import SensitivityStudy
    study = SensitivityStudy.load("sensitivity")     # configs/experiment/sensitivity.yaml
    result = study.run("results/sensitivity/run1", workers=2)
    result.frames["import_port_time_h"]               # parameter, name, mu_star, mu_star_conf, ...
    study.analyse("results/sensitivity/reference")    # re-analyse a finished folder: nothing run

The design (settings, SALib ``ProblemSpec``, sample) is :mod:`sim.experiment.morris_design`.
Every sample point becomes one scenario of config overrides (``p000``, ``p001``, ... plus the
unchanged ``baseline``), run with the experiment's common seeds through
:func:`sim.experiment.run_runs`: in parallel, recorded in the manifest and resumable. The
KPI of a point is its mean over seeds; those means are the ProblemSpec's results
(``set_results``) and ``analyze_morris`` gives, per parameter, ``mu*`` (mean absolute elementary
effect), which ranks its influence, and ``sigma`` (their standard deviation), which flags
interactions or non-linearity. Elementary effects are per unit of the *normalised* range, so
``mu*`` is roughly the change in the KPI when the parameter moves across its whole range.

``morris.csv`` holds mu, mu*, its bootstrap 95 % CI and sigma per KPI and parameter (its config
path and its name in plain words);
``design.csv`` the parameter values each scenario ran with; ``report.md``/``.html`` the
findings, ranking tables and one tornado figure per KPI
(:mod:`sim.studies.sensitivity_report`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.runs import finished_runs, load_runs
from sim.experiment.morris_design import MorrisSettings
from sim.experiment.runner import run_runs
from sim.experiment.spec import ExperimentSpec
from sim.outputs import atomic_write
from sim.schema.errors import ConfigError
from sim.studies.sensitivity_report import kpi_axis_label, write_morris_report

log = logging.getLogger(__name__)

BASELINE = "baseline"
POINT_PREFIX = "p"
MORRIS_CSV = "morris.csv"
DESIGN_CSV = "design.csv"


@dataclass
class SensitivityResult:
    out_dir: Path
    frames: dict[str, pd.DataFrame]  # KPI -> parameter, mu, mu_star, mu_star_conf, sigma, ...
    morris_csv: Path
    report_md: Path | None = None
    report_html: Path | None = None


class SensitivityStudy:
    """A Morris screening as an experiment: ``spec`` (scenarios = sample points + baseline)."""

    def __init__(self, experiment: ExperimentSpec, settings: MorrisSettings) -> None:
        from sim.loading import load_config

        self.experiment = experiment
        self.settings = settings
        self.X = settings.sample()
        base_config = load_config(experiment.base, list(experiment.overrides))
        self.base_config = base_config
        width = max(3, len(str(len(self.X) - 1)))
        self.point_names = [f"{POINT_PREFIX}{i:0{width}d}" for i in range(len(self.X))]
        scenarios: dict[str, list[str]] = {BASELINE: []}
        rows = []
        k1 = settings.k + 1
        for i, (name, x) in enumerate(zip(self.point_names, self.X)):
            overrides = []
            row = {"scenario": name, "trajectory": i // k1, "step": i % k1}
            for p, v in zip(settings.parameters, x):
                overrides += p.overrides(v, base_config)
                row[p.path] = p.value(v)
            scenarios[name] = overrides
            rows.append(row)
        self.design = pd.DataFrame(rows)
        rounded = [p.path for j, p in enumerate(settings.parameters)
                   if p.integer and not np.allclose(self.X[:, j], np.round(self.X[:, j]))]
        if rounded:
            log.warning("Morris grid values of %s are not integers and were rounded; elementary "
                        "effects of these use the nominal step (make high - low divisible by %d)",
                        ", ".join(rounded), settings.levels - 1)
        self.spec = replace(experiment, scenarios=scenarios, baseline=BASELINE)
        self.spec.validate()

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, name: str = "sensitivity", path: str | Path | None = None) -> SensitivityStudy:
        """The named study ``configs/experiment/<name>.yaml`` (ExperimentSpec fields +
        ``morris``)."""
        experiment, settings = read_study(name, path)
        return cls(experiment, settings)

    def with_options(self, *, trajectories: int | None = None, parameters: int | None = None,
                     replications: int | None = None, overrides: list[str] | None = None,
                     workers: int | None = None) -> SensitivityStudy:
        """A smaller or larger copy: ``parameters`` keeps the first that many parameters."""
        settings = replace(
            self.settings,
            trajectories=trajectories or self.settings.trajectories,
            parameters=(self.settings.parameters[:parameters] if parameters
                        else self.settings.parameters),
        )
        experiment = replace(
            self.experiment,
            replications=replications or self.experiment.replications,
            overrides=list(self.experiment.overrides if overrides is None else overrides),
            workers=self.experiment.workers if workers is None else workers,
        )
        return SensitivityStudy(experiment, settings)

    # ------------------------------------------------------------------ running
    def run(self, out_dir: str | Path, workers: int | None = None, progress: bool | None = True,
            report: bool = True) -> SensitivityResult:
        """Run every point (resuming), write ``design.csv`` and ``morris.csv``, then (``report``)
        report.md/.html with one tornado per KPI (:func:`write_morris_report`)."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(out_dir / DESIGN_CSV, lambda p: self.design.to_csv(p, index=False))
        table = run_runs(self.spec, out_dir, workers=workers, progress=progress)
        return self.analyse(out_dir, table, report)

    def analyse(self, out_dir: str | Path, table: pd.DataFrame | None = None,
                report: bool = True) -> SensitivityResult:
        """``morris.csv`` and (``report``) the report from the runs ``table``; without one, from
        the folder's runs table (summary.parquet): a finished screening re-analysed, nothing run."""
        out_dir = Path(out_dir)
        if table is None:
            table = load_runs(out_dir)[0]
        frames = self.analyse_table(table)
        morris_csv = write_morris(frames, out_dir)
        result = SensitivityResult(out_dir, frames, morris_csv)
        if report:
            result.report_md, result.report_html = write_morris_report(
                out_dir, self.spec, self.settings, frames, table)
        return result

    def outputs(self, table: pd.DataFrame, kpi: str) -> np.ndarray:
        """Y of the Morris sample: the KPI's mean over finished seeds of each point (NaN where
        no run finished)."""
        runs = finished_runs(table)
        if kpi not in runs.columns:
            return np.full(len(self.X), np.nan)
        means = pd.to_numeric(runs[kpi], errors="coerce").groupby(runs["scenario"]).mean()
        return np.array([means.get(name, np.nan) for name in self.point_names], dtype=float)

    def analyse_table(self, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Morris indices per KPI from the runs table (trajectories with a missing point are
        left out, with a warning)."""
        runs = finished_runs(table)
        base = runs[runs["scenario"] == BASELINE]
        return {kpi: self.analyse_kpi(kpi, self.outputs(table, kpi),
                                      _mean(base, kpi)) for kpi in self.settings.kpis}

    def analyse_kpi(self, kpi: str, y: np.ndarray,
                    baseline_value: float = math.nan) -> pd.DataFrame:
        s = self.settings
        k1 = s.k + 1
        complete = np.isfinite(y.reshape(-1, k1)).all(axis=1)
        if not complete.any():
            raise ValueError(f"Morris analysis of {kpi}: no trajectory has every point finished "
                             f"(rerun the experiment to redo missing or failed runs)")
        if not complete.all():
            log.warning("Morris analysis of %s: %d of %d trajectories have missing points and are "
                        "left out", kpi, int((~complete).sum()), len(complete))
        keep = np.repeat(complete, k1)
        problem = s.problem_spec().set_samples(self.X[keep]).set_results(y[keep])
        res = problem.analyze_morris(num_resamples=s.num_resamples, conf_level=0.95,
                                     num_levels=s.levels, seed=s.sample_seed).analysis
        frame = pd.DataFrame({
            "kpi": kpi,
            "label": kpi_axis_label(kpi),
            "parameter": [p.path for p in s.parameters],
            "name": [p.name for p in s.parameters],
            "low": [p.low for p in s.parameters],
            "high": [p.high for p in s.parameters],
            "integer": [p.integer for p in s.parameters],
            "mu": np.asarray(res["mu"], dtype=float),
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        })
        frame["kpi_baseline"] = baseline_value
        frame["mu_star_pct_of_baseline"] = (100 * frame["mu_star"] / baseline_value
                                            if baseline_value else math.nan)
        frame["trajectories"] = int(complete.sum())
        frame["rank"] = frame["mu_star"].rank(ascending=False, method="min").astype(int)
        return frame.sort_values("rank", kind="stable").reset_index(drop=True)


def _mean(runs: pd.DataFrame, kpi: str) -> float:
    if kpi not in runs.columns or runs.empty:
        return math.nan
    return float(pd.to_numeric(runs[kpi], errors="coerce").mean())


def write_morris(frames: dict[str, pd.DataFrame], out_dir: str | Path) -> Path:
    """``morris.csv``: every KPI's frame, one after the other."""
    path = Path(out_dir) / MORRIS_CSV
    table = pd.concat(list(frames.values()), ignore_index=True)
    atomic_write(path, lambda p: table.to_csv(p, index=False))
    return path


def read_study(name: str = "sensitivity", path: str | Path | None = None
               ) -> tuple[ExperimentSpec, MorrisSettings]:
    """The ExperimentSpec (scenarios other than the baseline are ignored) and the ``morris``
    section of ``configs/experiment/<name>.yaml`` (or ``path``). A parameter without a ``name``
    takes the name of its range in ``configs/uncertainty/<base>.yaml``."""
    from omegaconf import OmegaConf

    from sim.loading import CONFIG_DIR, ranges_file
    from sim.schema.uncertainty import load_ranges

    if path is None:
        folder = CONFIG_DIR / "experiment"
        path = folder / f"{name}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
            raise ConfigError("experiment", f"unknown experiment '{name}'; available: {known}")
    raw = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    if not isinstance(raw, dict) or "morris" not in raw:
        raise ConfigError("morris", f"{path} has no 'morris' section (parameters and design)")
    morris = raw.pop("morris")
    raw.setdefault("scenarios", {BASELINE: []})
    raw.setdefault("baseline", BASELINE)
    experiment = ExperimentSpec.from_dict(raw)
    file = ranges_file(experiment.base)
    names = load_ranges(file).names if file.is_file() else {}
    return experiment, MorrisSettings.from_dict(morris, names)


__all__ = ["SensitivityResult", "SensitivityStudy", "read_study", "write_morris"]
