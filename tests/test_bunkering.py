"""The bonded bunker market and the bonded_blending policy, run in a minimal Mesa harness.

The harness (``conftest.SubModelHarness``) is a bare ``mesa.Model`` with what :class:`BunkerMarket` may read (``env``, ``seed``,
``firms``, ``warmup_h``, ``config``), stepped a day at a time like ``ClearanceModel``. Runs are
120 days (20 warm-up, 5 cool-down) of the Yangshan bunker config, about 0.1 s each.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from omegaconf import OmegaConf
from scipy import stats

from conftest import SubModelHarness

from sim import ConfigError, load_config
from sim.bunkering.market import BunkerMarket
from sim.bunkering.records import BLEND, HSFO, LSFO, PRE_BLENDED
from sim.bunkering.reference import plausibility_table
from sim.bunkering.supplier import blend_plan
from sim.loading import CONFIG_DIR
from sim.schema import check
from sim.schema.bunkering import BunkeringConfig
from sim.schema.policies import BondedBlendingConfig

RUN = ("run.horizon_days=120", "run.warmup_days=20", "run.cooldown_days=5")
SEEDS = range(1, 9)
OFF, ON = BondedBlendingConfig(), BondedBlendingConfig(enabled=True)
ARRIVAL_COLUMNS = ("day", "demand_t", "patience_h", "travel_h", "customs_h", "requested")
SERVED_MILESTONES = ("requested", "stock_promised", "barge_dispatched", "alongside", "pumping_start",
                     "pumping_end", "barge_back")


@pytest.fixture(scope="module")
def port_config():
    return load_config("shanghai", list(RUN))


def bunkering_config(*overrides: str) -> BunkeringConfig:
    """configs/bunkering/yangshan.yaml with dotted ``key=value`` overrides, typed and validated."""
    node = OmegaConf.merge(OmegaConf.structured(BunkeringConfig),
                           OmegaConf.load(CONFIG_DIR / "bunkering" / "yangshan.yaml"),
                           OmegaConf.from_dotlist(list(overrides)))
    cfg = OmegaConf.to_object(node)
    check(cfg, "bunkering")
    return cfg


def run_market(port_config, seed: int, policy: BondedBlendingConfig = OFF, *overrides: str):
    """Simulate the whole horizon day by day; return (market, summary of the measurement window)."""
    model = SubModelHarness(seed, port_config)
    market = BunkerMarket(model, bunkering_config(*overrides), policy)
    run = port_config.run
    for day in range(1, run.horizon_days + 1):
        model.env.run(until=day * 24.0)
        market.daily_update()
        market.daily_series()
    return market, market.summary(model.warmup_h, (run.horizon_days - run.cooldown_days) * 24.0)


_CACHE: dict = {}


def simulate(port_config, seed: int, policy: BondedBlendingConfig = OFF, *overrides: str):
    """:func:`run_market`, cached per (seed, policy, overrides): do not mutate the result."""
    key = (seed, policy.enabled, policy.sulfur_target_pct, policy.blending_cost_usd_per_t, overrides)
    if key not in _CACHE:
        _CACHE[key] = run_market(port_config, seed, policy, *overrides)
    return _CACHE[key]


def same_table(a, b) -> bool:
    """Equal column names and values, NaN equal to NaN."""
    return a.column_names == b.column_names and all(
        np.array_equal(a.column(n).to_numpy(), b.column(n).to_numpy(), equal_nan=a.column(n).type != "bool")
        for n in a.column_names)


def calls(market) -> dict[str, np.ndarray]:
    return {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in market.calls.view().items()}


# ---------------------------------------------------------------------------- accounting


@pytest.mark.parametrize("policy", [OFF, ON], ids=["baseline", "blending"])
def test_every_call_is_served_lost_or_still_in_system(port_config, policy):
    market, summary = simulate(port_config, 1, policy)
    c = calls(market)
    served, lost = np.isfinite(c["pumping_end"]), np.isfinite(c["sailed_unserved"])
    assert not (served & lost).any(), "a call was both served and lost"
    cons = summary["conservation"]
    assert cons["arrived"] == market.calls.size > 1000
    assert cons["served"] + cons["lost"] + cons["in_system"] == cons["arrived"]
    assert (cons["served"], cons["lost"]) == (market.served, market.lost)
    assert cons["in_system"] <= 20, "more calls open at the horizon than a day's arrivals"
    window = summary["calls"]
    assert window["served"] + window["lost"] + window["in_system"] == window["arrived"]
    sold = c["demand_t"][served & (c["requested"] >= 20 * 24) & (c["requested"] < 115 * 24)].sum()
    assert summary["tonnes_sold"] == pytest.approx(sold)
    json.dumps(summary, allow_nan=False)  # JSON-ready


@pytest.mark.parametrize("policy", [OFF, ON], ids=["baseline", "blending"])
def test_milestones_follow_the_delivery_and_patience_is_kept(port_config, policy):
    market, _ = simulate(port_config, 2, policy)
    c = calls(market)
    served = np.isfinite(c["pumping_end"])
    assert (np.isnan(c["barge_back"][served]).sum() <= 4), "barges still out long before the horizon"
    back = served & np.isfinite(c["barge_back"])  # barges out at the horizon have no barge_back
    times = np.column_stack([c[m][back] for m in SERVED_MILESTONES])
    assert np.isfinite(times).all()
    assert (np.diff(times, axis=1) >= -1e-3).all(), "a served call's milestones are out of order"
    tolerance_h = 1e-2  # float32 hours
    assert (c["barge_dispatched"][served] - c["requested"][served] <= c["patience_h"][served] + tolerance_h).all()
    lost = np.isfinite(c["sailed_unserved"])
    assert lost.any()
    np.testing.assert_allclose(c["sailed_unserved"][lost] - c["requested"][lost], c["patience_h"][lost],
                               atol=tolerance_h)
    assert np.isnan(c["barge_dispatched"][lost]).all(), "a barge delivered to a vessel that had sailed"


@pytest.mark.parametrize("policy", [OFF, ON], ids=["baseline", "blending"])
def test_vlsfo_is_conserved_in_the_tank(port_config, policy):
    market, _ = simulate(port_config, 3, policy)
    c, orders, tank = calls(market), market.supplier.orders.view(), market.supplier.vlsfo
    supplier = bunkering_config().supplier
    start_t = (supplier.blending if policy.enabled else supplier.pre_blended).order_up_to_t
    received_t = np.nansum(orders["received_t"][np.isin(orders["kind"], (PRE_BLENDED, BLEND))], dtype=np.float64)
    pumped_t = c["demand_t"][np.isfinite(c["barge_dispatched"])].sum()
    assert tank.level_t == pytest.approx(start_t + received_t - pumped_t, abs=5.0)
    awaiting_barge = np.isfinite(c["stock_promised"]) & np.isnan(c["barge_dispatched"]) & np.isnan(c["sailed_unserved"])
    assert tank.level_t - tank.available_t == pytest.approx(c["demand_t"][awaiting_barge].sum(), abs=1e-3)


def test_stockouts_are_the_calls_that_wait_for_stock(port_config):
    market, summary = simulate(port_config, 3)
    c = calls(market)
    promised = np.isfinite(c["stock_promised"])
    waited = c["stock_promised"] - c["requested"] > 1e-3
    assert (waited[promised] <= c["stockout"][promised]).all(), "a call waited for stock without a stock-out"
    assert c["stockout"].sum() > 0 and (c["stockout"] & ~promised).sum() > 0, "no stock-out ever lost a call"
    assert 0 < summary["stockout_share"] < 0.2


# ---------------------------------------------------------------------------- randomness


def test_same_seed_gives_an_identical_log(port_config):
    first = simulate(port_config, 5, ON)[0]
    again = run_market(port_config, 5, ON)[0]
    assert same_table(first.log_table(), again.log_table())
    assert same_table(first.supply_table(), again.supply_table())
    assert not same_table(first.log_table(), simulate(port_config, 6, ON)[0].log_table())


def test_blending_sees_the_same_vessel_calls(port_config):
    off, on = simulate(port_config, 4, OFF)[0].log_table(), simulate(port_config, 4, ON)[0].log_table()
    for column in ARRIVAL_COLUMNS:
        assert off.column(column).equals(on.column(column)), f"{column} differs between policy off and on"
    assert not same_table(off.select(["price_cny_per_t"]), on.select(["price_cny_per_t"]))


# ---------------------------------------------------------------------------- the policy


def _paired(port_config, metric) -> tuple[float, float, float]:
    diffs = np.array([metric(simulate(port_config, s, ON)[1]) - metric(simulate(port_config, s, OFF)[1])
                      for s in SEEDS])
    half = stats.t.ppf(0.975, len(diffs) - 1) * diffs.std(ddof=1) / np.sqrt(len(diffs))
    return float(diffs.mean()), float(diffs.mean() - half), float(diffs.mean() + half)


EFFECTS = {  # metric -> (value from a summary, expected sign of blending minus baseline)
    "price_cny_per_t": (lambda s: s["price_cny_per_t"], -1),
    "vlsfo_supply_lead_time_h": (lambda s: s["supply"]["vlsfo_lead_time_h"]["mean"], -1),
    "stockout_share": (lambda s: s["stockout_share"], -1),
    "stock_wait_h": (lambda s: s["stock_wait_h"]["mean"], -1),
    "wait_h": (lambda s: s["wait_h"]["mean"], -1),
    "share_served": (lambda s: s["share_served"], +1),
}


def test_bonded_blending_cuts_price_lead_time_and_waits_and_serves_more_calls(port_config):
    rows = {name: _paired(port_config, metric) for name, (metric, _) in EFFECTS.items()}
    print(f"\nBonded blending minus baseline, {len(SEEDS)} paired seeds (mean, 95 % CI):")
    print(pd.DataFrame(rows, index=["mean", "ci_low", "ci_high"]).T.round(4).to_string())
    for name, (_, sign) in EFFECTS.items():
        low, high = rows[name][1:]
        assert (high < 0) if sign < 0 else (low > 0), f"{name}: 95 % CI [{low:.4g}, {high:.4g}]"


def test_the_saving_follows_the_blending_cost(port_config):
    cheap = simulate(port_config, 1, ON)[1]["price_cny_per_t"]
    dear = simulate(port_config, 1, BondedBlendingConfig(enabled=True, blending_cost_usd_per_t=13.0))[1]
    cny_per_usd = bunkering_config().cny_per_usd
    assert dear["price_cny_per_t"] - cheap == pytest.approx(10 * cny_per_usd, abs=0.5 * cny_per_usd)


def test_a_supplier_without_licence_never_blends(port_config):
    unlicensed = "supplier.blending.licensed=false"
    market, summary = simulate(port_config, 1, ON, unlicensed)
    kinds = market.supplier.orders.view()["kind"]
    assert not np.isin(kinds, (BLEND, HSFO, LSFO)).any()
    assert summary["blending"] == {"policy_enabled": True, "licensed": False, "blends": False}
    assert same_table(market.log_table(), simulate(port_config, 1, OFF, unlicensed)[0].log_table())
    blender = simulate(port_config, 1, ON)[0].supplier.orders.view()["kind"]
    assert np.isin(blender, (BLEND, HSFO, LSFO)).all() and (blender == BLEND).any()
    assert (simulate(port_config, 1, OFF)[0].supplier.orders.view()["kind"] == PRE_BLENDED).all()


# ---------------------------------------------------------------------------- sulfur enforcement

SULFUR = st.floats(0.0, 5.0, allow_nan=False)
TONNES = st.floats(0.0, 1e5, allow_nan=False)


@given(wanted=st.floats(1.0, 1e5), hsfo=TONNES, lsfo=TONNES, s_h=SULFUR, s_l=SULFUR,
       target=st.floats(0.05, 0.50))
def test_a_blend_never_exceeds_its_sulfur_target(wanted, hsfo, lsfo, s_h, s_l, target):
    h, l = blend_plan(wanted, hsfo, lsfo, s_h, s_l, target)
    assert 0 <= h <= hsfo and 0 <= l <= lsfo and h + l <= wanted * (1 + 1e-12)
    if h + l > 0:
        assert (h * s_h + l * s_l) / (h + l) <= target + 1e-9


def test_plentiful_components_blend_a_full_run_at_the_target():
    h, l = blend_plan(5000, 1e6, 1e6, 3.5, 0.1, 0.47)
    assert h + l == pytest.approx(5000)
    assert (h * 3.5 + l * 0.1) / 5000 == pytest.approx(0.47)


@pytest.mark.parametrize("policy, overrides", [
    (OFF, ()), (ON, ()),
    (ON, ("supplier.hsfo.sulfur_min_pct=3.5", "supplier.hsfo.sulfur_max_pct=4.5", "supplier.lsfo.sulfur_min_pct=0.2",
          "supplier.lsfo.sulfur_max_pct=0.45", "supplier.hsfo.reorder_level_t=500")),
], ids=["baseline", "blending", "blending-poor-components"])
def test_no_delivered_batch_exceeds_the_limit(port_config, policy, overrides):
    market, summary = simulate(port_config, 7, policy, *overrides)
    sulfur = calls(market)["sulfur_pct"]
    delivered = np.isfinite(sulfur)
    assert delivered.sum() > 1000
    assert sulfur[delivered].max() <= 0.50 and summary["sulfur_pct"]["batches_above_limit"] == 0
    if policy.enabled:
        assert sulfur[delivered].max() <= policy.sulfur_target_pct + 1e-6


# ---------------------------------------------------------------------------- magnitudes


def test_magnitudes_are_plausible_against_figures(port_config):
    table = plausibility_table([simulate(port_config, s, OFF)[1] for s in SEEDS],
                               [simulate(port_config, s, ON)[1] for s in SEEDS])
    with pd.option_context("display.width", 200, "display.max_columns", 10, "display.max_colwidth", 60):
        print(f"\nBunker market vs reference/figures.md ({len(SEEDS)} seeds):\n")
        print(table.drop(columns=["low", "high"]).round(3).to_string(index=False))
    assert table["within"].all(), table.loc[~table["within"], ["figure", "model", "reference"]].to_string()


def test_tax_relief_is_the_waived_consumption_tax_plus_rebated_vat(port_config):
    summary = simulate(port_config, 1)[1]
    assert summary["bonded_tax_relief_cny_per_t"] == pytest.approx(1218 + 0.13 * (summary["price_cny_per_t"] + 1218))


def test_daily_series_track_stocks_and_calls(port_config):
    model = SubModelHarness(1, port_config)
    market = BunkerMarket(model, bunkering_config(), ON)
    days = [None]
    for day in range(1, 31):
        model.env.run(until=day * 24.0)
        market.daily_update()
        days.append(market.daily_series())
    series = pd.DataFrame(days[1:])
    assert (series[["bunker_vlsfo_stock_t", "bunker_hsfo_stock_t", "bunker_lsfo_stock_t"]] >= 0).all().all()
    assert series["bunker_lsfo_stock_t"].nunique() > 10, "component stocks never moved"
    assert (series["bunker_calls_served"].diff().dropna() >= 0).all()
    assert series["bunker_calls_served"].iloc[-1] > 250
    assert {s.name for s in market.stations} == {"bunker_barge", "blending_line", "bunker_customs"}


def test_a_disabled_market_has_no_calls(port_config):
    market, summary = simulate(port_config, 1, OFF, "enabled=false")
    assert market.calls.size == 0 and summary["calls"]["arrived"] == 0


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize("override, field", [
    ("calls_per_day=0", "bunkering.calls_per_day"),
    ("demand_mean_t=-5", "bunkering.demand_mean_t"),
    ("demand_cv=-0.1", "bunkering.demand_cv"),
    ("patience.mean_h=0", "bunkering.patience.mean_h"),
    ("patience.dist=weibull", "bunkering.patience.dist"),
    ("customs_officers=-1", "bunkering.customs_officers"),
    ("customs_supervision.cv=-1", "bunkering.customs_supervision.cv"),
    ("sulfur_limit_pct=0", "bunkering.sulfur_limit_pct"),
    ("cny_per_usd=0", "bunkering.cny_per_usd"),
    ("consumption_tax_cny_per_t=-1", "bunkering.consumption_tax_cny_per_t"),
    ("vat_rate=1.3", "bunkering.vat_rate"),
    ("supplier.pre_blended.price_usd_per_t=0", "bunkering.supplier.pre_blended.price_usd_per_t"),
    ("supplier.pre_blended.lead_time.mean_h=0", "bunkering.supplier.pre_blended.lead_time.mean_h"),
    ("supplier.pre_blended.sulfur_max_pct=0.6", "bunkering.supplier.pre_blended.sulfur_max_pct"),
    ("supplier.hsfo.sulfur_min_pct=-1", "bunkering.supplier.hsfo.sulfur_min_pct"),
    ("supplier.hsfo.sulfur_max_pct=2", "bunkering.supplier.hsfo.sulfur_max_pct"),
    ("supplier.lsfo.sulfur_max_pct=0.5", "bunkering.supplier.lsfo.sulfur_max_pct"),
    ("supplier.lsfo.reorder_level_t=-1", "bunkering.supplier.lsfo.reorder_level_t"),
    ("supplier.lsfo.order_up_to_t=13000", "bunkering.supplier.lsfo.order_up_to_t"),
    ("supplier.blending.units=0", "bunkering.supplier.blending.units"),
    ("supplier.blending.rate_t_per_h=0", "bunkering.supplier.blending.rate_t_per_h"),
    ("supplier.blending.min_run_t=4001", "bunkering.supplier.blending.min_run_t"),
    ("supplier.barges.count=0", "bunkering.supplier.barges.count"),
    ("supplier.barges.capacity_t=500", "bunkering.supplier.barges.capacity_t"),
    ("supplier.barges.pumping_rate_t_per_h=0", "bunkering.supplier.barges.pumping_rate_t_per_h"),
    ("supplier.barges.cost_usd_per_h=-1", "bunkering.supplier.barges.cost_usd_per_h"),
    ("supplier.margin_usd_per_t=-1", "bunkering.supplier.margin_usd_per_t"),
    ("supplier.holding_pct_per_year=-1", "bunkering.supplier.holding_pct_per_year"),
])
def test_bad_bunkering_values_name_their_field(override, field):
    with pytest.raises(ConfigError) as err:
        bunkering_config(override)
    assert err.value.field_path == field


@pytest.mark.parametrize("override, field", [
    ("policies.bonded_blending.sulfur_target_pct=0.55", "policies.bonded_blending.sulfur_target_pct"),
    ("policies.bonded_blending.sulfur_target_pct=0.1", "policies.bonded_blending.sulfur_target_pct"),
    ("policies.bonded_blending.blending_cost_usd_per_t=-1", "policies.bonded_blending.blending_cost_usd_per_t"),
])
def test_bad_blending_values_name_their_field(override, field):
    with pytest.raises(ConfigError) as err:
        load_config("shanghai", ["policy=bonded_blending", override])
    assert err.value.field_path == field
    assert load_config("shanghai", ["policy=bonded_blending"]).policies.bonded_blending.enabled


def test_shipped_policy_file_switches_blending_on():
    node = OmegaConf.load(CONFIG_DIR / "policy" / "bonded_blending.yaml")
    policy = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(BondedBlendingConfig),
                                                 node.policies.bonded_blending))
    assert policy.enabled and policy.sulfur_target_pct == BondedBlendingConfig().sulfur_target_pct
