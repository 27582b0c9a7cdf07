"""Typed configuration of one Clearway run.

The YAML files in ``configs/`` are the single source of every parameter value (with its source
or the word "assumption" next to it); this module only declares the shape, the units and the
rules. Code never reads raw dictionaries: Hydra composes YAML, ``OmegaConf.to_object`` turns it
into these dataclasses once, and :func:`validate` checks it before anything runs.

Units: time in hours (``_h``) or days (``_days``), money in CNY (``_cny``), containers in boxes
or TEU, rates per day unless the name says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass

from omegaconf import MISSING

from sim.schema.errors import ConfigError  # noqa: F401  (re-exported: sim.config.ConfigError)
from sim.schema.fields import check, param

DISTRIBUTIONS = ("exponential", "lognormal", "gamma", "deterministic")
ARRIVAL_MODES = ("vessel", "poisson")


@dataclass
class Duration:
    """A random duration in hours, given by distribution family, mean and coefficient of variation.

    ``exponential`` ignores ``cv`` (it is 1), ``deterministic`` ignores it too (it is 0).
    """

    mean_h: float = MISSING
    dist: str = "lognormal"
    cv: float = 1.0


@dataclass
class ChannelShares:
    """Target shares of declarations sent to each control channel; they must sum to 1.

    green = automatic release, yellow = document check, red = document check + physical inspection.
    """

    green: float = MISSING
    yellow: float = MISSING
    red: float = MISSING


@dataclass
class CreditShares:
    """Shares of firms in each customs credit class; they must sum to 1."""

    aeo: float = MISSING  # AEO advanced certification
    general: float = MISSING
    low: float = MISSING


@dataclass
class RunConfig:
    horizon_days: int = MISSING  # simulated days, warm-up included
    warmup_days: int = MISSING  # first days: arrivals left out of every statistic
    cooldown_days: int = MISSING  # last days before the horizon: arrivals left out of the cohort
    drain_cap_days: int = param(30, ge=0, le=365, unit="days",
                                doc="after the horizon, simulate until every measured box has ended "
                                    "its journey, at most this many days (sim/cohort.py)")
    steady_state: bool = True  # if true, every station must have utilisation < 1
    write_log: bool = True  # write the per-consignment Parquet log


@dataclass
class ImportConfig:
    boxes_per_day: float = MISSING  # import containers arriving per day
    channels: ChannelShares = field(default_factory=ChannelShares)
    preparation: Duration = field(default_factory=Duration)  # discharge -> declaration lodged, before
    # dividing by the firm's preparation speed (mean of the result: mean_h x exp(speed sigma^2))
    inspection_booking: Duration = field(default_factory=Duration)  # inspection order -> box ready
    pickup_delay: Duration = field(default_factory=Duration)  # release -> truck slot wanted


@dataclass
class ExportConfig:
    boxes_per_day: float = MISSING  # export containers arriving per day
    channels: ChannelShares = field(default_factory=ChannelShares)
    preparation: Duration = field(default_factory=Duration)  # gate-in -> declaration lodged
    inspection_booking: Duration = field(default_factory=Duration)
    gate_in_lead: Duration = field(default_factory=Duration)  # gate-in before scheduled vessel arrival


@dataclass
class ArrivalsConfig:
    mode: str = MISSING  # "vessel": boxes come with vessel calls; "poisson": one Poisson stream per flow


@dataclass
class VesselConfig:
    calls_per_day: float = MISSING  # scheduled calls, evenly spaced
    delay: Duration = field(default_factory=Duration)  # actual minus scheduled arrival, h (>= 0)
    berths: int = MISSING
    cranes_per_berth: int = MISSING
    moves_per_crane_h: float = MISSING  # gross crane productivity, moves per hour
    berthing_h: float = MISSING  # berth allocated -> first crane move (mooring, lashing)
    departure_h: float = MISSING  # last move -> departure (unlashing, pilot, unmooring)


@dataclass
class FirmsConfig:
    count: int = MISSING
    size_pareto_shape: float = MISSING  # tail index of consignments per firm (smaller = heavier)
    credit: CreditShares = field(default_factory=CreditShares)
    offence_rate_mean: float = MISSING  # mean share of a firm's consignments with an offence
    offence_rate_concentration: float = MISSING  # Beta a+b across firms (smaller = more spread)
    certification_share: float = MISSING  # share of import consignments needing certification
    cargo_value_median_cny: float = MISSING  # per container
    cargo_value_sigma: float = MISSING  # lognormal sigma of cargo value
    share_40ft: float = MISSING  # share of 40' boxes (2 TEU); others are 20' (1 TEU)
    preparation_speed_sigma: float = MISSING  # lognormal spread of firms' declaration speed


@dataclass
class RiskConfig:
    targeting_power: float = MISSING  # separation of offenders' risk signal, in std. deviations
    random_check_floor: float = MISSING  # share of declarations sent to red at random
    learning: bool = MISSING  # update firm risk from inspection outcomes (Beta-Bernoulli)
    prior_strength: float = MISSING  # pseudo-inspections behind each firm's prior risk
    learning_weight: float = MISSING  # weight of learned firm risk (log-odds) in the score
    doc_detection_prob: float = MISSING  # chance a document check finds an offence
    inspection_detection_prob: float = MISSING  # chance a physical inspection finds an offence
    aeo_score_offset: float = 0.0  # added to AEO firms' risk score (negative = fewer checks)
    aeo_priority: bool = False  # AEO consignments go first in customs queues


@dataclass
class CustomsConfig:
    doc_officers: int = MISSING
    doc_check: Duration = field(default_factory=Duration)
    inspection_teams: int = MISSING
    inspection: Duration = field(default_factory=Duration)
    certification_slots: int = MISSING  # lab samples under test at once (imports only)
    certification: Duration = field(default_factory=Duration)
    shift_start_h: float = MISSING  # inspection teams' working hours, hour of day
    shift_end_h: float = MISSING
    risk: RiskConfig = field(default_factory=RiskConfig)


@dataclass
class TerminalConfig:
    yard_capacity_teu: float = MISSING  # 0 = unlimited
    rehandles_at_full_yard: float = MISSING  # extra moves per retrieval when the yard is full
    shuttles: int = MISSING  # trucks moving boxes yard <-> inspection area; 0 = unlimited
    shuttle: Duration = field(default_factory=Duration)  # one trip
    gate_lanes: int = MISSING  # 0 = unlimited
    gate_service: Duration = field(default_factory=Duration)
    appointment_slots_per_h: int = MISSING  # truck appointments per hour; 0 = unlimited


@dataclass
class CostConfig:
    cny_per_usd: float = MISSING
    thc_20ft_cny: float = MISSING  # terminal handling charge per box
    thc_40ft_cny: float = MISSING
    document_fee_cny: float = MISSING  # per import bill of lading
    brokerage_import_cny: float = MISSING  # per declaration
    brokerage_export_cny: float = MISSING
    free_storage_days: float = MISSING
    storage_cny_per_teu_day: float = MISSING
    rehandle_cny_per_move: float = MISSING
    inspection_fee_cny: float = MISSING  # per inspected box, shuttle lifts excluded
    shuttle_cny_per_trip: float = MISSING
    detention_free_days: float = MISSING
    detention_cny_per_teu_day: float = MISSING
    empty_return_days: float = MISSING  # gate-out -> empty box back to the carrier
    truck_wait_cny_per_h: float = MISSING
    inventory_pct_per_day: float = MISSING  # time cost, % of cargo value per day


# --------------------------------------------------------------------------- field checks
# (shared with the sub-models' validators, which is why they come before the imports below)


def _check_types(obj, prefix: str) -> None:
    """Catch unknown keys (``+key=...``) and wrong types that bypassed OmegaConf."""
    allowed = [f.name for f in fields(obj)]
    extra = sorted(set(vars(obj)) - set(allowed))
    if extra:
        raise ConfigError(f"{prefix}{extra[0]}", f"unknown key; allowed here: {', '.join(allowed)}")
    for f in fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}{f.name}"
        if is_dataclass(value):
            _check_types(value, path + ".")
            continue
        expected = {"int": int, "float": (int, float), "str": str, "bool": bool}.get(str(f.type))
        if expected is None:
            continue
        wrong_bool = isinstance(value, bool) and str(f.type) in ("int", "float")
        if wrong_bool or not isinstance(value, expected):
            raise ConfigError(path, f"must be of type {f.type}, got {value!r}")


def _positive(path: str, value: float) -> None:
    if not value > 0:
        raise ConfigError(path, f"must be > 0, got {value}")


def _at_least(path: str, value: float, low: float) -> None:
    if not value >= low:
        raise ConfigError(path, f"must be >= {low}, got {value}")


def _probability(path: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ConfigError(path, f"is a probability and must be in [0, 1], got {value}")


def _one_of(path: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(path, f"must be one of {', '.join(allowed)}; got '{value}'")


def _shares(path: str, obj, names: tuple[str, ...]) -> None:
    values = [getattr(obj, n) for n in names]
    for n, v in zip(names, values):
        _probability(f"{path}.{n}", v)
    if abs(sum(values) - 1) > 1e-9:
        listed = " + ".join(f"{n} {v}" for n, v in zip(names, values))
        raise ConfigError(path, f"shares must sum to 1, got {listed} = {sum(values):.6g}")


def _duration(path: str, d: Duration, positive: bool = False) -> None:
    _one_of(f"{path}.dist", d.dist, DISTRIBUTIONS)
    if positive:
        _positive(f"{path}.mean_h", d.mean_h)
    else:
        _at_least(f"{path}.mean_h", d.mean_h, 0)
    _at_least(f"{path}.cv", d.cv, 0)


def _adoption(path: str, a) -> None:
    """An :class:`sim.adoption.AdoptionConfig` section."""
    _probability(f"{path}.review_prob_per_day", a.review_prob_per_day)
    _positive(f"{path}.payback_days", a.payback_days)
    for name in ("switching_cost_cny", "prior_weight"):
        _at_least(f"{path}.{name}", getattr(a, name), 0)


# The reforms' and sub-models' configs live with their mechanisms (imported here, after the
# building blocks above that they use, so that the imports are not circular).
from sim.bonded_zone.config import BondedZoneConfig, validate_bonded_zone  # noqa: E402
from sim.bunkering.config import BunkeringConfig, validate_bonded_blending, validate_bunkering  # noqa: E402
from sim.policies import PoliciesConfig  # noqa: E402
from sim.policies.shared_warehousing import validate_shared_warehousing  # noqa: E402
from sim.stress import StressConfig  # noqa: E402


@dataclass
class ClearwayConfig:
    """Everything one run needs, apart from the seed."""

    scenario: str = MISSING
    seed: int = 0
    run: RunConfig = field(default_factory=RunConfig)
    arrivals: ArrivalsConfig = field(default_factory=ArrivalsConfig)
    imports: ImportConfig = field(default_factory=ImportConfig)
    exports: ExportConfig = field(default_factory=ExportConfig)
    vessels: VesselConfig = field(default_factory=VesselConfig)
    firms: FirmsConfig = field(default_factory=FirmsConfig)
    customs: CustomsConfig = field(default_factory=CustomsConfig)
    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    costs: CostConfig = field(default_factory=CostConfig)
    bonded_zone: BondedZoneConfig = field(default_factory=BondedZoneConfig)
    bunkering: BunkeringConfig = field(default_factory=BunkeringConfig)
    policies: PoliciesConfig = field(default_factory=PoliciesConfig)
    stress: StressConfig = field(default_factory=StressConfig)  # off unless a stress test sets it


# --------------------------------------------------------------------------- validation


def validate(cfg: ClearwayConfig) -> None:
    """Raise :class:`ConfigError` naming the first field that cannot run, and how to fix it."""
    _check_types(cfg, "")
    r = cfg.run
    _at_least("run.horizon_days", r.horizon_days, 1)
    _at_least("run.warmup_days", r.warmup_days, 0)
    _at_least("run.cooldown_days", r.cooldown_days, 0)
    check(r, "run")  # declared bounds (run.drain_cap_days)
    if r.horizon_days <= r.warmup_days + r.cooldown_days:
        raise ConfigError(
            "run.horizon_days",
            f"must be longer than run.warmup_days + run.cooldown_days "
            f"({r.warmup_days} + {r.cooldown_days}), got {r.horizon_days}",
        )
    _one_of("arrivals.mode", cfg.arrivals.mode, ARRIVAL_MODES)
    for flow in ("imports", "exports"):
        f = getattr(cfg, flow)
        _at_least(f"{flow}.boxes_per_day", f.boxes_per_day, 0)
        _shares(f"{flow}.channels", f.channels, ("green", "yellow", "red"))
        for name in ("preparation", "inspection_booking"):
            _duration(f"{flow}.{name}", getattr(f, name))
    _duration("imports.pickup_delay", cfg.imports.pickup_delay)
    _duration("exports.gate_in_lead", cfg.exports.gate_in_lead)
    if cfg.imports.boxes_per_day + cfg.exports.boxes_per_day <= 0:
        raise ConfigError("imports.boxes_per_day",
                          "at least one of imports.boxes_per_day and exports.boxes_per_day must be > 0; both are 0")

    v = cfg.vessels
    _positive("vessels.calls_per_day", v.calls_per_day)
    _duration("vessels.delay", v.delay)
    for name in ("berths", "cranes_per_berth"):
        _at_least(f"vessels.{name}", getattr(v, name), 1)
    _positive("vessels.moves_per_crane_h", v.moves_per_crane_h)
    _at_least("vessels.berthing_h", v.berthing_h, 0)
    _at_least("vessels.departure_h", v.departure_h, 0)

    fm = cfg.firms
    _at_least("firms.count", fm.count, 1)
    _positive("firms.size_pareto_shape", fm.size_pareto_shape)
    _shares("firms.credit", fm.credit, ("aeo", "general", "low"))
    for name in ("offence_rate_mean", "certification_share", "share_40ft"):
        _probability(f"firms.{name}", getattr(fm, name))
    if not 0 <= fm.offence_rate_mean < 1:
        raise ConfigError("firms.offence_rate_mean", f"must be in [0, 1), got {fm.offence_rate_mean}")
    _positive("firms.offence_rate_concentration", fm.offence_rate_concentration)
    _positive("firms.cargo_value_median_cny", fm.cargo_value_median_cny)
    _at_least("firms.cargo_value_sigma", fm.cargo_value_sigma, 0)
    _at_least("firms.preparation_speed_sigma", fm.preparation_speed_sigma, 0)

    c = cfg.customs
    for name in ("doc_officers", "inspection_teams", "certification_slots"):
        _at_least(f"customs.{name}", getattr(c, name), 1)
    for name in ("doc_check", "inspection", "certification"):
        _duration(f"customs.{name}", getattr(c, name), positive=True)
    for name in ("shift_start_h", "shift_end_h"):
        value = getattr(c, name)
        if not 0 <= value <= 24:
            raise ConfigError(f"customs.{name}", f"must be an hour of day in [0, 24], got {value}")
    if c.shift_end_h <= c.shift_start_h:
        raise ConfigError(
            "customs.shift_end_h",
            f"must be after customs.shift_start_h ({c.shift_start_h}), got {c.shift_end_h}",
        )
    rk = c.risk
    _at_least("customs.risk.targeting_power", rk.targeting_power, 0)
    for name in ("random_check_floor", "doc_detection_prob", "inspection_detection_prob"):
        _probability(f"customs.risk.{name}", getattr(rk, name))
    _positive("customs.risk.prior_strength", rk.prior_strength)
    _at_least("customs.risk.learning_weight", rk.learning_weight, 0)
    for flow in ("imports", "exports"):
        red = getattr(cfg, flow).channels.red
        if rk.random_check_floor > red:
            raise ConfigError(
                "customs.risk.random_check_floor",
                f"must be <= {flow}.channels.red ({red}), got {rk.random_check_floor}",
            )

    t = cfg.terminal
    _at_least("terminal.yard_capacity_teu", t.yard_capacity_teu, 0)
    _at_least("terminal.rehandles_at_full_yard", t.rehandles_at_full_yard, 0)
    for name in ("shuttles", "gate_lanes", "appointment_slots_per_h"):
        _at_least(f"terminal.{name}", getattr(t, name), 0)
    _duration("terminal.shuttle", t.shuttle)
    _duration("terminal.gate_service", t.gate_service)

    for f in fields(cfg.costs):
        _at_least(f"costs.{f.name}", getattr(cfg.costs, f.name), 0)
    _positive("costs.cny_per_usd", cfg.costs.cny_per_usd)

    _validate_policies(cfg)
    st = cfg.stress
    for name in ("surge_start_day", "surge_days", "outage_start_day", "outage_days",
                 "bunching_start_day", "bunching_days"):
        _at_least(f"stress.{name}", getattr(st, name), 0)
    _at_least("stress.surge_factor", st.surge_factor, 1)
    _probability("stress.outage_share", st.outage_share)
    _positive("stress.bunching_h", st.bunching_h)
    validate_bonded_zone(cfg.bonded_zone, "bonded_zone")
    if cfg.bonded_zone.enabled and cfg.bonded_zone.zone_firms > fm.count:
        raise ConfigError("bonded_zone.zone_firms",
                          f"must be <= firms.count ({fm.count}), got {cfg.bonded_zone.zone_firms}")
    validate_shared_warehousing(cfg.policies.shared_warehousing, "policies.shared_warehousing")
    validate_bunkering(cfg.bunkering, "bunkering")
    validate_bonded_blending(cfg.policies.bonded_blending, cfg.bunkering, "policies.bonded_blending")

    if r.steady_state:
        from sim.capacity import offered_utilisation

        for station, rho in offered_utilisation(cfg).items():
            if rho >= 1:
                raise ConfigError(
                    station.field,
                    f"station '{station.name}' has utilisation {rho:.2f} >= 1: it would queue "
                    "without bound. Add capacity, lower demand, or set run.steady_state=false",
                )


def _validate_policies(cfg: ClearwayConfig) -> None:
    from sim.flows.vessel_call import MANIFEST_LEAD_H

    p = cfg.policies
    _probability("policies.pre_arrival.uptake_share", p.pre_arrival.uptake_share)
    for path, lead in (("policies.pre_arrival.lead_h", p.pre_arrival.lead_h),
                       ("policies.direct_pickup.advance_lodgement_h", p.direct_pickup.advance_lodgement_h)):
        if not 0 <= lead <= MANIFEST_LEAD_H:
            raise ConfigError(path, f"must be in [0, {MANIFEST_LEAD_H:g}] h (the manifest is filed "
                                    f"{MANIFEST_LEAD_H:g} h before arrival), got {lead}")
    _positive("policies.e_documents.doc_check_factor", p.e_documents.doc_check_factor)
    _at_least("policies.e_documents.paper_handover_h", p.e_documents.paper_handover_h, 0)
    _at_least("policies.risk_management.targeting_power", p.risk_management.targeting_power, 0)
    for flow in ("import", "export"):
        _probability(f"policies.risk_management.red_share_{flow}", getattr(p.risk_management, f"red_share_{flow}"))
    _probability("policies.two_step.preparation_factor", p.two_step.preparation_factor)
    _duration("policies.direct_pickup.transfer", p.direct_pickup.transfer)
    if p.direct_pickup.transfer.dist != "lognormal":
        raise ConfigError("policies.direct_pickup.transfer.dist", "must be lognormal")
    _at_least("policies.direct_loading.gate_in_before_loading_h", p.direct_loading.gate_in_before_loading_h, 0)
    for lane in ("direct_pickup", "direct_loading"):
        _adoption(f"policies.{lane}.adoption", getattr(p, lane).adoption)
