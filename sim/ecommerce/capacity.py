"""Offered load of the air cargo terminal's stations without the policy, and the check that it
stays below 1 (the policy only takes work away: fewer declarations, checks and re-declarations)."""
from __future__ import annotations

from sim.schema.ecommerce import EcommerceConfig
from sim.schema.errors import ConfigError


def offered_load(cfg: EcommerceConfig) -> dict[str, tuple[str, float]]:
    """Station -> (its capacity field, baseline offered utilisation: work hours / server hours a day).

    Returns count every released parcel a consumer sends back as coming back (an upper bound:
    detained parcels and refused requests do not).
    """
    f, c, r = cfg.flights, cfg.customs, cfg.returns
    ulds = f.per_day * f.ulds_per_flight
    parcels = ulds * f.parcels_per_uld
    returns = parcels * r.share
    work_h = {  # station: (capacity field, servers, work hours a day)
        "uld_breakdown": ("breakdown_teams", cfg.breakdown_teams, ulds * cfg.breakdown_h.mean_h),
        "cbec_declaration": ("customs.declaration_officers", c.declaration_officers,
                             parcels * c.declaration_h.mean_h),
        "cbec_manual": ("customs.manual_officers", c.manual_officers,
                        parcels * c.mismatch_share * c.manual_h.mean_h),
        "cbec_inspection": ("customs.inspectors", c.inspectors,
                            parcels * c.inspection_share * c.inspection_h.mean_h),
        "special_goods_check": ("special_check.inspectors", cfg.special_check.inspectors,
                                parcels * (1 - cfg.goods.ordinary) * cfg.special_check.check_h.mean_h),
        "return_desk": ("returns.desk_officers", r.desk_officers, returns * r.redeclaration_h.mean_h),
        "return_inspection": ("returns.inspectors", r.inspectors, returns * r.inspection_h.mean_h),
    }
    return {name: (field, hours / (servers * 24.0)) for name, (field, servers, hours) in work_h.items()}


def check_terminal_load(cfg: EcommerceConfig, path: str = "ecommerce") -> None:
    """Raise :class:`ConfigError` naming the capacity field of a station loaded to 1 or more."""
    for station, (field, rho) in offered_load(cfg).items():
        if rho >= 1:
            raise ConfigError(f"{path}.{field}",
                              f"the air terminal's {station} would have offered utilisation {rho:.2f} >= 1 "
                              "and queue without bound: add capacity, lower demand, or set "
                              "run.steady_state=false")
