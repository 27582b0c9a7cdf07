"""Tests for sim.theory: analytic M/M/c, the verification network, Bonferroni values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.theory import (
    Station,
    bonferroni_t,
    bonferroni_z,
    erlang_c,
    feed_forward_clearance_network,
    mmc_mean_number_in_system,
    mmc_mean_queue_length,
    mmc_mean_sojourn_h,
    mmc_mean_wait_h,
    utilisation,
)


def erlang_c_factorial(lam: float, s: float, c: int) -> float:
    """Textbook Erlang C with factorials (fine for small c)."""
    a = lam * s
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def erlang_c_logspace(lam: float, s: float, c: int) -> float:
    """Erlang C via log-gamma terms (independent of the Erlang B recursion)."""
    a = lam * s
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_top = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    m = max(max(logs), log_top)
    denom = sum(math.exp(x - m) for x in logs) + math.exp(log_top - m)
    return math.exp(log_top - m) / denom


# --------------------------------------------------------------------------- Erlang C
@pytest.mark.parametrize("c", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("rho", [0.05, 0.3, 0.5, 0.7, 0.9, 0.99])
@pytest.mark.parametrize("s", [0.25, 1.0, 3.0])
def test_erlang_c_matches_factorial_formula(c, rho, s):
    lam = rho * c / s
    assert erlang_c(lam, s, c) == pytest.approx(erlang_c_factorial(lam, s, c), rel=1e-12)


def test_erlang_c_published_value():
    # lambda = 2/h, s = 1 h, c = 3: a = 2, C = 4/9.
    assert erlang_c(2.0, 1.0, 3) == pytest.approx(4.0 / 9.0, rel=1e-12)
    assert erlang_c(2.0, 1.0, 3) == pytest.approx(0.4444, abs=5e-5)


def test_erlang_c_mm1_is_rho():
    for rho in (0.1, 0.5, 0.95):
        assert erlang_c(rho * 4.0, 0.25, 1) == pytest.approx(rho, rel=1e-12)


@pytest.mark.parametrize("c", [50, 300, 500])
@pytest.mark.parametrize("rho", [0.8, 0.95, 0.999])
def test_erlang_c_large_c_is_finite_and_matches_logspace(c, rho):
    lam = rho * c / 2.0
    value = erlang_c(lam, 2.0, c)
    assert math.isfinite(value)
    assert 0.0 < value < 1.0
    assert value == pytest.approx(erlang_c_logspace(lam, 2.0, c), rel=1e-9)


def test_erlang_c_300_servers_rho_095():
    value = erlang_c(0.95 * 300, 1.0, 300)
    assert math.isfinite(value) and 0.0 < value < 1.0


def test_erlang_c_zero_rate_is_zero():
    assert erlang_c(0.0, 1.0, 3) == 0.0
    assert mmc_mean_wait_h(0.0, 1.0, 3) == 0.0
    assert mmc_mean_sojourn_h(0.0, 1.5, 3) == 1.5


@pytest.mark.parametrize(
    "lam, s, c",
    [
        (3.0, 1.0, 3),  # rho == 1
        (4.0, 1.0, 3),  # rho > 1
        (1.0, 1.0, 1),  # M/M/1 at rho == 1
        (-1.0, 1.0, 1),  # negative rate
        (1.0, 0.0, 2),  # zero service time
        (1.0, -1.0, 2),  # negative service time
        (1.0, 0.1, 0),  # no servers
        (1.0, 0.1, -2),  # negative servers
        (1.0, 0.1, 2.5),  # non-integer servers
    ],
)
def test_erlang_c_invalid_raises(lam, s, c):
    with pytest.raises(ValueError):
        erlang_c(lam, s, c)
    with pytest.raises(ValueError):
        mmc_mean_wait_h(lam, s, c)


@settings(max_examples=200, deadline=None)
@given(
    c=st.integers(min_value=1, max_value=200),
    rho=st.floats(min_value=0.01, max_value=0.99),
    s=st.floats(min_value=0.01, max_value=10.0),
)
def test_erlang_c_properties(c, rho, s):
    lam = rho * c / s
    value = erlang_c(lam, s, c)
    assert 0.0 < value < 1.0
    # More load -> more waiting.
    assert erlang_c(lam * 0.9, s, c) <= value + 1e-12
    # Same load split over more servers (same per-server utilisation) -> less waiting.
    assert erlang_c(lam * (c + 1) / c, s, c + 1) <= value + 1e-12


# --------------------------------------------------------------------------- M/M/c means
@pytest.mark.parametrize("lam, mu", [(0.5, 1.0), (3.0, 4.0), (9.5, 10.0), (0.1, 2.0)])
def test_mm1_closed_forms(lam, mu):
    s = 1.0 / mu
    rho = lam / mu
    assert utilisation(lam, s, 1) == pytest.approx(rho)
    assert mmc_mean_wait_h(lam, s, 1) == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert mmc_mean_sojourn_h(lam, s, 1) == pytest.approx(1.0 / (mu - lam), rel=1e-12)
    assert mmc_mean_number_in_system(lam, s, 1) == pytest.approx(rho / (1 - rho), rel=1e-12)
    assert mmc_mean_queue_length(lam, s, 1) == pytest.approx(rho**2 / (1 - rho), rel=1e-12)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9])
def test_mm2_closed_form(rho):
    # M/M/2: W = s / (1 - rho^2), Lq = 2 rho^3 / (1 - rho^2).
    s = 0.5
    lam = 2 * rho / s
    assert mmc_mean_sojourn_h(lam, s, 2) == pytest.approx(s / (1 - rho**2), rel=1e-12)
    assert mmc_mean_queue_length(lam, s, 2) == pytest.approx(2 * rho**3 / (1 - rho**2), rel=1e-12)


def test_littles_law_and_wait_formula():
    lam, s, c = 7.0, 0.8, 6
    a = lam * s
    wq = mmc_mean_wait_h(lam, s, c)
    assert wq == pytest.approx(erlang_c(lam, s, c) * s / (c - a), rel=1e-12)
    assert mmc_mean_sojourn_h(lam, s, c) == pytest.approx(wq + s, rel=1e-12)
    assert mmc_mean_queue_length(lam, s, c) == pytest.approx(lam * wq, rel=1e-12)
    assert mmc_mean_number_in_system(lam, s, c) == pytest.approx(lam * (wq + s), rel=1e-12)
    # L = Lq + a (mean number in service).
    assert mmc_mean_number_in_system(lam, s, c) == pytest.approx(
        mmc_mean_queue_length(lam, s, c) + a, rel=1e-12
    )


def test_station_properties():
    st_ = Station("doc_check", 2.0, 1.0, 3)
    assert st_.utilisation == pytest.approx(2.0 / 3.0)
    assert st_.erlang_c == pytest.approx(4.0 / 9.0)
    assert st_.mean_wait_h == pytest.approx(4.0 / 9.0)  # C * s / (c - a) = (4/9) / 1
    assert st_.mean_sojourn_h == pytest.approx(1.0 + 4.0 / 9.0)
    with pytest.raises(AttributeError):
        st_.servers = 4  # frozen
    with pytest.raises(ValueError):
        Station("bad", 1.0, 1.0, 0)
    # Unstable stations can be built (for config validation) but have no waiting time.
    unstable = Station("over", 5.0, 1.0, 4)
    assert unstable.utilisation == pytest.approx(1.25)
    with pytest.raises(ValueError):
        _ = unstable.mean_wait_h


# --------------------------------------------------------------------------- network
NET_KW = dict(
    doc_mean_h=0.5, doc_servers=1,
    inspection_mean_h=1.2, inspection_servers=1,
    cert_mean_h=1.0, cert_servers=2,
)


def test_network_hand_computed():
    # import 2/h (0.5, 0.25, 0.25), export 1/h (0.5, 0.5, 0), certification share 0.2.
    # doc:  lambda = 2*0.5 + 1*0.5 = 1.5/h, s = 0.5, c = 1 -> rho 0.75, W = 0.5/0.25 = 2 h
    # insp: lambda = 2*0.25 + 0     = 0.5/h, s = 1.2, c = 1 -> rho 0.6,  W = 1.2/0.4  = 3 h
    # cert: lambda = 0.2*3          = 0.6/h, s = 1.0, c = 2 -> rho 0.3,  W = 1/(1-0.09) h
    net = feed_forward_clearance_network(
        2.0, 1.0, (0.5, 0.25, 0.25), (0.5, 0.5, 0.0), 0.2, **NET_KW
    )
    stations = net["stations"]
    assert set(stations) == {"doc_check", "inspection", "certification"}
    assert stations["doc_check"].arrival_rate_per_h == pytest.approx(1.5)
    assert stations["inspection"].arrival_rate_per_h == pytest.approx(0.5)
    assert stations["certification"].arrival_rate_per_h == pytest.approx(0.6)
    assert stations["doc_check"].utilisation == pytest.approx(0.75)
    assert stations["inspection"].utilisation == pytest.approx(0.6)
    assert stations["certification"].utilisation == pytest.approx(0.3)
    assert stations["doc_check"].mean_sojourn_h == pytest.approx(2.0)
    assert stations["inspection"].mean_sojourn_h == pytest.approx(3.0)
    w_cert = 1.0 / 0.91
    assert stations["certification"].mean_sojourn_h == pytest.approx(w_cert)

    clear = net["mean_clearance_h"]
    assert set(clear) == {(f, ch) for f in ("import", "export")
                          for ch in ("green", "yellow", "red")}
    for flow in ("import", "export"):
        assert clear[(flow, "green")] == pytest.approx(0.2 * w_cert)
        assert clear[(flow, "yellow")] == pytest.approx(2.0 + 0.2 * w_cert)
        assert clear[(flow, "red")] == pytest.approx(2.0 + 3.0 + 0.2 * w_cert)


def test_network_per_flow_certification_shares():
    # Same network as above, but only imports are certified (share 0.3): the Clearway rule.
    # cert: lambda = 0.3 * 2 + 0 * 1 = 0.6/h (same load as before, now all from imports).
    net = feed_forward_clearance_network(
        2.0, 1.0, (0.5, 0.25, 0.25), (0.5, 0.5, 0.0), None, **NET_KW,
        certification_share_import=0.3, certification_share_export=0.0,
    )
    assert net["certification_share"] == {"import": 0.3, "export": 0.0}
    assert net["stations"]["certification"].arrival_rate_per_h == pytest.approx(0.6)
    w_cert = 1.0 / 0.91
    clear = net["mean_clearance_h"]
    assert clear[("import", "green")] == pytest.approx(0.3 * w_cert)
    assert clear[("import", "yellow")] == pytest.approx(2.0 + 0.3 * w_cert)
    assert clear[("import", "red")] == pytest.approx(2.0 + 3.0 + 0.3 * w_cert)
    # Exports are never certified: their clearance is the path through the checks only.
    assert clear[("export", "green")] == 0.0
    assert clear[("export", "yellow")] == pytest.approx(2.0)
    assert clear[("export", "red")] == pytest.approx(5.0)


def test_network_per_flow_share_overrides_common_share():
    # A per-flow keyword wins over the common share for its flow; the other flow keeps it.
    net = feed_forward_clearance_network(
        2.0, 1.0, (0.5, 0.25, 0.25), (0.5, 0.5, 0.0), 0.2, **NET_KW,
        certification_share_export=0.0,
    )
    assert net["certification_share"] == {"import": 0.2, "export": 0.0}
    assert net["stations"]["certification"].arrival_rate_per_h == pytest.approx(0.4)
    legacy = feed_forward_clearance_network(
        2.0, 1.0, (0.5, 0.25, 0.25), (0.5, 0.5, 0.0), 0.2, **NET_KW
    )
    assert legacy["certification_share"] == {"import": 0.2, "export": 0.2}


@pytest.mark.parametrize(
    "common, per_flow",
    [
        (None, {}),  # no share at all
        (None, {"certification_share_import": 0.1}),  # export share missing
        (None, {"certification_share_import": -0.1, "certification_share_export": 0.0}),
        (0.1, {"certification_share_export": 1.5}),
    ],
)
def test_network_missing_or_invalid_flow_share_raises(common, per_flow):
    with pytest.raises(ValueError):
        feed_forward_clearance_network(
            2.0, 1.0, (0.5, 0.25, 0.25), (0.5, 0.5, 0.0), common, **NET_KW, **per_flow
        )


def test_network_zero_rate_stations():
    # Only green consignments, no certification: every station is idle.
    net = feed_forward_clearance_network(5.0, 0.0, (1.0, 0.0, 0.0), (1.0, 0.0, 0.0), 0.0, **NET_KW)
    for name, mean in (("doc_check", 0.5), ("inspection", 1.2), ("certification", 1.0)):
        station = net["stations"][name]
        assert station.arrival_rate_per_h == 0.0
        assert station.erlang_c == 0.0
        assert station.mean_wait_h == 0.0
        assert station.mean_sojourn_h == pytest.approx(mean)
    clear = net["mean_clearance_h"]
    assert clear[("import", "green")] == 0.0
    # Paths are still defined for channels nobody takes: idle-station sojourn = service.
    assert clear[("import", "yellow")] == pytest.approx(0.5)
    assert clear[("export", "red")] == pytest.approx(0.5 + 1.2)


def test_network_unstable_or_invalid_raises():
    with pytest.raises(ValueError):  # doc check at rho = 1.5
        feed_forward_clearance_network(3.0, 0.0, (0.0, 1.0, 0.0), (1.0, 0.0, 0.0), 0.0, **NET_KW)
    with pytest.raises(ValueError):  # shares do not sum to 1
        feed_forward_clearance_network(1.0, 1.0, (0.5, 0.3, 0.1), (1.0, 0.0, 0.0), 0.0, **NET_KW)
    with pytest.raises(ValueError):  # certification share > 1
        feed_forward_clearance_network(1.0, 1.0, (1.0, 0.0, 0.0), (1.0, 0.0, 0.0), 1.5, **NET_KW)


# --------------------------------------------------------------------------- Bonferroni
def test_bonferroni_z_values():
    assert bonferroni_z(0.95, 1) == pytest.approx(1.959964, abs=1e-6)
    assert bonferroni_z(0.95, 5) == pytest.approx(2.575829, abs=1e-6)  # = z_{0.995}
    assert bonferroni_z(0.90, 2) == pytest.approx(1.959964, abs=1e-6)  # 0.10/2/2 = 0.025
    assert bonferroni_z(0.95, 10) > bonferroni_z(0.95, 5)


def test_bonferroni_t_values():
    assert bonferroni_t(0.95, 1, 10) == pytest.approx(2.228139, abs=1e-6)
    assert bonferroni_t(0.95, 5, 10) == pytest.approx(3.169273, abs=1e-6)  # = t_{0.995,10}
    assert bonferroni_t(0.95, 1, 1e9) == pytest.approx(bonferroni_z(0.95, 1), abs=1e-6)


@pytest.mark.parametrize("args", [(1.0, 1), (0.0, 1), (0.95, 0), (1.2, 3)])
def test_bonferroni_invalid(args):
    with pytest.raises(ValueError):
        bonferroni_z(*args)
    with pytest.raises(ValueError):
        bonferroni_t(*args, 10)
