"""Shared helpers for checking the ``verification`` scenario against queueing theory.

Everything here reads a finished run (``sim.run``'s RunResult: the consignment log and the
station statistics of the summary) and the loaded config; nothing changes the model. Times are
hours, rates per hour.

Where a consignment joins each queue (see sim/flows/clearance.py and sim/agents/customs.py):

* document check: when its declaration is lodged (``risk_assessed`` = ``declaration_lodged``),
  served from ``doc_check_start`` to ``doc_check_end``;
* inspection: ``inspection_queued``, served from ``inspection_start`` to ``inspection_end``;
* certification: when the previous step ends (lodgement for green, ``doc_check_end`` for
  yellow, ``inspection_end`` for red: booking and shuttles take no time in this scenario),
  served from ``certification_start`` to ``certification_end``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.records import CHANNELS, EXPORT, FLOWS, IMPORT, RED, YELLOW
from sim.theory import bonferroni_t, feed_forward_clearance_network

QUEUEING_STATIONS = ("doc_check", "inspection", "certification")
ENTRY = {IMPORT: "vessel_arrival", EXPORT: "gate_in"}  # when a consignment enters the system


# --------------------------------------------------------------------------- theory
def theory_network(cfg) -> dict:
    """The Jackson-network prediction for ``cfg`` (see sim.theory.feed_forward_clearance_network).

    Every number comes from the config; the only modelling fact added here is the model's rule
    that only imports are certified (sim/consignment.py: ``needs_certification ... & (flow ==
    IMPORT)``; DESIGN.md: certification is an import procedure).
    """
    imp, exp, c = cfg.imports, cfg.exports, cfg.customs

    def shares(flow_cfg):
        return (flow_cfg.channels.green, flow_cfg.channels.yellow, flow_cfg.channels.red)

    return feed_forward_clearance_network(
        imp.boxes_per_day / 24.0,
        exp.boxes_per_day / 24.0,
        shares(imp),
        shares(exp),
        None,
        doc_mean_h=c.doc_check.mean_h,
        doc_servers=c.doc_officers,
        inspection_mean_h=c.inspection.mean_h,
        inspection_servers=c.inspection_teams,
        cert_mean_h=c.certification.mean_h,
        cert_servers=c.certification_slots,
        certification_share_import=cfg.firms.certification_share,
        certification_share_export=0.0,
    )


def theory_values(cfg) -> dict[str, float]:
    """Predicted value of every compared metric, keyed like :func:`replication_metrics`."""
    net = theory_network(cfg)
    values = {}
    for name in QUEUEING_STATIONS:
        station = net["stations"][name]
        values[f"{name} wait"] = station.mean_wait_h
        values[f"{name} sojourn"] = station.mean_sojourn_h
    for (flow, channel), hours in net["mean_clearance_h"].items():
        values[f"clearance {flow}/{channel}"] = hours
    return values


# --------------------------------------------------------------------------- one run
def window_h(cfg) -> tuple[float, float]:
    """Measurement window [start, end) in hours: after warm-up, before horizon - cooldown."""
    r = cfg.run
    return r.warmup_days * 24.0, (r.horizon_days - r.cooldown_days) * 24.0


def log_columns(result) -> dict[str, np.ndarray]:
    """The consignment log as numpy arrays, milestones as float64 hours."""
    cols = {}
    for name in result.log.column_names:
        arr = result.log.column(name).to_numpy(zero_copy_only=False)
        cols[name] = arr.astype(np.float64) if arr.dtype == np.float32 else arr
    return cols


def station_visits(log: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """Per queueing station: row mask of the consignments that passed it, and their
    queue-join, service-start and departure times (aligned with the mask's True rows)."""
    channel = log["channel"]
    doc = (channel == YELLOW) | (channel == RED)
    insp = channel == RED
    cert = log["needs_certification"].astype(bool)
    after_checks = np.where(channel == YELLOW, log["doc_check_end"], log["declaration_lodged"])
    cert_join = np.where(channel == RED, log["inspection_end"], after_checks)
    return {
        "doc_check": {"rows": doc, "join": log["risk_assessed"][doc],
                      "start": log["doc_check_start"][doc], "end": log["doc_check_end"][doc]},
        "inspection": {"rows": insp, "join": log["inspection_queued"][insp],
                       "start": log["inspection_start"][insp], "end": log["inspection_end"][insp]},
        "certification": {"rows": cert, "join": cert_join[cert],
                          "start": log["certification_start"][cert],
                          "end": log["certification_end"][cert]},
    }


def measured_rows(log: dict[str, np.ndarray], cfg) -> np.ndarray:
    """Consignments that entered the system inside the measurement window."""
    start, end = window_h(cfg)
    entry = np.where(log["flow"] == IMPORT, log[ENTRY[IMPORT]], log[ENTRY[EXPORT]])
    return (entry >= start) & (entry < end)


def replication_metrics(result) -> dict[str, float]:
    """One replication's means (hours) of every compared metric, for consignments that
    entered in the measurement window: wait and sojourn per queueing station, and clearance
    time (release - declaration_lodged) per flow and channel."""
    log = log_columns(result)
    measured = measured_rows(log, result.config)
    out = {}
    for name, v in station_visits(log).items():
        keep = measured[v["rows"]]
        join, start, end = v["join"][keep], v["start"][keep], v["end"][keep]
        if not np.all(np.isfinite(end)):
            raise AssertionError(f"{name}: {np.sum(~np.isfinite(end))} measured visits unfinished")
        out[f"{name} wait"] = float(np.mean(start - join))
        out[f"{name} sojourn"] = float(np.mean(end - join))
    clearance = log["release"] - log["declaration_lodged"]
    for f, flow in enumerate(FLOWS):
        for ch, channel in enumerate(CHANNELS):
            rows = measured & (log["flow"] == f) & (log["channel"] == ch)
            out[f"clearance {flow}/{channel}"] = float(np.mean(clearance[rows]))
    return out


# --------------------------------------------------------------------------- intervals
@dataclass(frozen=True)
class Comparison:
    metric: str
    theory: float
    mean: float  # mean over replications of the per-replication means
    half_width: float  # Bonferroni-adjusted t half-width
    replications: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    @property
    def covers(self) -> bool:
        """Theory inside the interval. A metric with no sampling variance at all (export
        green clearance: exactly 0 h in every replication) must then match to float32
        resolution of the log."""
        return abs(self.theory - self.mean) <= max(self.half_width, 1e-6)


def compare(samples: list[dict[str, float]], theory: dict[str, float],
            confidence: float = 0.95) -> list[Comparison]:
    """Bonferroni-corrected t intervals over replications (one mean per replication, the
    replications independent), one per metric in ``theory``, family-wise ``confidence``."""
    n = len(samples)
    if n < 2:
        raise ValueError("need at least two replications")
    m = len(theory)
    t = bonferroni_t(confidence, m, n - 1)
    rows = []
    for metric, value in theory.items():
        x = np.array([s[metric] for s in samples])
        half = t * float(np.std(x, ddof=1)) / math.sqrt(n)
        rows.append(Comparison(metric, value, float(np.mean(x)), half, n))
    return rows


def format_table(title: str, rows: list[Comparison]) -> str:
    lines = [title,
             f"{'metric':<28}{'theory h':>10}{'sim mean h':>12}{'CI low':>10}{'CI high':>10}"
             f"{'rel err':>9}  inside"]
    for r in rows:
        rel = (r.mean - r.theory) / r.theory if r.theory else float("nan")
        lines.append(f"{r.metric:<28}{r.theory:>10.4f}{r.mean:>12.4f}{r.low:>10.4f}{r.high:>10.4f}"
                     f"{rel:>+9.2%}  {'yes' if r.covers else 'NO'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- station accounting
def statistics_window_h(cfg) -> tuple[float, float]:
    """Window of the stations' own time averages: from the warm-up to the horizon."""
    r = cfg.run
    return r.warmup_days * 24.0, r.horizon_days * 24.0


def _overlap_h(begin: np.ndarray, end: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Hours each interval [begin, end) spends inside [t0, t1); an unfinished interval (end
    NaN) lasts to t1, one that has not begun (begin NaN) counts 0."""
    begun = np.isfinite(begin)
    b = np.where(begun, begin, t1)
    e = np.where(np.isfinite(end), end, t1)
    return np.clip(np.minimum(e, t1) - np.maximum(b, t0), 0.0, None)


def queueing_station_accounting(result) -> dict[str, dict[str, float]]:
    """Per queueing station, what its own statistics say and what the log says.

    From the station (sim.station.Station.statistics, warm-up to horizon): ``L`` mean number
    present, ``lam`` arrivals per hour, ``utilisation``, ``arrivals``. From the log:
    ``W`` mean sojourn of the consignments that entered in the measurement window,
    ``log_L`` and ``log_busy`` the number present / in service integrated from the logged
    timestamps over the statistics window, ``log_arrivals`` queue joins in that window,
    ``log_service_h`` mean service time of the measured visits.

    At the horizon: ``present_at_end`` (visits joined but not finished, from the log),
    ``waiting_at_end`` (the station's queue, last row of the daily series) and
    ``log_started_at_end`` (unfinished visits whose service start the log has: the boxes in
    service at the horizon).
    """
    cfg = result.config
    log = log_columns(result)
    stats = result.summary["stations"]
    measured = measured_rows(log, cfg)
    t0, t1 = statistics_window_h(cfg)
    out = {}
    for name, v in station_visits(log).items():
        keep = measured[v["rows"]]
        join, start, end = v["join"], v["start"], v["end"]
        st = stats[name]
        out[name] = {
            "L": st["mean_present"],
            "lam": st["arrivals_per_h"],
            "utilisation": st["utilisation"],
            "servers": st["servers"],
            "arrivals": st["arrivals"],
            "W": float(np.mean(end[keep] - join[keep])),
            "log_service_h": float(np.mean(end[keep] - start[keep])),
            "log_L": float(np.sum(_overlap_h(join, end, t0, t1)) / (t1 - t0)),
            "log_busy": float(np.sum(_overlap_h(start, end, t0, t1)) / (t1 - t0)),
            "log_arrivals": int(np.sum((join >= t0) & (join < t1))),
            "hours": t1 - t0,
            "present_at_end": int(np.sum(np.isfinite(join) & ~np.isfinite(end))),
            "waiting_at_end": int(result.daily[f"{name}_queue"].iloc[-1]),
            "log_started_at_end": int(np.sum(np.isfinite(start) & ~np.isfinite(end))),
        }
    return out


def pass_through_accounting(result) -> dict[str, dict[str, float]]:
    """The terminal stations that are pure zero-time pass-throughs in the verification scenario
    (unlimited shuttles and gate, no vessels: berth unused). For each: the station's own L and
    arrivals, the arrivals the log implies in the statistics window, and the time spent there
    as far as the log records it (``W``; NaN where the log has no timestamps around it)."""
    cfg = result.config
    log = log_columns(result)
    stats = result.summary["stations"]
    t0, t1 = statistics_window_h(cfg)

    def inside(t: np.ndarray) -> int:
        return int(np.sum((t >= t0) & (t < t1)))

    red = log["channel"] == RED
    imp = log["flow"] == IMPORT
    exp_ = log["flow"] == EXPORT
    # Shuttle: out after the document check, back after inspection (two trips per red box).
    shuttle_out = log["inspection_queued"][red] - log["doc_check_end"][red]
    # Gate: import pickups pass it between appointment and gate-out; export deliveries
    # before gate-in (the truck's arrival at the gate is not logged).
    gate_import = log["gate_out"][imp] - log["pickup_appointment"][imp]
    out = {
        "shuttle": {"log_arrivals": (inside(log["doc_check_end"][red])
                                     + inside(log["inspection_end"][red])),
                    "W": float(np.nanmean(shuttle_out)) if red.any() else float("nan")},
        "gate": {"log_arrivals": (inside(log["pickup_appointment"][imp])
                                  + inside(log["gate_in"][exp_])),
                 "W": float(np.nanmean(gate_import)) if imp.any() else float("nan")},
        "berth": {"log_arrivals": 0, "W": 0.0},  # no vessel calls in poisson arrival mode
    }
    for name, row in out.items():
        row["L"] = stats[name]["mean_present"]
        row["lam"] = stats[name]["arrivals_per_h"]
        row["arrivals"] = stats[name]["arrivals"]
    return out
