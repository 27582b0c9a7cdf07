"""The container port: box flows and their control channels, vessel calls, firms, terminal.

Units: hours (``_h``), boxes or TEU, rates per day unless the name says otherwise, CNY (``_cny``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.schema.fields import check_shares, param
from sim.schema.times import Duration

ARRIVAL_MODES = ("vessel", "poisson")
MANIFEST_LEAD_H = 72.0  # the import manifest (and its boxes) is known this long before arrival


@dataclass
class ChannelShares:
    """Target shares of declarations sent to each control channel; they must sum to 1.

    green = automatic release, yellow = document check, red = document check + physical inspection.
    """

    green: float = param(MISSING, ge=0, le=1)
    yellow: float = param(MISSING, ge=0, le=1)
    red: float = param(MISSING, ge=0, le=1)

    def check(self, path: str) -> None:
        check_shares(self, path)


@dataclass
class CreditShares:
    """Shares of firms in each customs credit class; they must sum to 1."""

    aeo: float = param(MISSING, ge=0, le=1, doc="AEO advanced certification")
    general: float = param(MISSING, ge=0, le=1)
    low: float = param(MISSING, ge=0, le=1)

    def check(self, path: str) -> None:
        check_shares(self, path)


@dataclass
class ArrivalsConfig:
    mode: str = param(MISSING, choices=ARRIVAL_MODES,
                      doc="vessel: boxes come with vessel calls; poisson: one Poisson stream per flow")


@dataclass
class ImportConfig:
    boxes_per_day: float = param(MISSING, ge=0, unit="boxes/day")
    channels: ChannelShares = field(default_factory=ChannelShares)
    inspection_booking: Duration = field(default_factory=Duration)  # inspection order -> box ready


@dataclass
class ExportConfig:
    boxes_per_day: float = param(MISSING, ge=0, unit="boxes/day")
    channels: ChannelShares = field(default_factory=ChannelShares)
    inspection_booking: Duration = field(default_factory=Duration)


@dataclass
class EtaConfig:
    """The carrier's published ETA of a call (:mod:`sim.flows.eta`): at ``L`` hours before the
    true arrival it is off by ``z * error_sd_at_72h_h * (L / 72) ** error_sd_exponent`` (``z``
    the call's own standard normal draw); more than ``published_from_h`` out, the schedule is all
    there is. No public figure for Shanghai: assumptions (configs/uncertainty gives the ranges);
    Dockflow (2021, 3,500 shipments) shows carrier ETAs converging on the arrival as it nears."""

    published_from_h: float = param(168.0, gt=0, unit="h",
                                    doc="assumption: carriers publish ETAs from about a week out")
    error_sd_at_72h_h: float = param(4.0, ge=0, unit="h",
                                     doc="assumption: spread of the ETA error three days out")
    error_sd_exponent: float = param(1.0, ge=0,
                                     doc="assumption: the spread shrinks as (lead / 72 h) ** this")


@dataclass
class VesselConfig:
    calls_per_day: float = param(MISSING, gt=0, unit="calls/day", doc="scheduled calls, evenly spaced")
    delay: Duration = field(default_factory=Duration)  # actual minus scheduled arrival, h (>= 0)
    berths: int = param(MISSING, ge=1)
    cranes_per_berth: int = param(MISSING, ge=1)
    moves_per_crane_h: float = param(MISSING, gt=0, unit="moves/h", doc="gross crane productivity")
    berthing_h: float = param(MISSING, ge=0, unit="h", doc="berth allocated -> first crane move")
    departure_h: float = param(MISSING, ge=0, unit="h", doc="last move -> departure")
    eta: EtaConfig = field(default_factory=EtaConfig)  # what the port's users know of the arrival


@dataclass
class FirmsConfig:
    size_pareto_shape: float = param(MISSING, gt=0, doc="tail index of consignments per firm")
    credit: CreditShares = field(default_factory=CreditShares)
    offence_rate_mean: float = param(MISSING, ge=0, lt=1, doc="mean share of consignments with an offence")
    offence_rate_concentration: float = param(MISSING, gt=0, doc="Beta a+b across firms")
    certification_share: float = param(MISSING, ge=0, le=1, doc="share of imports needing certification")
    cargo_value_median_cny: float = param(MISSING, gt=0, unit="CNY", doc="per container")
    cargo_value_sigma: float = param(MISSING, ge=0, doc="lognormal sigma of cargo value")
    share_40ft: float = param(MISSING, ge=0, le=1, doc="share of 40' boxes (2 TEU)")


@dataclass
class PlanningConfig:
    """The terminal's berth plan and export yard plan, made on the carrier's published ETA
    (:mod:`sim.agents.terminal`). No public figure for Shanghai: assumptions (configs/uncertainty
    gives the ranges)."""

    plan_lead_h: float = param(24.0, gt=0, unit="h",
                               doc="assumption: the berth plan fixes a call's window on the ETA "
                                   "published this long before it is due (the day-before plan)")
    window_tolerance_h: float = param(2.0, ge=0, unit="h",
                                      doc="assumption: a call arriving this far from its window "
                                          "keeps it; off it, it waits behind the calls on theirs")
    remarshal_after_h: float = param(8.0, gt=0, unit="h",
                                     doc="assumption: an export box stacked for a call that comes "
                                         "more than this (a shift) off that plan is re-marshalled")


@dataclass
class TerminalConfig:
    yard_capacity_teu: float = param(MISSING, ge=0, unit="TEU", doc="0 = unlimited")
    rehandles_at_full_yard: float = param(MISSING, ge=0, doc="extra moves per retrieval, full yard")
    shuttles: int = param(MISSING, ge=0, doc="yard <-> inspection area trucks; 0 = unlimited")
    shuttle: Duration = field(default_factory=Duration)  # one trip
    gate_lanes: int = param(MISSING, ge=0, doc="0 = unlimited")
    gate_service: Duration = field(default_factory=Duration)
    appointment_slots_per_h: int = param(MISSING, ge=0, unit="trucks/h", doc="0 = unlimited")
    planning: PlanningConfig = field(default_factory=PlanningConfig)  # berth and yard plans on the ETA


@dataclass
class CostConfig:
    cny_per_usd: float = param(MISSING, gt=0, unit="CNY/USD")
    thc_20ft_cny: float = param(MISSING, ge=0, unit="CNY", doc="terminal handling charge per box")
    thc_40ft_cny: float = param(MISSING, ge=0, unit="CNY")
    document_fee_cny: float = param(MISSING, ge=0, unit="CNY", doc="per import bill of lading")
    brokerage_import_cny: float = param(MISSING, ge=0, unit="CNY", doc="per declaration")
    brokerage_export_cny: float = param(MISSING, ge=0, unit="CNY")
    broker_cny_per_work_h: float = param(MISSING, ge=0, unit="CNY/h", doc="declarant time billed")
    courier_cny: float = param(MISSING, ge=0, unit="CNY", doc="per paper B/L sent by courier")
    port_fees_import_cny: float = param(MISSING, ge=0, unit="CNY", doc="other port and agency fees")
    port_fees_export_cny: float = param(MISSING, ge=0, unit="CNY")
    free_storage_days: float = param(MISSING, ge=0, unit="days")
    storage_cny_per_teu_day: float = param(MISSING, ge=0, unit="CNY/TEU/day")
    rehandle_cny_per_move: float = param(MISSING, ge=0, unit="CNY")
    inspection_fee_cny: float = param(MISSING, ge=0, unit="CNY", doc="per inspected box")
    shuttle_cny_per_trip: float = param(MISSING, ge=0, unit="CNY")
    detention_free_days: float = param(MISSING, ge=0, unit="days")
    detention_cny_per_teu_day: float = param(MISSING, ge=0, unit="CNY/TEU/day")
    empty_return_days: float = param(MISSING, ge=0, unit="days", doc="gate-out -> empty box back")
    truck_wait_cny_per_h: float = param(MISSING, ge=0, unit="CNY/h")
    inventory_pct_per_day: float = param(MISSING, ge=0, unit="%/day", doc="time cost, % of cargo value")
