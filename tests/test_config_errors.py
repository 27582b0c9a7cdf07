"""Wrong configs fail at start-up with one line naming the field and what is allowed (issue 2, item 8).

Every case goes through the core API ``load_config(scenario, overrides)`` and must raise
``ConfigError`` whose ``field_path`` is the field to fix and whose message carries the words a
user needs: the allowed values or limit, the bad value, and for an overloaded station its name
and utilisation. Hand-built configs (``dataclasses.replace``) are checked by ``validate``.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from sim import ConfigError, load_config
from sim.capacity import offered_utilisation
from sim.feasibility import validate

V, S = "verification", "shanghai"

# (scenario, overrides, expected field_path, words that must all appear in the message)
CASES = [
    # --- unknown keys: the message lists the keys allowed in that section
    pytest.param(V, ["nonsense=1"], "nonsense", ["unknown", "scenario", "run", "customs", "costs"],
                 id="unknown-top-level-key"),
    pytest.param(V, ["customs.doc_oficers=8"], "customs.doc_oficers",
                 ["unknown", "doc_officers", "inspection_teams", "certification_slots", "risk"],
                 id="unknown-key-typo-in-customs"),
    pytest.param(V, ["run.horizon=10"], "run.horizon", ["unknown", "horizon_days", "warmup_days"],
                 id="unknown-key-in-run"),
    pytest.param(V, ["customs.risk.xyz=1"], "customs.risk.xyz",
                 ["unknown", "targeting_power", "random_check_floor", "doc_detection_prob",
                  "aeo_priority"],
                 id="unknown-nested-key-lists-risk-keys"),
    # --- wrong types: the bad value and the type expected
    pytest.param(V, ["customs.doc_officers=abc"], "customs.doc_officers", ["abc", "integer"],
                 id="string-for-int"),
    pytest.param(V, ["customs.doc_officers=2.5"], "customs.doc_officers", ["2.5", "integer"],
                 id="fraction-for-int"),
    pytest.param(V, ["customs.doc_officers=true"], "customs.doc_officers", ["true", "bool", "integer"],
                 id="bool-for-int"),
    pytest.param(V, ["customs.risk.targeting_power=high"], "customs.risk.targeting_power",
                 ["high", "float"], id="string-for-nested-float"),
    pytest.param(V, ["customs.doc_check.mean_h=slow"], "customs.doc_check.mean_h", ["slow", "float"],
                 id="string-for-duration-mean"),
    pytest.param(V, ["run.steady_state=maybe"], "run.steady_state", ["maybe", "bool"],
                 id="string-for-bool"),
    pytest.param(V, ["customs.doc_check=5"], "customs.doc_check", ["5", "section", "mean_h"],
                 id="number-for-a-section"),
    # --- capacities and rates: zero or negative
    pytest.param(V, ["customs.doc_officers=0"], "customs.doc_officers", [">= 1", "got 0"],
                 id="zero-doc-officers"),
    pytest.param(V, ["customs.inspection_teams=-1"], "customs.inspection_teams", [">= 1", "-1"],
                 id="negative-inspection-teams"),
    pytest.param(V, ["customs.certification_slots=0"], "customs.certification_slots", [">= 1", "got 0"],
                 id="zero-certification-slots"),
    pytest.param(S, ["vessels.berths=0"], "vessels.berths", [">= 1", "got 0"], id="zero-berths"),
    pytest.param(V, ["terminal.shuttles=-2"], "terminal.shuttles", [">= 0", "-2"],
                 id="negative-shuttles"),
    pytest.param(V, ["imports.boxes_per_day=-5"], "imports.boxes_per_day", [">= 0", "-5"],
                 id="negative-arrival-rate"),
    pytest.param(S, ["vessels.calls_per_day=0"], "vessels.calls_per_day", ["> 0", "0"],
                 id="zero-vessel-call-rate"),
    pytest.param(S, ["vessels.moves_per_crane_h=-3"], "vessels.moves_per_crane_h", ["> 0", "-3"],
                 id="negative-crane-rate"),
    pytest.param(V, ["customs.doc_check.mean_h=0"], "customs.doc_check.mean_h", ["> 0", "0"],
                 id="zero-service-time"),
    # --- probabilities outside [0, 1]
    pytest.param(V, ["customs.risk.doc_detection_prob=1.5"], "customs.risk.doc_detection_prob",
                 ["[0, 1]", "1.5"], id="detection-prob-above-1"),
    pytest.param(V, ["firms.certification_share=-0.1"], "firms.certification_share",
                 ["[0, 1]", "-0.1"], id="negative-certification-share"),
    pytest.param(V, ["firms.share_40ft=2"], "firms.share_40ft", ["[0, 1]", "2"],
                 id="share-40ft-above-1"),
    pytest.param(V, ["imports.channels.red=-0.1", "imports.channels.green=0.8"],
                 "imports.channels.red", ["[0, 1]", "-0.1"], id="negative-channel-share"),
    pytest.param(V, ["firms.offence_rate_mean=1"], "firms.offence_rate_mean", ["[0, 1)", "1"],
                 id="offence-rate-of-1"),
    # --- shares that must sum to 1
    pytest.param(V, ["imports.channels.green=0.7"], "imports.channels",
                 ["sum to 1", "green 0.7", "yellow 0.3", "red 0.1", "1.1"], id="import-channels-sum-1.1"),
    pytest.param(V, ["exports.channels.yellow=0.1"], "exports.channels", ["sum to 1", "0.9"],
                 id="export-channels-sum-0.9"),
    pytest.param(V, ["firms.credit.aeo=0.5"], "firms.credit",
                 ["sum to 1", "aeo 0.5", "general", "low", "1.45"], id="credit-shares-sum-1.45"),
    # --- horizon not longer than warm-up (+ cool-down)
    pytest.param(V, ["run.horizon_days=10"], "run.horizon_days", ["warmup_days", "10 + 1", "got 10"],
                 id="horizon-equal-to-warmup"),
    pytest.param(V, ["run.horizon_days=11"], "run.horizon_days", ["warmup_days", "cooldown_days", "got 11"],
                 id="horizon-equal-to-warmup-plus-cooldown"),
    pytest.param(V, ["run.horizon_days=5", "run.warmup_days=8"], "run.horizon_days",
                 ["warmup_days", "8 + 1", "got 5"], id="horizon-shorter-than-warmup"),
    # --- overloaded stations in a steady-state run: name the station and its utilisation
    # verification: doc check (20*0.4 + 10*0.25)/h * 0.5 h / 5 = 1.05
    pytest.param(V, ["customs.doc_officers=5"], "customs.doc_officers",
                 ["doc_check", "1.05", "steady_state"], id="overloaded-doc-check"),
    # inspection (20*0.1 + 10*0.05)/h * 1.5 h / 3 = 1.25
    pytest.param(V, ["customs.inspection_teams=3"], "customs.inspection_teams",
                 ["'inspection'", "1.25"], id="overloaded-inspection"),
    # exactly 1 is not steady: 2.5/h * 2.0 h / 5 = 1.00
    pytest.param(V, ["customs.inspection.mean_h=2.0"], "customs.inspection_teams",
                 ["'inspection'", "1.00"], id="inspection-utilisation-exactly-1"),
    # certification 20/h * 0.075 * 2.5 h / 3 = 1.25
    pytest.param(V, ["customs.certification_slots=3"], "customs.certification_slots",
                 ["'certification'", "1.25"], id="overloaded-certification"),
    # shanghai gate: 6000/24 per h * 0.05 h / 1 lane = 12.50
    pytest.param(S, ["terminal.gate_lanes=1"], "terminal.gate_lanes", ["'gate'", "12.50"],
                 id="overloaded-gate"),
    # shanghai berth: 3/24 per h * (4.3 + 2000/(5*28) + 4.75) h / 1 berth = 2.92
    pytest.param(S, ["vessels.berths=1"], "vessels.berths", ["'berth'", "2.92"], id="overloaded-berth"),
    # --- unknown scenario names (as argument and as override): list the available ones
    pytest.param("nowhere", [], "scenario", ["nowhere", "shanghai", "verification"],
                 id="unknown-scenario-argument"),
    pytest.param(V, ["scenario=nowhere"], "scenario", ["nowhere", "shanghai", "verification"],
                 id="unknown-scenario-override"),
    # --- distributions and durations
    pytest.param(V, ["customs.doc_check.dist=weibull"], "customs.doc_check.dist",
                 ["weibull", "exponential", "lognormal", "gamma", "deterministic"],
                 id="unknown-distribution"),
    pytest.param(V, ["customs.inspection.cv=-0.5"], "customs.inspection.cv", [">= 0", "-0.5"],
                 id="negative-cv"),
    # --- customs shifts
    pytest.param(S, ["customs.shift_start_h=20", "customs.shift_end_h=10"], "customs.shift_end_h",
                 ["shift_start_h", "20", "10"], id="shift-ends-before-it-starts"),
    pytest.param(S, ["customs.shift_end_h=25"], "customs.shift_end_h", ["[0, 24]", "25"],
                 id="shift-end-after-midnight"),
    # --- arrivals, risk floor, empty port
    pytest.param(V, ["arrivals.mode=train"], "arrivals.mode", ["train", "vessel", "poisson"],
                 id="unknown-arrival-mode"),
    pytest.param(V, ["customs.risk.random_check_floor=0.08"], "customs.risk.random_check_floor",
                 ["0.08", "exports.channels.red", "0.05"], id="random-floor-above-export-red"),
    pytest.param(S, ["customs.risk.random_check_floor=0.15"], "customs.risk.random_check_floor",
                 ["0.15", "imports.channels.red", "0.1"], id="random-floor-above-import-red"),
    pytest.param(V, ["imports.boxes_per_day=0", "exports.boxes_per_day=0"], "imports.boxes_per_day",
                 ["exports", "0"], id="no-boxes-in-either-flow"),
]


@pytest.mark.parametrize(("scenario", "overrides", "field", "words"), CASES)
def test_bad_config_names_field_and_allowed_values(scenario, overrides, field, words):
    with pytest.raises(ConfigError) as info:
        load_config(scenario, overrides)
    err = info.value
    message = str(err)
    assert err.field_path == field, message
    assert message.startswith(f"{field}: "), message
    assert "\n" not in message, f"message is not one line: {message!r}"
    missing = [w for w in words if w.lower() not in message.lower()]
    assert not missing, f"{missing} not in {message!r}"


def test_nested_unknown_key_lists_only_its_own_section():
    """customs.risk.xyz lists the risk keys, not the keys of customs one level up."""
    with pytest.raises(ConfigError) as info:
        load_config(V, ["customs.risk.xyz=1"])
    message = str(info.value)
    assert "targeting_power" in message
    assert "doc_officers" not in message and "inspection_teams" not in message


@pytest.mark.parametrize("override", ["+customs.doc_oficers=8", "+customs.risk.xyz=1", "+nonsense=1"])
def test_appended_unknown_key_is_rejected(override):
    with pytest.raises(ConfigError) as info:
        load_config(V, [override])
    assert info.value.field_path == override[1:].split("=")[0]


@pytest.mark.parametrize("scenario", ["shanghai", "verification"])
def test_shipped_scenarios_pass_validation(scenario):
    cfg = load_config(scenario)
    validate(cfg)  # the errors above come from the overrides, not from the scenario files
    assert cfg.scenario == scenario


@pytest.fixture(scope="module")
def verification_cfg():
    return load_config(V)


@pytest.mark.parametrize(
    ("section", "name", "value", "field", "words"),
    [
        ("customs", "doc_officers", "8", "customs.doc_officers", ["int", "'8'"]),
        ("customs", "doc_officers", 7.0, "customs.doc_officers", ["int", "7.0"]),
        ("run", "horizon_days", True, "run.horizon_days", ["int", "True"]),
        ("run", "steady_state", "yes", "run.steady_state", ["true or false", "'yes'"]),
        ("arrivals", "mode", 1, "arrivals.mode", ["str", "1"]),
    ],
    ids=["str-for-int", "float-for-int", "bool-for-int", "str-for-bool", "int-for-str"],
)
def test_validate_catches_wrong_type_in_hand_built_config(verification_cfg, section, name, value, field, words):
    bad = replace(verification_cfg, **{section: replace(getattr(verification_cfg, section), **{name: value})})
    with pytest.raises(ConfigError) as info:
        validate(bad)
    assert info.value.field_path == field
    missing = [w for w in words if w not in str(info.value)]
    assert not missing, f"{missing} not in {str(info.value)!r}"


def test_validate_catches_wrong_type_in_nested_hand_built_section(verification_cfg):
    c = verification_cfg.customs
    bad = replace(verification_cfg, customs=replace(
        c, risk=replace(c.risk, targeting_power="1.37"),
    ))
    with pytest.raises(ConfigError) as info:
        validate(bad)
    assert info.value.field_path == "customs.risk.targeting_power"
    assert "float" in str(info.value)

    bad = replace(verification_cfg, customs=replace(c, doc_check=replace(c.doc_check, mean_h=None)))
    with pytest.raises(ConfigError) as info:
        validate(bad)
    assert info.value.field_path == "customs.doc_check.mean_h"


def test_validate_accepts_int_for_float_field(verification_cfg):
    """An int where a float is declared is a number all the same: no false alarm."""
    c = verification_cfg.customs
    ok = replace(verification_cfg, customs=replace(c, risk=replace(c.risk, targeting_power=1)))
    validate(ok)


def test_run_refuses_hand_built_wrong_type_before_simulating(verification_cfg):
    from sim import run

    bad = replace(verification_cfg, customs=replace(verification_cfg.customs, inspection_teams="5"))
    with pytest.raises(ConfigError) as info:
        run(bad, seed=1)
    assert info.value.field_path == "customs.inspection_teams"


def test_steady_state_false_lets_overloaded_station_through():
    cfg = load_config(V, ["customs.doc_officers=5", "run.steady_state=false"])
    assert cfg.customs.doc_officers == 5 and cfg.run.steady_state is False
    rho = {ref.name: u for ref, u in offered_utilisation(cfg).items()}
    assert rho["doc_check"] == pytest.approx(1.05)  # really overloaded, not a vacuous pass
    validate(cfg)
    with pytest.raises(ConfigError) as info:  # the same config in a steady-state run is refused
        validate(replace(cfg, run=replace(cfg.run, steady_state=True)))
    assert info.value.field_path == "customs.doc_officers"


def test_steady_state_false_still_rejects_other_errors():
    """Switching the utilisation check off does not switch off the other checks."""
    with pytest.raises(ConfigError) as info:
        load_config(V, ["run.steady_state=false", "customs.doc_officers=0"])
    assert info.value.field_path == "customs.doc_officers"
