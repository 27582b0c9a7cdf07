"""Queueing-theory reference formulas for Clearway.

Used by the test-suite (to check simulated waits against analytic values) and by
configuration validation (to reject unstable station set-ups before a run).

Units, everywhere in this module:

* rates are **per hour** (``*_per_h``),
* times are **hours** (``*_h``),
* ``servers`` is an integer count of parallel servers (officers, lanes, ...),
* utilisation and probabilities are dimensionless.

Only ``math``, ``numpy``/``scipy`` and the standard library are used; nothing here
imports the simulation.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

from scipy import stats

__all__ = [
    "erlang_b",
    "erlang_c",
    "utilisation",
    "mmc_mean_wait_h",
    "mmc_mean_sojourn_h",
    "mmc_mean_number_in_system",
    "mmc_mean_queue_length",
    "Station",
    "feed_forward_clearance_network",
    "bonferroni_z",
    "bonferroni_t",
]

CHANNELS: tuple[str, str, str] = ("green", "yellow", "red")
FLOWS: tuple[str, str] = ("import", "export")


# --------------------------------------------------------------------------- validation
def _check_inputs(arrival_rate_per_h: float, mean_service_h: float, servers: int) -> int:
    """Validate M/M/c inputs; return ``servers`` as a plain int.

    A zero arrival rate is allowed (an idle station); negative rates, non-positive
    service times and fewer than one server are not.
    """
    if isinstance(servers, bool):
        raise ValueError(f"servers must be an integer >= 1, got {servers!r}")
    try:
        c = operator.index(servers)
    except TypeError:
        raise ValueError(f"servers must be an integer >= 1, got {servers!r}") from None
    if c < 1:
        raise ValueError(f"servers must be >= 1, got {c}")
    if not math.isfinite(arrival_rate_per_h) or arrival_rate_per_h < 0:
        raise ValueError(f"arrival_rate_per_h must be finite and >= 0, got {arrival_rate_per_h}")
    if not math.isfinite(mean_service_h) or mean_service_h <= 0:
        raise ValueError(f"mean_service_h must be finite and > 0, got {mean_service_h}")
    return c


def _check_stable(arrival_rate_per_h: float, mean_service_h: float, c: int) -> None:
    rho = arrival_rate_per_h * mean_service_h / c
    if rho >= 1.0:
        raise ValueError(
            f"unstable M/M/{c} queue: utilisation {rho:.4f} >= 1 "
            f"(arrival {arrival_rate_per_h}/h, mean service {mean_service_h} h)"
        )


# --------------------------------------------------------------------------- M/M/c
def utilisation(arrival_rate_per_h: float, mean_service_h: float, servers: int) -> float:
    """Server utilisation rho = lambda * s / c (dimensionless).

    ``arrival_rate_per_h`` in arrivals per hour, ``mean_service_h`` in hours.
    Does not require stability (may return values >= 1).
    """
    c = _check_inputs(arrival_rate_per_h, mean_service_h, servers)
    return arrival_rate_per_h * mean_service_h / c


def erlang_b(offered_load: float, servers: int) -> float:
    """Erlang B blocking probability B(c, a) for offered load ``a`` (Erlangs).

    Computed by the stable recursion B(0)=1, B(k) = a B(k-1) / (k + a B(k-1)),
    so it is safe for thousands of servers (no factorials, no overflow).
    """
    c = operator.index(servers)
    if c < 0 or offered_load < 0:
        raise ValueError("offered_load and servers must be non-negative")
    b = 1.0
    for k in range(1, c + 1):
        ab = offered_load * b
        b = ab / (k + ab)
    return b


def erlang_c(arrival_rate_per_h: float, mean_service_h: float, servers: int) -> float:
    """Probability that an arrival has to wait in an M/M/c queue (Erlang C).

    Parameters: arrival rate in arrivals per hour, mean service time in hours,
    number of servers. With offered load a = lambda*s,
    C(c, a) = c B(c, a) / (c - a (1 - B(c, a))), B from the Erlang B recursion.

    Returns 0.0 for a zero arrival rate. Raises ValueError for negative rates,
    non-positive service time or servers, or utilisation >= 1.
    """
    c = _check_inputs(arrival_rate_per_h, mean_service_h, servers)
    if arrival_rate_per_h == 0:
        return 0.0
    _check_stable(arrival_rate_per_h, mean_service_h, c)
    a = arrival_rate_per_h * mean_service_h
    b = erlang_b(a, c)
    return c * b / (c - a * (1.0 - b))


def mmc_mean_wait_h(arrival_rate_per_h: float, mean_service_h: float, servers: int) -> float:
    """Mean time in queue Wq (hours) of an M/M/c queue: C(c, a) * s / (c - a), a = lambda*s.

    Rate per hour, service time in hours. 0.0 for zero arrival rate.
    """
    c = _check_inputs(arrival_rate_per_h, mean_service_h, servers)
    if arrival_rate_per_h == 0:
        return 0.0
    a = arrival_rate_per_h * mean_service_h
    return erlang_c(arrival_rate_per_h, mean_service_h, c) * mean_service_h / (c - a)


def mmc_mean_sojourn_h(arrival_rate_per_h: float, mean_service_h: float, servers: int) -> float:
    """Mean time in system W (hours) = Wq + s. Rate per hour, service time in hours."""
    return mmc_mean_wait_h(arrival_rate_per_h, mean_service_h, servers) + mean_service_h


def mmc_mean_number_in_system(
    arrival_rate_per_h: float, mean_service_h: float, servers: int
) -> float:
    """Mean number in system L = lambda * W (Little's law; dimensionless count)."""
    return arrival_rate_per_h * mmc_mean_sojourn_h(arrival_rate_per_h, mean_service_h, servers)


def mmc_mean_queue_length(arrival_rate_per_h: float, mean_service_h: float, servers: int) -> float:
    """Mean number waiting Lq = lambda * Wq (Little's law; dimensionless count)."""
    return arrival_rate_per_h * mmc_mean_wait_h(arrival_rate_per_h, mean_service_h, servers)


@dataclass(frozen=True)
class Station:
    """An M/M/c station: Poisson arrivals (per hour), exponential service (mean, hours).

    Construction validates the inputs (rate >= 0, service > 0, servers >= 1) but not
    stability, so config validation can build a Station and inspect ``utilisation``;
    the waiting-time properties raise ValueError if utilisation >= 1.
    """

    name: str
    arrival_rate_per_h: float
    mean_service_h: float
    servers: int

    def __post_init__(self) -> None:
        _check_inputs(self.arrival_rate_per_h, self.mean_service_h, self.servers)

    @property
    def utilisation(self) -> float:
        """rho = lambda * s / c (dimensionless)."""
        return utilisation(self.arrival_rate_per_h, self.mean_service_h, self.servers)

    @property
    def erlang_c(self) -> float:
        """Probability an arrival waits (0 for an idle station)."""
        return erlang_c(self.arrival_rate_per_h, self.mean_service_h, self.servers)

    @property
    def mean_wait_h(self) -> float:
        """Mean time in queue Wq, hours."""
        return mmc_mean_wait_h(self.arrival_rate_per_h, self.mean_service_h, self.servers)

    @property
    def mean_sojourn_h(self) -> float:
        """Mean time in station W = Wq + s, hours."""
        return mmc_mean_sojourn_h(self.arrival_rate_per_h, self.mean_service_h, self.servers)

    @property
    def mean_number_in_system(self) -> float:
        """L = lambda * W."""
        return mmc_mean_number_in_system(
            self.arrival_rate_per_h, self.mean_service_h, self.servers
        )

    @property
    def mean_queue_length(self) -> float:
        """Lq = lambda * Wq."""
        return mmc_mean_queue_length(self.arrival_rate_per_h, self.mean_service_h, self.servers)


# --------------------------------------------------------------------------- network
def _check_shares(shares: tuple[float, float, float], label: str) -> tuple[float, float, float]:
    if len(shares) != 3:
        raise ValueError(f"{label} must have 3 entries (green, yellow, red), got {shares!r}")
    g, y, r = (float(x) for x in shares)
    if min(g, y, r) < 0 or not math.isclose(g + y + r, 1.0, abs_tol=1e-9):
        raise ValueError(f"{label} must be non-negative and sum to 1, got {shares!r}")
    return g, y, r


def _check_share(value: float, label: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{label} must be in [0, 1], got {value}")
    return value


def feed_forward_clearance_network(
    import_per_h: float,
    export_per_h: float,
    channel_shares_import: tuple[float, float, float],
    channel_shares_export: tuple[float, float, float],
    certification_share: float | None,
    doc_mean_h: float,
    doc_servers: int,
    inspection_mean_h: float,
    inspection_servers: int,
    cert_mean_h: float,
    cert_servers: int,
    *,
    certification_share_import: float | None = None,
    certification_share_export: float | None = None,
) -> dict:
    """Analytic (Jackson, feed-forward) model of the verification scenario.

    Import and export consignments arrive as Poisson streams (per hour). Each draws
    a channel independently with its flow's shares, ordered (green, yellow, red).
    Yellow and red visit document check (M/M/c, mean ``doc_mean_h`` hours); red then
    visits inspection (M/M/c); independently of channel, a fraction of each flow then
    visits certification (M/M/c); then release.

    Certification shares: ``certification_share`` applies to both flows (the original
    signature); the keyword-only ``certification_share_import`` /
    ``certification_share_export`` set one flow's share and take precedence. Pass
    ``certification_share=None`` and both keywords to give per-flow shares only (the
    Clearway model certifies imports only: ``certification_share_export=0``). A flow
    whose share is given neither way raises ValueError.

    By Poisson thinning/superposition and Burke's theorem every station sees a
    Poisson stream, so each is an independent M/M/c:

    * doc check:     lambda = imp*(y_i + r_i) + exp*(y_e + r_e)
    * inspection:    lambda = imp*r_i + exp*r_e
    * certification: lambda = q_i * imp + q_e * exp   (q = the flow's certification share)

    Returns ``{"stations": {"doc_check", "inspection", "certification": Station},
    "mean_clearance_h": {(flow, channel): hours},
    "certification_share": {"import": q_i, "export": q_e}}`` where the mean clearance
    time is the sum of mean sojourns on the channel's path plus ``q_flow *
    certification sojourn``. An idle station (rate 0) has sojourn equal to its mean
    service time. Raises ValueError if any station is unstable or inputs are invalid.
    """
    if import_per_h < 0 or export_per_h < 0:
        raise ValueError("import_per_h and export_per_h must be >= 0")
    if certification_share is not None:
        certification_share = _check_share(certification_share, "certification_share")
    shares = {}
    for flow, value in (("import", certification_share_import),
                        ("export", certification_share_export)):
        if value is None:
            value = certification_share
        if value is None:
            raise ValueError(
                f"no certification share for {flow}s: give certification_share or "
                f"certification_share_{flow}"
            )
        shares[flow] = _check_share(value, f"certification_share_{flow}")
    gi, yi, ri = _check_shares(channel_shares_import, "channel_shares_import")
    ge, ye, re_ = _check_shares(channel_shares_export, "channel_shares_export")

    stations = {
        "doc_check": Station(
            "doc_check", import_per_h * (yi + ri) + export_per_h * (ye + re_),
            doc_mean_h, doc_servers,
        ),
        "inspection": Station(
            "inspection", import_per_h * ri + export_per_h * re_,
            inspection_mean_h, inspection_servers,
        ),
        "certification": Station(
            "certification", shares["import"] * import_per_h + shares["export"] * export_per_h,
            cert_mean_h, cert_servers,
        ),
    }
    w = {name: st.mean_sojourn_h for name, st in stations.items()}  # raises if unstable
    path = {
        "green": 0.0,
        "yellow": w["doc_check"],
        "red": w["doc_check"] + w["inspection"],
    }
    mean_clearance = {
        (f, ch): path[ch] + shares[f] * w["certification"] for f in FLOWS for ch in CHANNELS
    }
    return {
        "stations": stations,
        "mean_clearance_h": mean_clearance,
        "certification_share": shares,
    }


# --------------------------------------------------------------------------- Bonferroni
def _bonferroni_upper(confidence: float, comparisons: int) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    m = operator.index(comparisons)
    if m < 1:
        raise ValueError(f"comparisons must be >= 1, got {comparisons}")
    return 1.0 - (1.0 - confidence) / (2.0 * m)


def bonferroni_z(confidence: float, comparisons: int) -> float:
    """Two-sided standard-normal critical value for family-wise ``confidence``.

    Each of ``comparisons`` intervals uses level 1 - (1 - confidence)/comparisons,
    i.e. returns Phi^-1(1 - alpha / (2 m)). E.g. (0.95, 1) -> 1.959964.
    """
    return float(stats.norm.ppf(_bonferroni_upper(confidence, comparisons)))


def bonferroni_t(confidence: float, comparisons: int, dof: float) -> float:
    """Two-sided Student-t critical value with ``dof`` degrees of freedom,
    Bonferroni-adjusted for ``comparisons`` intervals: t_dof^-1(1 - alpha / (2 m))."""
    if not dof > 0:
        raise ValueError(f"dof must be > 0, got {dof}")
    return float(stats.t.ppf(_bonferroni_upper(confidence, comparisons), dof))
