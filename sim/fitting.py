"""Calibration as a procedure: fit the behavioural parameters without a source to 2017.

The fitted parameters and the 2017 figure each mainly moves (DESIGN.md section 3a):

======================================  =====================================================
``consignees.planning_lead_h``          import pickup and leaving (52.4 h): how long before
                                        its need date a consignee starts clearing
``consignees.need_lag.mean_h``          import clearance preparation (81.4 h): when goods are
                                        needed, so when clearance starts
``shippers.ready_lead.mean_h``          export clearance preparation + post-release
                                        (24.9 + 50.5 h): how early boxes are stuffed and sent
``shippers.documents.mean_h``           export clearance preparation (24.9 h): how long the
                                        declaration documents take to reach the broker
``costs.port_fees_import_cny`` /        import / export border + documentary cost (USD
``costs.port_fees_export_cny``          915.9 / 568.7): fees the model does not itemise
======================================  =====================================================

Export clearance preparation (24.9 h, gate-in to lodgement) is not fitted through brokers'
capacity: earlier fits did, and once a cold-start burst was removed they drove the declarants to
full load (utilisation 1.0, a queue growing all run). The day of preparation does not come from
queueing at brokers staffed for their work; it comes from the shipper's paper documents, which
reach the broker in office hours after the box is in (``shippers.documents``). Brokers' staffing
is an assumption (``brokers.declarants_per_100_boxes_per_day``).

Method: damped secant steps under common random numbers. Every iteration runs the same seeds (so
a change comes from the parameters, not from chance) on the calibration scale, and moves each
timing or capacity parameter by the gap of its figure over the slope measured between the last
two iterations (a first guess, from an earlier fit, until then); the fees move exactly by the cost
gap (cost is linear in them). It stops when every fitted figure is
within ``tolerance`` of its reference, or after ``max_iterations``. Nothing after 2017 is fitted.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.loading import load_config
from sim.run import run
from sim.schema.fields import value_at

STAGES = ("flows", "{flow}", "all", "stages_h", "{stage}")


@dataclass
class FitTarget:
    parameter: str  # dotted config path
    figure: str  # what it is fitted to
    flow: str
    key: tuple[str, ...]  # within the flow's "all" figures
    reference: float
    unit: str


TARGETS = [
    FitTarget("behaviour.consignees.planning_lead_h", "import pickup and leaving", "import",
              ("stages_h", "pickup_and_leaving"), 52.4, "h"),
    FitTarget("behaviour.consignees.need_lag.mean_h", "import clearance preparation", "import",
              ("stages_h", "clearance_preparation"), 81.4, "h"),
    FitTarget("behaviour.shippers.ready_lead.mean_h", "export post-release", "export",
              ("stages_h", "post_release"), 50.5, "h"),
    FitTarget("behaviour.shippers.documents.mean_h", "export clearance preparation", "export",
              ("stages_h", "clearance_preparation"), 24.9, "h"),
    FitTarget("costs.port_fees_import_cny", "import border + documentary cost", "import",
              ("cost_cny", "border_documentary"), 915.9, "USD"),
    FitTarget("costs.port_fees_export_cny", "export border + documentary cost", "export",
              ("cost_cny", "border_documentary"), 568.7, "USD"),
]
DAMPING = 0.8
# First guesses of d(figure)/d(parameter), measured in a first fit (h per h)
# (documents: wall-clock hours of preparation per office hour of hand-over, nights included)
FIRST_SLOPE = {"lead": 0.55, "need": 0.57, "ready": 0.4, "documents": 2.0}
# Bounds on the measured slopes: a noisy pair of iterations never sends a parameter far away
SLOPE_BOUNDS = {"lead": (0.3, 1.2), "need": (0.3, 1.2), "ready": (0.15, 1.0),
                "documents": (0.8, 4.0)}



def model_figures(overrides: list[str], seeds: list[int]) -> tuple[dict[str, float], object, list[dict]]:
    """Mean of each target figure over ``seeds`` (USD figures converted), the config, and the
    runs' summaries (for the table of every reference figure)."""
    cfg = load_config(overrides=overrides)
    summaries = [run(cfg, seed=seed).summary for seed in seeds]
    values = {t.figure: [] for t in TARGETS}
    for summary in summaries:
        for t in TARGETS:
            value = summary["flows"][t.flow]["all"]
            for k in t.key:
                value = value[k]
            values[t.figure].append(value / (cfg.costs.cny_per_usd if t.unit == "USD" else 1.0))
    return {k: float(np.mean(v)) for k, v in values.items()}, cfg, summaries


class Secant:
    """One parameter moved so that one figure reaches its target: Newton steps with the slope
    measured between the last two iterations (a first guess until then), bounded."""

    def __init__(self, key: str):
        self.key, self.slope, self.last = key, FIRST_SLOPE[key], None

    def next(self, x: float, y: float, target: float) -> float:
        if self.last is not None and x != self.last[0]:
            low, high = SLOPE_BOUNDS[self.key]
            self.slope = float(np.clip((y - self.last[1]) / (x - self.last[0]), low, high))
        self.last = (x, y)
        return x + DAMPING * (target - y) / self.slope


def step(cfg, figures: dict[str, float], secants: dict[str, Secant]) -> dict[str, float]:
    """The next value of every fitted parameter, from the gaps of the current figures.

    Import: the consignee starts clearing ``planning_lead_h`` before its planned pickup, so the
    lead sets the pickup stage, and the need date sets preparation + pickup (only the consignees
    who collect on their need date respond). Export: the documents' hand-over sets preparation, and
    boxes stuffed earlier gate in earlier (up to the gate opening), so the ready lead sets
    preparation + post-release. Every step is a secant step (:class:`Secant`)."""
    gap = {t.figure: t.reference - figures[t.figure] for t in TARGETS}
    new = {}
    lead = "behaviour.consignees.planning_lead_h"
    new[lead] = max(0.0, secants["lead"].next(value_at(cfg, lead), figures["import pickup and leaving"], 52.4))
    need = "behaviour.consignees.need_lag.mean_h"
    stay = figures["import clearance preparation"] + figures["import pickup and leaving"]
    new[need] = max(1.0, secants["need"].next(value_at(cfg, need), stay, 81.4 + 52.4))
    ready = "behaviour.shippers.ready_lead.mean_h"
    stay = figures["export clearance preparation"] + figures["export post-release"]
    new[ready] = max(1.0, secants["ready"].next(value_at(cfg, ready), stay, 24.9 + 50.5))
    documents = "behaviour.shippers.documents.mean_h"
    new[documents] = max(0.1, secants["documents"].next(
        value_at(cfg, documents), figures["export clearance preparation"], 24.9))
    for flow in ("import", "export"):
        fees = f"costs.port_fees_{flow}_cny"
        new[fees] = max(0.0, value_at(cfg, fees) + gap[f"{flow} border + documentary cost"]
                        * cfg.costs.cny_per_usd)
    return new


def fit(base_overrides: list[str], seeds: list[int], tolerance: float = 0.05,
        max_iterations: int = 10, report=print) -> tuple[dict[str, float], list[dict]]:
    """Fit the parameters; returns (fitted values, the summaries of the runs at them)."""
    overrides = list(base_overrides)
    secants = {k: Secant(k) for k in FIRST_SLOPE}
    figures, cfg, summaries = model_figures(overrides, seeds)
    for iteration in range(max_iterations):
        report(f"iteration {iteration}: " + ", ".join(
            f"{t.figure} {figures[t.figure]:.1f}/{t.reference}" for t in TARGETS), flush=True)
        if all(abs(figures[t.figure] / t.reference - 1) <= tolerance for t in TARGETS):
            break
        values = step(cfg, figures, secants)
        overrides = list(base_overrides) + [f"{k}={v:.4g}" for k, v in values.items()]
        figures, cfg, summaries = model_figures(overrides, seeds)
    return {t.parameter: value_at(cfg, t.parameter) for t in TARGETS}, summaries
