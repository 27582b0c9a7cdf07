"""Adapter to the EMA Workbench (exploratory modelling): Clearway samples in, Clearway as a model.

Two directions (``pip install clearway[robustness]``; ema_workbench is imported lazily):

- :func:`to_ema` turns the samples of a robustness experiment into what EMA's analysis
  functions take: an ``experiments`` DataFrame (one row per sample point x scenario, the
  uncertain parameters as columns, plus EMA's ``scenario``, ``policy`` and ``model`` columns)
  and an ``outcomes`` dict of arrays (each KPI, and its paired effect ``<kpi>_effect`` against
  the baseline at the same point). :mod:`sim.analysis.scenario_discovery` runs PRIM on them.
- :func:`clearway_model` wraps Clearway as an ``ema_workbench.Model``: its uncertainties are the
  ranges of ``configs/uncertainty/<ranges>.yaml``, its one lever is the reform (a scenario name
  of the experiment), its outcomes the KPIs; each experiment maps the uncertainty values to
  config overrides, runs the seeds and returns the KPI means::

      from ema_workbench import perform_experiments
      model = clearway_model({"baseline": [], "two_step": ["policy=two_step"]},
                             overrides=["run.horizon_days=20", "run.warmup_days=5",
                                        "run.cooldown_days=5"], section_share=0.2)
      experiments, outcomes = perform_experiments(model, scenarios=16, policies=2)
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from sim.experiment.robustness import (
    DEFAULT_KPIS,
    NOMINAL,
    boxes_measured,
    missed_per_1000,
    sampled_overrides,
)
from sim.schema.uncertainty import Ranges

MODEL_NAME = "clearway"
REFORM = "reform"  # the name of the model's lever


def to_ema(samples: pd.DataFrame, parameters: list[str], baseline: str,
           kpis: list[str]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``(experiments, outcomes)`` in EMA's layout from robustness ``samples`` (the nominal
    point left out: it is not a draw from the ranges). Per point and scenario, the KPIs are
    means over seeds; ``<kpi>_effect`` is the mean paired difference against the baseline."""
    drawn = samples[samples["point"] != NOMINAL]
    means = (drawn.groupby(["point", "scenario"], sort=False)[[*parameters, *kpis]]
             .mean().reset_index())
    base = means[means["scenario"] == baseline].set_index("point")[kpis]
    experiments = means[parameters].copy()
    experiments["scenario"] = means["point"].to_numpy()
    experiments["policy"] = means["scenario"].to_numpy()
    experiments["model"] = MODEL_NAME
    outcomes = {kpi: means[kpi].to_numpy(float) for kpi in kpis}
    for kpi in kpis:
        outcomes[f"{kpi}_effect"] = (means[kpi].to_numpy(float)
                                     - base[kpi].reindex(means["point"]).to_numpy(float))
    return experiments, outcomes


class ClearwayFunction:
    """The model function EMA calls: uncertainty values and a reform in, KPI means out.

    A plain class (not a closure) so that EMA's multiprocessing evaluator can pickle it.
    """

    def __init__(self, ranges: Ranges, reforms: dict[str, list[str]], base: str,
                 overrides: list[str], section_share: float, kpis: list[str], seeds: list[int]):
        self.ranges, self.reforms, self.base = ranges, reforms, base
        self.overrides, self.section_share = list(overrides), section_share
        self.kpis, self.seeds = list(kpis), list(seeds)

    def __call__(self, **values) -> dict[str, float]:
        from sim import run
        from sim.kpis import kpi_row
        from sim.loading import load_config
        from sim.scaling import scaled_overrides

        reform = values.pop(REFORM)
        nominal = load_config(self.base, self.overrides)
        row = [values[p.path.replace(".", "__")] for p in self.ranges.parameters]
        sampled = sampled_overrides(self.ranges, row, nominal)
        full = load_config(self.base, [*self.overrides, *sampled])
        scaled = [] if self.section_share == 1 else scaled_overrides(full, self.section_share)
        cfg = load_config(self.base, [*self.overrides, *sampled, *scaled, *self.reforms[reform],
                                      "run.write_log=false"])
        totals = {kpi: [] for kpi in self.kpis}
        for seed in self.seeds:
            summary = run(cfg, seed=seed).summary
            kpis = kpi_row(summary)
            for kpi in self.kpis:
                flow = missed_per_1000(kpi)
                value = (kpis.get(kpi) if flow is None or kpi in kpis else
                         1000 * kpis[f"{flow}_offences_missed"] / boxes_measured(summary, flow))
                totals[kpi].append(np.nan if value is None else float(value))
        return {kpi: float(np.nanmean(v)) for kpi, v in totals.items()}


def clearway_model(reforms: dict[str, list[str]], ranges: str | Ranges = "shanghai",
                   parameters: list[str] | None = None, base: str = "shanghai",
                   overrides: list[str] | None = None, section_share: float = 0.35,
                   kpis: list[str] | None = None, seeds: list[int] | None = None):
    """Clearway as an ``ema_workbench.Model`` (see the module docstring).

    Uncertainty names are config paths with ``.`` written ``__`` (EMA names must be
    identifiers): ``imports__preparation__mean_h``. ``parameters`` keeps the ranges under these
    path prefixes (all by default).
    """
    from sim.loading import ranges_file
    from sim.schema.uncertainty import load_ranges

    ema = _ema()
    if isinstance(ranges, str):
        ranges = load_ranges(ranges_file(ranges))
    ranges = ranges.select(list(parameters or []))
    kpis = list(kpis or DEFAULT_KPIS)
    function = ClearwayFunction(ranges, reforms, base, list(overrides or []), section_share, kpis,
                                list(seeds or [1]))
    model = ema.Model(MODEL_NAME, function=function)
    model.uncertainties = [
        (ema.IntegerParameter if p.integer else ema.RealParameter)(
            p.path.replace(".", "__"), int(p.low) if p.integer else p.low,
            int(p.high) if p.integer else p.high)
        for p in ranges.parameters]
    model.levers = [ema.CategoricalParameter(REFORM, list(reforms))]
    model.outcomes = [ema.ScalarOutcome(kpi) for kpi in kpis]
    return model


def _ema():
    """The ema_workbench module, with its note about the optional ipyparallel silenced."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import ema_workbench
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ImportError("the EMA Workbench adapter needs ema_workbench: "
                          "pip install 'clearway[robustness]'") from None
    return ema_workbench


__all__ = ["ClearwayFunction", "MODEL_NAME", "REFORM", "clearway_model", "to_ema"]
