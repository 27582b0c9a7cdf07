"""Morris screening: which inputs move the KPIs most, from one experiment of sampled points.

    from sim.experiment.sensitivity import SensitivityStudy
    study = SensitivityStudy.load("sensitivity")     # configs/experiment/sensitivity.yaml
    result = study.run("results/sensitivity/run1", workers=2)
    result.frames["import_port_time_h"]               # parameter, mu_star, mu_star_conf, sigma, ...

The Morris method (elementary effects, SALib) walks ``r`` trajectories through a grid of
``levels`` values per parameter: each trajectory starts at a random grid point and changes one
parameter at a time by ``delta = levels / (2 (levels - 1))`` of its range, so ``k`` parameters
cost ``r (k + 1)`` points. Per parameter, ``mu*`` (mean absolute elementary effect) ranks its
influence and ``sigma`` (their standard deviation) flags interactions or non-linearity.
Elementary effects are per unit of the *normalised* range, so ``mu*`` is roughly the change in
the KPI when the parameter moves across its whole range.

Every sample point becomes one scenario of config overrides (``p000``, ``p001``, ... plus the
unchanged ``baseline``), run with the experiment's common seeds through
:func:`sim.experiment.run_experiment`: in parallel, recorded in the manifest and resumable. The
KPI of a point is its mean over seeds. ``morris.csv`` holds mu, mu*, its bootstrap 95 % CI and
sigma per KPI and parameter; ``design.csv`` the parameter values each scenario ran with;
``report.md``/``.html`` the findings, ranking tables and one tornado figure per KPI (the
standard comparison report, one scenario per sample point, would say nothing useful here).

Parameters are config paths with bounds. Integer parameters (server counts) are rounded; give
them a range divisible by ``levels - 1`` so that every grid value is an integer and no rounding
happens. A channel share ``<imports|exports>.channels.<red|yellow>`` keeps the shares summing to
1 by moving the difference to (or from) green.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import ConfigError
from sim.experiment.runner import run_experiment
from sim.experiment.spec import ExperimentSpec
from sim.outputs import atomic_write
from sim.stats import finished_runs, kpi_label, kpi_unit

log = logging.getLogger(__name__)

BASELINE = "baseline"
POINT_PREFIX = "p"
MORRIS_CSV = "morris.csv"
DESIGN_CSV = "design.csv"
DEFAULT_KPIS = ("import_port_time_h", "import_cost_total_cny", "import_offences_missed")
# KPI labels with units for the tornado figures (``sim.plots.tornado`` reads the unit in brackets)
KPI_LABELS = {
    "import_port_time_h": "mean import port time (h)",
    "import_clearance_time_h": "mean import clearance time (h)",
    "import_cost_total_cny": "import cost per container (CNY)",
    "import_offences_missed": "import offences missed (offences)",
    "export_port_time_h": "mean export port time (h)",
}
_SHARE = re.compile(r"^(imports|exports)\.channels\.(red|yellow)$")


def kpi_axis_label(kpi: str) -> str:
    """``import_port_time_h`` -> ``mean import port time (h)``: the KPI's label with its unit."""
    if kpi in KPI_LABELS:
        return KPI_LABELS[kpi]
    unit = kpi_unit(kpi)
    return f"{kpi_label(kpi)} ({unit})" if unit else kpi_label(kpi)


@dataclass(frozen=True)
class Parameter:
    """One input of the screening: a config path, its range and whether it is a count."""

    path: str
    low: float
    high: float
    integer: bool = False

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


def _number(v: float) -> str:
    return f"{v:.10g}"


@dataclass
class MorrisSettings:
    """The Morris design: parameters, trajectories ``r``, grid ``levels``, KPIs to analyse."""

    parameters: list[Parameter]
    trajectories: int = 4
    levels: int = 4
    sample_seed: int = 1
    kpis: list[str] = field(default_factory=lambda: list(DEFAULT_KPIS))
    num_resamples: int = 1000  # bootstrap resamples for the CI of mu*

    def __post_init__(self) -> None:
        self.validate()

    @classmethod
    def from_dict(cls, data: dict) -> MorrisSettings:
        """From the ``morris`` section of an experiment YAML (parameters: {path: {low, high,
        integer}}); unknown keys are an error naming the key."""
        if not isinstance(data, dict):
            raise ConfigError("morris", f"must be a mapping, got {type(data).__name__}")
        allowed = list(cls.__dataclass_fields__)
        for key in data:
            if key not in allowed:
                raise ConfigError(f"morris.{key}", f"unknown key; allowed: {', '.join(allowed)}")
        data = dict(data)
        params = data.pop("parameters", None)
        if not isinstance(params, dict) or not params:
            raise ConfigError("morris.parameters", "must map config paths to {low, high[, integer]}")
        parsed = []
        for path, bounds in params.items():
            where = f"morris.parameters.{path}"
            if not isinstance(bounds, dict) or not {"low", "high"} <= set(bounds):
                raise ConfigError(where, f"must be {{low: .., high: ..[, integer: true]}}, got {bounds!r}")
            extra = set(bounds) - {"low", "high", "integer"}
            if extra:
                raise ConfigError(where, f"unknown key(s) {sorted(extra)}; allowed: low, high, integer")
            parsed.append(Parameter(str(path), bounds["low"], bounds["high"],
                                    bool(bounds.get("integer", False))))
        if "kpis" in data:
            data["kpis"] = list(data["kpis"])
        return cls(parameters=parsed, **data)

    def validate(self) -> None:
        from sim.kpis import BY_NAME

        if len(self.parameters) < 2:
            raise ConfigError("morris.parameters", "needs at least two parameters")
        paths = [p.path for p in self.parameters]
        if len(set(paths)) != len(paths):
            raise ConfigError("morris.parameters", f"a path is listed twice: {paths}")
        for p in self.parameters:
            where = f"morris.parameters.{p.path}"
            for name in ("low", "high"):
                v = getattr(p, name)
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    raise ConfigError(f"{where}.{name}", f"must be a finite number, got {v!r}")
            if not p.low < p.high:
                raise ConfigError(where, f"low must be < high, got {p.low} and {p.high}")
        for name in ("trajectories", "levels", "num_resamples"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 2:
                raise ConfigError(f"morris.{name}", f"must be an integer >= 2, got {v!r}")
        if self.levels % 2:
            raise ConfigError("morris.levels", f"must be even (SALib's Morris grid), got {self.levels}")
        if isinstance(self.sample_seed, bool) or not isinstance(self.sample_seed, int):
            raise ConfigError("morris.sample_seed", f"must be an integer, got {self.sample_seed!r}")
        if not self.kpis:
            raise ConfigError("morris.kpis", "must name at least one KPI")
        for k in self.kpis:
            if k not in BY_NAME and not re.fullmatch(r"(import|export)_(stage|cost)_[a-z0-9_]+", k):
                raise ConfigError(f"morris.kpis.{k}", f"unknown KPI; known: {', '.join(BY_NAME)}")

    @property
    def k(self) -> int:
        return len(self.parameters)

    @property
    def points(self) -> int:
        return self.trajectories * (self.k + 1)

    def problem(self) -> dict:
        """SALib's problem: names and bounds."""
        return {"num_vars": self.k, "names": [p.path for p in self.parameters],
                "bounds": [[float(p.low), float(p.high)] for p in self.parameters]}

    def sample(self) -> np.ndarray:
        """The Morris sample, ``trajectories (k + 1)`` rows x ``k`` parameters, unrounded grid
        values (deterministic for a given ``sample_seed``)."""
        from SALib.sample import morris as morris_sample

        return morris_sample.sample(self.problem(), N=self.trajectories, num_levels=self.levels,
                                    seed=self.sample_seed)


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
        """The named study ``configs/experiment/<name>.yaml`` (ExperimentSpec fields + ``morris``)."""
        experiment, settings = read_study(name, path)
        return cls(experiment, settings)

    def with_options(self, *, trajectories: int | None = None, parameters: int | None = None,
                     replications: int | None = None, overrides: list[str] | None = None,
                     workers: int | None = None) -> SensitivityStudy:
        """A smaller or larger copy: ``parameters`` keeps the first that many parameters."""
        settings = replace(
            self.settings,
            trajectories=trajectories or self.settings.trajectories,
            parameters=self.settings.parameters[:parameters] if parameters else self.settings.parameters,
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
        table = run_experiment(self.spec, out_dir, workers=workers, progress=progress)
        frames = self.analyse_table(table)
        morris_csv = write_morris(frames, out_dir)
        result = SensitivityResult(out_dir, frames, morris_csv)
        if report:
            result.report_md, result.report_html = write_morris_report(out_dir, self, frames, table)
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

    def analyse_kpi(self, kpi: str, y: np.ndarray, baseline_value: float = math.nan) -> pd.DataFrame:
        from SALib.analyze import morris as morris_analyze

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
        res = morris_analyze.analyze(s.problem(), self.X[keep], y[keep],
                                     num_resamples=s.num_resamples, conf_level=0.95,
                                     num_levels=s.levels, seed=s.sample_seed)
        frame = pd.DataFrame({
            "kpi": kpi,
            "label": kpi_axis_label(kpi),
            "parameter": [p.path for p in s.parameters],
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


# ------------------------------------------------------------------ report


def _num(x: float, unit: str = "") -> str:
    from sim.plots.style import fmt

    if x is None or not math.isfinite(x):
        return "n/a"
    decimals = 0 if unit == "CNY" or abs(x) >= 100 else (1 if abs(x) >= 1 else 2)
    text = fmt(x, decimals)
    return f"{text} {unit}" if unit and unit not in ("count", "offences") else text


def _unit(kpi: str) -> str:
    label = kpi_axis_label(kpi)
    m = re.search(r"\(([^()]+)\)\s*$", label)
    return m[1] if m else ""


def _range(p: pd.Series) -> str:
    return f"{p['low']:g} to {p['high']:g}" + (" (integer)" if bool(p["integer"]) else "")


def finding(frame: pd.DataFrame, top: int = 3) -> str:
    """One plain-language line per KPI: the most influential parameters and how much they move
    it, e.g. '**mean import port time (h)** (baseline 150.2 h) moves most with ...'."""
    kpi = frame["kpi"].iloc[0]
    unit = _unit(kpi)
    base = float(frame["kpi_baseline"].iloc[0])
    parts = []
    for _, r in frame.head(top).iterrows():
        pct = r["mu_star_pct_of_baseline"]
        share = f", {_num(pct)} % of the baseline" if math.isfinite(pct) else ""
        direction = "raises it" if r["mu"] > 0.5 * r["mu_star"] else (
            "lowers it" if r["mu"] < -0.5 * r["mu_star"] else "moves it either way")
        parts.append(f"`{r['parameter']}` ({_range(r)}; {direction} by about "
                     f"{_num(r['mu_star'], unit)} over its range{share})")
    small = frame[frame["mu_star_pct_of_baseline"] < 1] if math.isfinite(base) and base else frame.iloc[0:0]
    tail = (f" {len(small)} of {len(frame)} parameters move it by less than 1 % of the baseline."
            if len(small) else "")
    return (f"**{kpi_axis_label(kpi)}** (baseline {_num(base, unit)}) moves most with "
            + "; then ".join(parts) + "." + tail)


def write_morris_report(out_dir: str | Path, study: SensitivityStudy,
                        frames: dict[str, pd.DataFrame], table: pd.DataFrame) -> tuple[Path, Path]:
    """``report.md`` and ``report.html`` of a screening: findings, ranking tables, one tornado
    per KPI, the parameter ranges, methods and provenance."""
    import json

    from sim.loading import load_config
    from sim.plots import tornado
    from sim.report import provenance_blocks, render_html, render_markdown

    out_dir = Path(out_dir)
    spec, s = study.spec, study.settings
    runs = finished_runs(table)
    figures = [tornado(f, kpi_axis_label(kpi), out_dir / "figures" / f"tornado_{i}")
               for i, (kpi, f) in enumerate(frames.items(), 1)]
    blocks: list = [
        ("h1", f"Clearway experiment: {spec.name} (Morris screening)"),
        ("h2", "Summary"),
        ("p", (f"Which of {s.k} uncertain inputs move the results most. Each input was varied "
               f"over the range below, one at a time along {s.trajectories} random paths "
               "(Morris elementary effects); \u03bc* is the average size of the change in a "
               "result when an input moves across its range, \u03c3 how much that change "
               "depends on the other inputs (interactions or curvature).")),
        ("ul", [finding(f) for f in frames.values()]),
        ("h2", "Ranking"),
        ("p", ("Per result, inputs by \u03bc* (95 % bootstrap CI); \u03bc keeps the sign (a "
               "consistent direction has |\u03bc| close to \u03bc*). Full table: `morris.csv`; "
               "the values each sample point ran with: `design.csv`.")),
    ]
    for kpi, f in frames.items():
        unit = _unit(kpi)
        rows = [[str(int(r["rank"])), f"`{r['parameter']}`", _range(r),
                 f"{_num(r['mu_star'], unit)} \u00b1 {_num(r['mu_star_conf'])}",
                 _num(r["mu"], unit), _num(r["sigma"], unit),
                 _num(r["mu_star_pct_of_baseline"]) + " %"] for _, r in f.iterrows()]
        blocks += [("p", f"**{kpi_axis_label(kpi)}**"),
                   ("table", ["Rank", "Input", "Range", "\u03bc* (95 % CI)", "\u03bc", "\u03c3",
                              "\u03bc* / baseline"], rows)]
    blocks.append(("h2", "Figures"))
    for i, fig in enumerate(figures, 1):
        if fig.png is not None:
            blocks.append(("figure", fig.png, f"Figure {i}. {fig.title}", fig.caption))
    run_cfg = load_config(spec.base, list(spec.overrides)).run
    seeds = sorted(runs["seed"].unique().tolist())
    failed = len(table) - len(runs)
    points = len(study.point_names)
    methods = (
        f"Morris screening (SALib) of {s.k} inputs: {s.trajectories} trajectories on a "
        f"{s.levels}-level grid, each of {s.k + 1} points changing one input by "
        f"{s.levels / (2 * (s.levels - 1)):.3g} of its range; {points} sample points (design seed "
        f"{s.sample_seed}) and the unchanged baseline, each run with seeds "
        f"{', '.join(map(str, seeds))} (common random numbers: every point sees the same "
        "arrivals, cargo and risk draws, so an elementary effect measures the input, not the "
        "draw). A point's result is its mean over seeds. An elementary effect is the change in "
        "the result divided by the step as a share of the range, so \u03bc* approximates the "
        f"change over the whole range. The CI of \u03bc* bootstraps the trajectories "
        f"({s.num_resamples} resamples). Integer inputs (server counts) are rounded. "
        f"Base scenario `{spec.base}` with the shared overrides below; each run simulated "
        f"{run_cfg.horizon_days:g} days, counting containers that entered after the "
        f"{run_cfg.warmup_days:g}-day warm-up and before the {run_cfg.cooldown_days:g}-day "
        "cool-down.")
    if failed:
        methods += f" {failed} run(s) failed; trajectories with a missing point are left out."
    blocks += [("h2", "Methods"), ("p", methods),
               ("p", "Shared overrides: " + (" ".join(f"`{o}`" for o in spec.overrides) or "(none)"))]
    provenance_file = out_dir / "provenance.json"
    provenance = json.loads(provenance_file.read_text()) if provenance_file.exists() else {}
    blocks += [("h2", "Provenance"), *provenance_blocks(provenance, {})]
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    md = render_markdown(blocks, out_dir)
    page = render_html(blocks, f"Clearway experiment: {spec.name}")
    atomic_write(md_path, lambda p: p.write_text(md, encoding="utf-8"))
    atomic_write(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    return md_path, html_path


def read_study(name: str = "sensitivity", path: str | Path | None = None
               ) -> tuple[ExperimentSpec, MorrisSettings]:
    """The ExperimentSpec (scenarios other than the baseline are ignored) and the ``morris``
    section of ``configs/experiment/<name>.yaml`` (or ``path``)."""
    from omegaconf import OmegaConf

    from sim.loading import CONFIG_DIR

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
    return ExperimentSpec.from_dict(raw), MorrisSettings.from_dict(morris)


__all__ = [
    "DEFAULT_KPIS",
    "MorrisSettings",
    "Parameter",
    "SensitivityResult",
    "SensitivityStudy",
    "finding",
    "kpi_axis_label",
    "read_study",
    "write_morris",
    "write_morris_report",
]
