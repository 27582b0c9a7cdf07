"""Shared pieces of the container-policy tests (issues 3 and 8): a reduced shanghai port, the
scenarios (baseline, each policy alone, the full package, and the behaviour variants the mechanism
tests need), the metrics each mechanism targets, and paired differences over common random numbers.

The reduced port is the calibrated ``shanghai`` scenario on 14 days (3 warm-up, 1 cool-down; the
drain follows the measured boxes to the end of their journeys) at a twentieth of its volume (150
import and 150 export boxes a day) with every capacity scaled by the same twentieth (rounded up),
so each station keeps about the default offered utilisation. The drain stops after 8 days: by
then the cohort's journeys are over but for about 3 % of its imports, whose goods are wanted
weeks after arrival (the long tail of ``consignees.need_lag``): they stay in the yard in every
scenario and count as unfinished (waiting for them would more than double each run). The
port's users scale with the section by themselves (``behaviour.*.per_100_boxes_per_day``; the
smallest section keeps ``sim.schema.behaviour.MIN_FIRMS`` traders of each flow). The bonded zone
and the bunker market share nothing with the container flows but the firm population (checked in
test_policies.py), so they are off, except in the full package, whose shared warehousing and
bonded blending act on them.

Nothing here changes the model: it reads ``sim.run``'s RunResult (summary, consignment log,
daily series).
"""
from __future__ import annotations

import copy
import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from conftest import TINY_SECTION

from sim import ClearwayConfig, load_config, run
from sim.cohort import cohort
from sim.records import MILESTONES

REDUCED_SHANGHAI = (
    "run.horizon_days=14",
    "run.warmup_days=3",
    "run.cooldown_days=1",
    "run.drain_cap_days=8",
    *TINY_SECTION,  # 150 import and 150 export boxes a day, capacities x 150 / 3000
    "bonded_zone.enabled=false",
    "bunkering.enabled=false",
)
# the zone's bonded lots stay off the port's vessel calls here, so that the full package pairs box
# for box with the zone-less baseline (tests/test_first_line.py runs the zone's first line)
WITH_ZONE_AND_BUNKERING = ("bonded_zone.enabled=true", "bonded_zone.first_line.enabled=false",
                           "bunkering.enabled=true")

FORCED_PICKUP = ("policy=direct_pickup", "policies.direct_pickup.adoption.forced=true")
# consignees who need their goods about two days after arrival (calibrated: over a week): many
# declare at sea, so the rules for boxes declared at sea have boxes to act on
NEED_SOON = "behaviour.consignees.need_lag.mean_h=50"

# scenario -> overrides; the fast lanes with every firm opted in (what-if of full adoption)
SCENARIOS: dict[str, tuple[str, ...]] = {
    "baseline": (),
    "pre_arrival": ("policy=pre_arrival",),
    "e_documents": ("policy=e_documents",),
    "risk_management": ("policy=risk_management",),
    "two_step": ("policy=two_step",),
    "direct_pickup": FORCED_PICKUP,
    "direct_loading": ("policy=direct_loading", "policies.direct_loading.adoption.forced=true"),
    "enterprise_certification": ("policy=enterprise_certification",),
    "punctuality_forecast": ("policy=punctuality_forecast",),
    "full_package": ("package=full", *WITH_ZONE_AND_BUNKERING),
}
# the same scenarios with one behaviour changed: what the mechanism tests vary
VARIANTS: dict[str, tuple[str, ...]] = {
    # couriers deliver the paper B/L within hours instead of 2-4 days
    "baseline_fast_courier": ("behaviour.documents.courier.mean_h=4",),
    "pre_arrival_need_soon": ("policy=pre_arrival", NEED_SOON),
    "direct_pickup_need_soon": (*FORCED_PICKUP, NEED_SOON),
    # ... and trucking fleets never full: no ship-side booking is refused
    "direct_pickup_need_soon_ample_fleet": (*FORCED_PICKUP, NEED_SOON,
                                            "behaviour.truckers.trucks_per_100_boxes_per_day=1000"),
    # carriers' ETAs three times as far off (slow tier)
    "direct_pickup_need_soon_poor_forecast": (*FORCED_PICKUP, NEED_SOON, "vessels.eta.error_sd_at_72h_h=12"),
    # customs inspects only at twice the odds the default reform asks for (slow tier)
    "risk_management_higher_bar": ("policy=risk_management",
                                   "policies.risk_management.red_odds_factor=6"),
}
SEEDS = (1, 2, 3)
SLOW_SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)
CONFIDENCE = 0.95
TOL_H = 1e-3  # milestones are float32 hours (resolution ~3e-5 h at 700 h)

# attributes a policy must never change (drawn from their own streams before any policy acts)
IDENTITY_COLUMNS = ("consignment", "flow", "firm", "teu", "cargo_value_cny", "offence",
                    "needs_certification", "lane")
IMPORT_IDENTITY_COLUMNS = ("vessel", "vessel_arrival")  # the arriving call and its arrival time


_CONFIGS: dict[tuple[str, ...], ClearwayConfig] = {}


def reduced_config(*overrides: str) -> ClearwayConfig:
    """The reduced port with ``overrides`` (a fresh copy; composed configs are cached, as
    composing one takes most of a second)."""
    if overrides not in _CONFIGS:
        _CONFIGS[overrides] = load_config("shanghai", [*REDUCED_SHANGHAI, *overrides])
    return copy.deepcopy(_CONFIGS[overrides])


def run_scenario(name: str, seed: int, *extra: str):
    return run(reduced_config(*{**SCENARIOS, **VARIANTS}[name], *extra), seed=seed)


def columns(result) -> dict[str, np.ndarray]:
    """The consignment log as numpy columns; milestones in float64."""
    cols = {name: result.log.column(name).to_numpy(zero_copy_only=False) for name in result.log.column_names}
    for m in MILESTONES:
        cols[m] = cols[m].astype(np.float64)
    return cols


def measured(cols: dict, cfg, flow: int) -> np.ndarray:
    """Rows of ``flow`` in the measured cohort, as sim/summary.py counts them (:func:`sim.cohort.cohort`)."""
    return cohort(cols, flow, cfg.run)


# --------------------------------------------------------------------------- metrics
@dataclass(frozen=True)
class Metric:
    """One figure of a run's summary and what the policy's mechanism should do to it.

    ``direction``: -1 must fall, +1 must rise (paired 95 % CI excludes zero), 0 must stay within
    ``tolerance`` (absolute, in the metric's unit) of the baseline, None: reported only.
    ``small``: an effect of a few per cent, which the quick seeds cannot resolve: checked on the
    slow tier over SLOW_SEEDS (reported on the quick one).
    """
    policy: str
    label: str
    get: Callable[[dict], float]
    direction: int | None
    tolerance: float = 0.0
    small: bool = False


def flow(summary: dict, name: str, channel: str = "all") -> dict:
    return summary["flows"][name][channel]


def stage(flow_name: str, name: str, channel: str = "all") -> Callable[[dict], float]:
    return lambda s: flow(s, flow_name, channel)["stages_h"][name]


def clearance_mean(flow_name: str) -> Callable[[dict], float]:
    return lambda s: flow(s, flow_name)["clearance_time_h"]["mean"]


def port_mean(flow_name: str) -> Callable[[dict], float]:
    return lambda s: flow(s, flow_name)["port_time_h"]["mean"]


def cost(flow_name: str, *components: str) -> Callable[[dict], float]:
    return lambda s: sum(flow(s, flow_name)["cost_cny"][c] for c in components)


def share(flow_name: str, key: str) -> Callable[[dict], float]:
    return lambda s: flow(s, flow_name)[key]


def offences(flow_name: str, outcome: str) -> Callable[[dict], float]:
    return lambda s: float(flow(s, flow_name)["offences"][outcome])


def channel_share(flow_name: str, channel: str) -> Callable[[dict], float]:
    return lambda s: flow(s, flow_name, channel)["n"] / flow(s, flow_name)["n"]


M = Metric
METRICS: tuple[Metric, ...] = (
    # pre-arrival: consignees with their papers in hand who need the goods soon declare at sea
    M("pre_arrival", "import clearance_preparation stage (h)",
      stage("import", "clearance_preparation"), -1, small=True),
    M("pre_arrival", "import clearance time (h)", clearance_mean("import"), -1, small=True),
    M("pre_arrival", "import customs_clearance stage (h)", stage("import", "customs_clearance"), None),
    M("pre_arrival", "import unloading stage (h)", stage("import", "unloading"), 0, 0.5),
    # exporters share brokers with the consignees who now declare earlier: the queue they meet
    # moves a little (measured +0.2 h, CI -0.7 to +1.1, on a stage of about 24 h, most of it the
    # documents' hand-over in office hours)
    M("pre_arrival", "export clearance_preparation stage (h)",
      stage("export", "clearance_preparation"), 0, 1.5),
    # e-documents: no courier, no D/O counter, fewer reworks, a faster document check
    M("e_documents", "import clearance time (h)", clearance_mean("import"), -1),
    M("e_documents", "export clearance time (h)", clearance_mean("export"), -1, small=True),
    M("e_documents", "import clearance_preparation stage (h)", stage("import", "clearance_preparation"), -1),
    M("e_documents", "export clearance_preparation stage (h)",
      stage("export", "clearance_preparation"), -1, small=True),
    # the document desk is staffed for the brokers' daytime peak, so a shorter check saves
    # little queueing: fractions of an hour
    M("e_documents", "import yellow customs_clearance stage (h)",
      stage("import", "customs_clearance", "yellow"), -1, small=True),
    M("e_documents", "export yellow customs_clearance stage (h)",
      stage("export", "customs_clearance", "yellow"), -1, small=True),
    M("e_documents", "import unloading stage (h)", stage("import", "unloading"), 0, 0.5),
    M("e_documents", "import inspected share", share("import", "inspected_share"), 0, 0.02),
    # risk management: fewer, better-targeted inspections; what it costs in control is reported
    M("risk_management", "import inspected share", share("import", "inspected_share"), -1),
    M("risk_management", "import red channel share", channel_share("import", "red"), -1),
    M("risk_management", "import clearance time (h)", clearance_mean("import"), -1),
    M("risk_management", "import inspection cost (CNY)", cost("import", "inspection"), -1),
    M("risk_management", "import offences detected", offences("import", "detected"), None),
    M("risk_management", "import offences missed", offences("import", "missed"), None),
    M("risk_management", "export offences detected", offences("export", "detected"), None),
    M("risk_management", "export offences missed", offences("export", "missed"), None),
    # consignees and brokers never see customs' targeting; only the trucks and declarants the
    # two flows share pass on a ripple
    M("risk_management", "import clearance_preparation stage (h)",
      stage("import", "clearance_preparation"), 0, 1.0),
    # two-step: a 9-item summary declaration, and no duty funds to wait for
    M("two_step", "import clearance_preparation stage (h)", stage("import", "clearance_preparation"), -1),
    M("two_step", "import clearance time (h)", clearance_mean("import"), -1, small=True),
    # the full declaration is still keyed right after the summary, by declarants exports share
    M("two_step", "export clearance_preparation stage (h)",
      stage("export", "clearance_preparation"), None),
    M("two_step", "import inspected share", share("import", "inspected_share"), 0, 0.02),
    # direct pickup (everyone opted in): the boxes needed before the yard's free time ends are
    # declared at once, and those released a day before their vessel leave from the ship side.
    # About 1 % of the boxes take the lane, so the effects are a few tenths of a per cent, which
    # eight seeds resolve: the lane boxes skip the pickup stage, their yard days and gate waits
    M("direct_pickup", "import clearance_preparation stage (h)",
      stage("import", "clearance_preparation"), None),
    M("direct_pickup", "import pickup_and_leaving stage (h)",
      stage("import", "pickup_and_leaving"), -1, small=True),
    M("direct_pickup", "import port time (h)", port_mean("import"), -1, small=True),
    M("direct_pickup", "import storage+truck_waiting+inventory+own_warehouse cost (CNY)",
      cost("import", "storage", "truck_waiting", "inventory", "own_warehouse"), -1, small=True),
    M("direct_pickup", "import total cost (CNY)", cost("import", "total"), -1, small=True),
    # > 0 in every seed (the eligibility and fleet tests count lane boxes); about 1 % of boxes
    M("direct_pickup", "import fast-lane share", share("import", "fast_lane_share"), None),
    # declared at sea, a box's document check is done before it reaches the port (reported)
    M("direct_pickup", "import customs_clearance stage (h)", stage("import", "customs_clearance"), None),
    M("direct_pickup", "import unloading stage (h)", stage("import", "unloading"), 0, 0.5),
    M("direct_pickup", "export port time (h)", port_mean("export"), 0, 2.0),
    # direct loading (everyone opted in): released export boxes reach the quay as the ship loads
    M("direct_loading", "export post_release stage (h)", stage("export", "post_release"), -1),
    M("direct_loading", "export port time (h)", port_mean("export"), -1),
    # the wait moves from the yard to the factory: storage falls only for boxes that outstay
    # free storage, so the exporter's cost of storage and time stays within 5 % (measured +173
    # CNY, CI +13 to +333, of 7,338 on the slow seeds once the refitted stuffing lead grew to
    # 48.7 h: lane boxes wait longer at the factory, where their goods' time still costs)
    M("direct_loading", "export storage+inventory cost (CNY)",
      cost("export", "storage", "inventory"), 0, 370.0, small=True),
    M("direct_loading", "export fast-lane share", share("export", "fast_lane_share"), +1),
    M("direct_loading", "import port time (h)", port_mean("import"), 0, 2.0, small=True),
    # certification by enterprise: approved firms' regulated goods skip the lab (about 26 h a box,
    # tests/test_enterprise_certification.py pairs them box by box), audits come later; they are
    # about 5 % of the imports, so the mean over all of them moves by about 1.5 h
    M("enterprise_certification", "import customs_clearance stage (h)",
      stage("import", "customs_clearance"), -1, small=True),
    M("enterprise_certification", "import clearance time (h)", clearance_mean("import"), -1, small=True),
    M("enterprise_certification", "import inspected share", share("import", "inspected_share"), 0, 0.02),
    M("enterprise_certification", "export clearance time (h)", clearance_mean("export"), 0, 1.0),
    M("enterprise_certification", "import offences missed", offences("import", "missed"), None),
    M("enterprise_certification", "import offences caught at audit",
      offences("import", "caught_at_audit"), None),
    # punctuality forecasts alone: no consignee declares at sea and no truck waits at the ship
    # side in the baseline, so shippers and the terminal act on the better ETA (their effect on
    # trucks: tests/test_eta.py); imports meet them only at the brokers and fleets both flows
    # share. The terminal's berth windows are fixed on a better ETA, so fewer calls come off
    # them, and fewer export boxes are stacked for a call that comes a shift off plan (measured
    # -0.04 re-handles per export box, about a tenth; tests/test_berth_plan.py). The berth queue
    # is only reordered: the mean berth wait is reported, not assumed.
    M("punctuality_forecast", "import port time (h)", port_mean("import"), 0, 1.0),
    M("punctuality_forecast", "vessel calls off their berth window",
      lambda s: s["berth_plan"]["off_window_share"], -1),
    M("punctuality_forecast", "export re-handles per box", share("export", "rehandles_per_box"), -1),
    M("punctuality_forecast", "vessel wait for a berth per call (h)",
      lambda s: s["emissions"]["vessel_wait_h_per_call"], None),
    M("punctuality_forecast", "export boxes rolled over", share("export", "rolled_over"), None),
    M("punctuality_forecast", "export port time (h)", port_mean("export"), None),
    # the full package (adoption of the fast lanes by learning)
    M("full_package", "import clearance time (h)", clearance_mean("import"), -1),
    # exports gain from e-documents and risk management, but two-step's full declarations load
    # the declarants they share with imports: the sign of the sum is reported, not assumed
    M("full_package", "export clearance time (h)", clearance_mean("export"), None),
    M("full_package", "import port time (h)", port_mean("import"), -1),
    M("full_package", "export port time (h)", port_mean("export"), -1, small=True),
    M("full_package", "import total cost (CNY)", cost("import", "total"), -1),
    M("full_package", "export total cost (CNY)", cost("export", "total"), None),
    M("full_package", "import inspected share", share("import", "inspected_share"), -1),
    M("full_package", "import offences detected", offences("import", "detected"), None),
    M("full_package", "import offences missed", offences("import", "missed"), None),
)


# --------------------------------------------------------------------------- paired statistics
@dataclass(frozen=True)
class PairedEffect:
    policy: str
    metric: str
    baseline_mean: float
    policy_mean: float
    diff_mean: float
    ci_low: float
    ci_high: float
    n: int

    @property
    def pct_change(self) -> float:
        return 100.0 * self.diff_mean / self.baseline_mean if self.baseline_mean else math.nan

    def excludes_zero(self) -> bool:
        return self.ci_low > 0 or self.ci_high < 0


def paired_effect(policy: str, metric: str, baseline: list[float], treated: list[float],
                  confidence: float = CONFIDENCE) -> PairedEffect:
    """Mean and t-based confidence interval of the per-seed difference treated - baseline."""
    b, t = np.asarray(baseline, dtype=float), np.asarray(treated, dtype=float)
    d = t - b
    n = d.size
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * d.std(ddof=1) / math.sqrt(n) if n > 1 else math.inf
    return PairedEffect(policy, metric, float(b.mean()), float(t.mean()), float(d.mean()),
                        float(d.mean() - half), float(d.mean() + half), n)


TABLE_HEADER = ("policy", "metric", "baseline_mean", "policy_mean", "paired_diff_mean",
                "ci95_low", "ci95_high", "pct_change", "n_seeds")


def table_rows(effects: list[PairedEffect]) -> list[tuple]:
    return [(e.policy, e.metric, e.baseline_mean, e.policy_mean, e.diff_mean, e.ci_low, e.ci_high,
             e.pct_change, e.n) for e in effects]


def format_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    def fmt(v):
        if isinstance(v, float):
            return "nan" if math.isnan(v) else f"{v:.4g}" if abs(v) < 1e5 else f"{v:.0f}"
        return str(v)

    cells = [tuple(map(fmt, header))] + [tuple(map(fmt, r)) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([f"{v:.6g}" if isinstance(v, float) else v for v in r])
