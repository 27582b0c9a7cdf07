"""Offered load of the bonded zone's staff and customs desk, and the check that it stays below 1."""
from __future__ import annotations

from sim.schema.bonded_zone import BondedZoneConfig
from sim.schema.errors import ConfigError

CAPACITY_FIELDS = {"pickers": "staff.pickers", "customs_desk": "customs.desk_officers"}


def offered_load(cfg: BondedZoneConfig) -> dict[str, float]:
    """Baseline offered utilisation of the zone's staff and customs desk (work / capacity a day).

    Each goods class of each firm receives one lot every ``lot_cover_days``, whatever its size;
    a bonded lot is entered at the desk and, through the first line, filed there first.
    """
    o = cfg.orders
    jobs = o.per_day * sum(s * (1 + m) for s, m in zip(o.kinds.values(), o.mixed.values()))
    pallets = o.per_day * sum(o.class_pallets())
    s = cfg.staff
    pick_h = jobs * s.pick_base_h + pallets * (s.pick_h_per_pallet + cfg.inbound.putaway_h_per_pallet)
    c = cfg.customs
    desk_work_h = c.processing.mean_h + c.doc_check_prob * c.doc_check.mean_h  # one declaration or filing
    bonded_lots = cfg.zone_firms / cfg.inbound.lot_cover_days
    filings = bonded_lots if cfg.first_line.enabled else 0.0  # one first-line filing per lot
    desk_h = jobs * desk_work_h + filings * desk_work_h + bonded_lots * cfg.inbound.entry_record.mean_h
    return {"pickers": pick_h / (s.pickers * (s.shift_end_h - s.shift_start_h)),
            "customs_desk": desk_h / (c.desk_officers * (c.shift_end_h - c.shift_start_h))}


def check_zone_load(cfg: BondedZoneConfig, path: str = "bonded_zone") -> None:
    """Raise :class:`ConfigError` naming the capacity field of a zone station loaded to 1 or more."""
    for station, rho in offered_load(cfg).items():
        if rho >= 1:
            raise ConfigError(f"{path}.{CAPACITY_FIELDS[station]}",
                              f"the zone's {station} would have offered utilisation {rho:.2f} >= 1 and "
                              "queue without bound: add capacity, lower demand, or set run.steady_state=false")
