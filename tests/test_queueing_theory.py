"""The ``verification`` scenario against queueing theory (issue 2, DESIGN.md §10.1).

The scenario is a feed-forward Jackson network: Poisson imports and exports, independent
channel draws, exponential document check, inspection and certification (imports only), no
other delays. Each station is then an M/M/c queue (Erlang C) and a channel's mean clearance
time is the sum of the mean sojourns on its path (sim.theory.feed_forward_clearance_network).

Procedure (``verification_helpers.compare``): independent replications (one seed each); per
replication the mean wait and sojourn at each queueing station and the mean clearance time
(release - lodgement) per flow and channel, over the consignments that entered after the
warm-up and before horizon - cooldown; a t interval over the replication means (each a long
batch mean, so close to normal and independent across replications), Bonferroni-corrected
over the whole family (12 comparisons) to a family-wise 95 %. The check passes when every
interval covers its theoretical value.

Seeds are fixed, so the outcome is reproducible. With a correct model a family of Bonferroni
intervals misses at most 5 % of the time (less: the comparisons are positively correlated);
a failure is therefore strong evidence of a model error, not bad luck; look at the table
(``pytest -s``) before touching the sizes below.

Run sizes (measured on the shared 2-core box: ~20-25 ms per simulated day of the
verification network, i.e. 1.5-3 s per 120-day run depending on load). Each check runs in two
sizes: a quick one in the default test suite and the full one in the slow tier
(``pytest -m slow``):

* verification: quick 4 replications x 60 days; full 10 replications x the scenario's own 120
  days (109 measured days, ~0.9 M consignments in all);
* power: quick 6 replications x 40 days with document check 20 % slower; full 12 replications
  x 60 days with document check 5 % slower (mean 0.525 h instead of the 0.5 h the theory
  assumes).

Power of the 5 % check, estimated from a pilot (10 replications x 120 days of the slower
model): the doc-check mean sojourn moves from 0.6106 h (theory) to 0.6874 h (M/M/7 at
0.525 h), delta = 0.0768 h; its replication-to-replication SD was 0.0192 h over 109 measured
days, so ~0.0192 * sqrt(109/49) = 0.029 h over the 49 measured days of a 60-day run. With 12
replications the critical value is t(0.99792; 11) = 3.60 and the non-centrality
delta / (SD / sqrt 12) = 9.3: power = P(noncentral t > 3.60) = 0.99999 for that one
comparison (0.998 even if the SD is 30 % larger than the pilot's). The doc-check wait and
the yellow clearance times add further chances to reject. The power test prints the power
recomputed from the SD it observes.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim import load_config, run
from sim.theory import bonferroni_t
from verification_helpers import (
    compare,
    format_table,
    pass_through_accounting,
    queueing_station_accounting,
    replication_metrics,
    theory_network,
    theory_values,
)

CONFIDENCE = 0.95  # family-wise
# (seeds, horizon in days; None: the scenario's own 120 days)
VERIFICATION_SIZES = [
    pytest.param((range(1, 5), 60), id="quick"),
    pytest.param((range(1, 11), None), id="full", marks=pytest.mark.slow),
]
# (seeds, horizon in days, factor on the doc-check mean the theory does not know about);
# seeds independent of the verification runs
POWER_SIZES = [
    pytest.param((range(101, 107), 40, 1.20), id="quick"),
    pytest.param((range(101, 113), 60, 1.05), id="full", marks=pytest.mark.slow),
]

# Little's law, per replication: L and lambda come from the station's own time averages over
# warm-up..horizon (110 days; 50 in the quick size), W from the consignments that entered in
# the measurement window (a day shorter). Edge effects are ~W/T < 0.2 %; the differing windows
# add ~(1/110) x the relative deviation of the last day's mean sojourn (at most ~50 % at
# certification, 1.5 visits/h): SD ~0.5 % (~1 % over 50 days). 3 % is 3-6 SD, yet far below any
# real bookkeeping error (a lost departure or a mis-stamped milestone shifts L or W by whole
# service times).
LITTLE_REL_TOL = 0.03
# The stations' integrals against the same integrals rebuilt from the logged milestones over
# the same window: equal up to float32 milestones (resolution ~1 s at 2,880 h; observed
# agreement ~1e-6).
ACCOUNTING_REL_TOL = 1e-4


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def verification_cfg():
    return load_config("verification")


@pytest.fixture(scope="module")
def theory(verification_cfg):
    return theory_values(verification_cfg)


@pytest.fixture(scope="module", params=VERIFICATION_SIZES)
def verification_runs(request):
    """Per replication: seed, horizon, compared metrics, queueing-station and pass-through
    accounting."""
    seeds, horizon_days = request.param
    cfg = load_config("verification", [f"run.horizon_days={horizon_days}"] if horizon_days else [])
    runs = []
    for seed in seeds:
        r = run(cfg, seed=seed)
        runs.append({
            "seed": seed,
            "horizon_days": cfg.run.horizon_days,
            "metrics": replication_metrics(r),
            "stations": queueing_station_accounting(r),
            "pass_through": pass_through_accounting(r),
            "summary_stations": set(r.summary["stations"]),
        })
    return runs


@pytest.fixture(scope="module", params=POWER_SIZES)
def slower_doc_check(request, verification_cfg):
    """(error factor, horizon in days, per replication the compared metrics) of a model whose
    doc-check mean is off by the factor."""
    seeds, horizon_days, error = request.param
    mean_h = verification_cfg.customs.doc_check.mean_h * error
    cfg = load_config("verification", [f"run.horizon_days={horizon_days}",
                                       f"customs.doc_check.mean_h={mean_h}"])
    return error, horizon_days, [replication_metrics(run(cfg, seed=seed)) for seed in seeds]


# --------------------------------------------------------------------------- preconditions
def test_verification_scenario_is_a_jackson_network(verification_cfg):
    """The theory applies only if the scenario is the pure network; fail loudly if it drifts."""
    cfg = verification_cfg
    assert cfg.arrivals.mode == "poisson"
    for d in (cfg.customs.doc_check, cfg.customs.inspection, cfg.customs.certification):
        assert d.dist == "exponential"
    zero_delays = [cfg.imports.inspection_booking, cfg.exports.inspection_booking,
                   cfg.terminal.shuttle, cfg.terminal.gate_service]
    assert all(d.mean_h == 0 for d in zero_delays)
    assert not cfg.behaviour.enabled  # declared on arrival, collected on release: no agents' timing
    assert cfg.terminal.shuttles == 0 and cfg.terminal.gate_lanes == 0  # unlimited
    assert cfg.terminal.appointment_slots_per_h == 0
    assert cfg.firms.offence_rate_mean == 0  # nobody detained: every box completes its path
    risk = cfg.customs.risk
    # Channel independent of firm and of certification need; FCFS queues; always open.
    assert risk.targeting_power == 0 and risk.random_check_floor == 0 and not risk.learning
    assert risk.aeo_score_offset == 0 and not risk.aeo_priority
    assert (cfg.customs.shift_start_h, cfg.customs.shift_end_h) == (0.0, 24.0)


# --------------------------------------------------------------------------- Erlang C / Jackson
def test_station_waits_and_clearance_times_match_jackson_network(verification_runs, theory):
    rows = compare([r["metrics"] for r in verification_runs], theory, CONFIDENCE)
    print()
    print(format_table(
        f"verification vs Jackson network: {len(verification_runs)} replications x "
        f"{verification_runs[0]['horizon_days']} days, "
        f"Bonferroni t intervals, family-wise {CONFIDENCE:.0%} over {len(rows)} comparisons",
        rows))
    assert len(rows) == 12
    outside = [r.metric for r in rows if not r.covers]
    assert not outside, f"theory outside the simulation's interval for: {outside}"


def test_check_rejects_model_with_slower_document_check(slower_doc_check, theory):
    """Same procedure, theory still assuming the configured 0.5 h: the check must fail."""
    error, horizon_days, metrics = slower_doc_check
    rows = compare(metrics, theory, CONFIDENCE)
    n = len(metrics)
    # Power of the doc-check sojourn comparison at the SD observed here (non-central t).
    x = np.array([m["doc_check sojourn"] for m in metrics])
    t_crit = bonferroni_t(CONFIDENCE, len(rows), n - 1)
    delta = (x.mean() - theory["doc_check sojourn"]) / (x.std(ddof=1) / math.sqrt(n))
    power = stats.nct.sf(t_crit, n - 1, delta) + stats.nct.cdf(-t_crit, n - 1, delta)
    print()
    print(format_table(
        f"doc check {error - 1:.0%} slower ({n} replications x {horizon_days} days) vs the 0.5 h "
        f"theory; estimated power of the doc-check sojourn comparison: {power:.5f}", rows))
    rejected = {r.metric: r for r in rows if not r.covers}
    assert rejected, f"the check did not notice a {error - 1:.0%} error in the doc-check service mean"
    # ... and it rejects for the right reason: doc check is slower than the theory says.
    sojourn = rejected.get("doc_check sojourn")
    assert sojourn is not None and sojourn.low > sojourn.theory


# --------------------------------------------------------------------------- Little's law
def test_littles_law_holds_at_every_queueing_station(verification_runs):
    print()
    print(f"{'seed':>4} {'station':<14}{'L':>8}{'lambda/h':>10}{'W h':>8}{'lambda W':>10}"
          f"{'rel err':>9}")
    failures = []
    for r in verification_runs:
        seed = r["seed"]
        for name, a in r["stations"].items():
            lw = a["lam"] * a["W"]
            rel = lw / a["L"] - 1
            print(f"{seed:>4} {name:<14}{a['L']:>8.4f}{a['lam']:>10.4f}{a['W']:>8.4f}{lw:>10.4f}"
                  f"{rel:>+9.3%}")
            if not abs(rel) <= LITTLE_REL_TOL:
                failures.append((seed, name, rel))
    assert not failures, f"L != lambda W beyond {LITTLE_REL_TOL:.0%}: {failures}"


def test_every_station_is_checked(verification_runs):
    """Little's law must cover every station the model has: a new one needs a check here."""
    checked = set(verification_runs[0]["stations"]) | set(verification_runs[0]["pass_through"])
    for r in verification_runs:
        assert r["summary_stations"] == checked


def test_pass_through_stations_hold_nobody(verification_runs):
    """Shuttle and gate take zero time here (berth: no vessels), so L = lambda W = 0; their
    arrival counts must match what the log implies."""
    for r in verification_runs:
        for name, a in r["pass_through"].items():
            assert a["L"] == 0.0, name
            assert a["W"] == 0.0, name
            assert abs(a["arrivals"] - a["log_arrivals"]) <= 2, (name, a)
        # Two shuttle trips per red box, one gate passage per box: the stations were used.
        assert r["pass_through"]["shuttle"]["arrivals"] > 0
        assert r["pass_through"]["gate"]["arrivals"] > 0


def test_station_statistics_agree_with_logged_milestones(verification_runs):
    """The stations' time integrals (number present, busy servers) and arrival counts equal
    the same quantities rebuilt from the log's timestamps over the same window."""
    for r in verification_runs:
        for name, a in r["stations"].items():
            assert a["L"] == pytest.approx(a["log_L"], rel=ACCOUNTING_REL_TOL), name
            assert abs(a["arrivals"] - a["log_arrivals"]) <= 2, (name, a)
            # Busy servers, boxes still in service at the horizon included (their start is logged).
            busy = a["utilisation"] * a["servers"]
            assert busy == pytest.approx(a["log_busy"], rel=ACCOUNTING_REL_TOL), (name, busy, a)


def test_log_records_service_start_of_boxes_in_service_at_horizon(verification_runs):
    for r in verification_runs:
        for name, a in r["stations"].items():
            in_service = a["present_at_end"] - a["waiting_at_end"]
            assert a["log_started_at_end"] == in_service, (name, a)


def test_utilisation_matches_offered_load(verification_runs, verification_cfg):
    """Busy share of the servers = lambda s / c, pooled over the replications. Tolerance:
    the realised mean of N exponential services has relative SD 1/sqrt(N); allow 4 SD plus
    0.2 % for services straddling the window edges."""
    c = verification_cfg.customs
    mean_service = {"doc_check": c.doc_check.mean_h, "inspection": c.inspection.mean_h,
                    "certification": c.certification.mean_h}
    theory_rho = {name: st.utilisation
                  for name, st in theory_network(verification_cfg)["stations"].items()}
    print()
    print(f"{'station':<14}{'utilisation':>12}{'lambda s/c':>12}{'theory rho':>12}{'tol':>8}")
    for name, s in mean_service.items():
        runs = [r["stations"][name] for r in verification_runs]
        util = np.mean([a["utilisation"] for a in runs])
        offered = np.mean([a["lam"] for a in runs]) * s / runs[0]["servers"]
        n = sum(a["arrivals"] for a in runs)
        tol = 4 / math.sqrt(n) + 0.002
        print(f"{name:<14}{util:>12.4f}{offered:>12.4f}{theory_rho[name]:>12.4f}{tol:>8.2%}")
        assert util == pytest.approx(offered, rel=tol), name
        assert util == pytest.approx(theory_rho[name], rel=2 * tol), name
