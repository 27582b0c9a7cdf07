"""Can this config run here? The start-up checks that need the model, not just the schema.

:func:`validate` is what every entry point calls before it allocates anything:

1. the declared schema (:func:`sim.schema.check`: types, NaN/inf, bounds, rules across fields);
2. stability: in a steady-state run every station's offered utilisation must stay below 1 *after*
   the enabled policies have changed service times and channel shares (a policy can relieve an
   overloaded station), and the bonded zone's, the air terminal's and the ro-ro terminal's
   stations likewise;
3. memory: the run's estimated peak memory (consignment log, sub-model logs, boxes in the port,
   firms) must fit in ``run.max_memory_gb`` (0: half this machine's RAM). A run of a million
   days is refused here, in milliseconds, instead of dying after it has allocated tens of GB;
4. disk for the consignment log, which lives in a temporary file (:mod:`sim.records`): the
   temporary folder (``TMPDIR``) must have room for every row the log reserves
   (:func:`check_log_disk`, called by :func:`sim.run.run` after the run folder's own check).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import NamedTuple

import numpy as np

from sim.bonded_zone.capacity import check_zone_load
from sim.bonded_zone.records import SPEC as ZONE_ORDER_SPEC
from sim.bunkering.records import CALL_COLUMNS
from sim.ecommerce.capacity import check_terminal_load
from sim.ecommerce.records import PARCEL_COLUMNS
from sim.capacity import offered_utilisation
from sim.policies import Measures
from sim.records import SPEC as CONSIGNMENT_SPEC
from sim.roro.capacity import check_roro_load
from sim.roro.records import VEHICLE_COLUMNS
from sim.schema import ClearwayConfig, ConfigError, check

# Peak memory per logged row, as a multiple of the row's bytes: the columns grow by up to 25 %, and
# at the end the log is copied into an Arrow table with cost columns, and summarised with float64
# temporaries. Measured on the small shanghai port (1,200 boxes a day, 10 vs 60 days): about 580
# bytes of peak RSS per logged box (a row is 100 bytes); the rest of these numbers round up too.
PEAK_BYTES_PER_ROW_BYTE = 6.0
BYTES_PER_BOX_IN_PORT = 1500  # a consignment's SimPy process, its generator frames and events
DAYS_IN_PORT = 8.0  # boxes in the port at once ~ boxes a day x days a box stays (p90, shanghai)
BYTES_PER_FIRM = 4000  # a Mesa agent and its rows in the firm table
BASE_BYTES = 250e6  # the interpreter with numpy, pandas, pyarrow, scipy, mesa and simpy loaded
GB = 1e9
LOG_BYTES_ON_DISK = 80  # a row of log.parquet or zone_orders.parquet (zstd); measured 68-74
OTHER_FILES_BYTES = 2e6  # summary.json, daily.csv, provenance.json and the sub-model logs' overhead


def _parcels_per_day(cfg: ClearwayConfig) -> float:
    f = cfg.ecommerce.flights
    return f.per_day * f.ulds_per_flight * f.parcels_per_uld


def _vehicles_per_day(cfg: ClearwayConfig) -> float:
    return cfg.roro.calls.per_day * cfg.roro.calls.vehicles_per_call


def _row_bytes(spec: dict) -> int:
    """Bytes of one row of a log declared as ``{column: (dtype, empty value)}``."""
    return sum(np.dtype(dtype).itemsize for dtype, _ in spec.values())


class MemoryEstimate(NamedTuple):
    total_gb: float
    log_gb: float  # the consignment log, the part that grows with boxes a day x days
    boxes_per_day: float
    bytes_per_box: float


def estimate_memory(cfg: ClearwayConfig) -> MemoryEstimate:
    """Peak memory of one run of ``cfg`` in GB, from its volumes and horizon (before any allocation)."""
    days = cfg.run.horizon_days + cfg.run.drain_cap_days  # arrivals go on while the cohort drains
    boxes_per_day = cfg.imports.boxes_per_day + cfg.exports.boxes_per_day
    per_box = _row_bytes(CONSIGNMENT_SPEC) * PEAK_BYTES_PER_ROW_BYTE
    log = boxes_per_day * days * per_box
    subs = 0.0
    if cfg.bonded_zone.enabled:
        subs += cfg.bonded_zone.orders.per_day * days * _row_bytes(ZONE_ORDER_SPEC) * PEAK_BYTES_PER_ROW_BYTE
    if cfg.bunkering.enabled:
        subs += cfg.bunkering.calls_per_day * days * _row_bytes(CALL_COLUMNS) * PEAK_BYTES_PER_ROW_BYTE
    if cfg.ecommerce.enabled:
        subs += _parcels_per_day(cfg) * days * _row_bytes(PARCEL_COLUMNS) * PEAK_BYTES_PER_ROW_BYTE
    if cfg.roro.enabled:
        subs += _vehicles_per_day(cfg) * days * _row_bytes(VEHICLE_COLUMNS) * PEAK_BYTES_PER_ROW_BYTE
    in_port = boxes_per_day * DAYS_IN_PORT * BYTES_PER_BOX_IN_PORT
    per_100 = cfg.behaviour.consignees.per_100_boxes_per_day + cfg.behaviour.shippers.per_100_boxes_per_day
    firms = max(cfg.imports.boxes_per_day, cfg.exports.boxes_per_day) * per_100 / 100 * BYTES_PER_FIRM
    return MemoryEstimate((BASE_BYTES + log + subs + in_port + firms) / GB, log / GB, boxes_per_day, per_box)


def consignment_log_rows(cfg: ClearwayConfig) -> int:
    """Rows the consignment log reserves: the arrivals of the horizon and of the longest drain
    (vessel calls are scheduled that far), a tenth to spare (a row takes memory and disk only
    when it is handed out; more rows grow the log)."""
    days = cfg.run.horizon_days + cfg.run.drain_cap_days
    return int(1.1 * (cfg.imports.boxes_per_day + cfg.exports.boxes_per_day) * days) + 4096


def check_log_disk(cfg: ClearwayConfig) -> None:
    """Raise ConfigError if the temporary folder lacks room for the consignment log's file."""
    needed = consignment_log_rows(cfg) * _row_bytes(CONSIGNMENT_SPEC)
    folder = tempfile.gettempdir()
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise ConfigError("run.horizon_days", f"the consignment log needs up to {needed / 1e6:,.0f} MB in the "
                                              f"temporary folder '{folder}', which has {free / 1e6:,.0f} MB free; "
                                              "point TMPDIR at a disk with room, or shorten run.horizon_days")


def estimate_disk_bytes(cfg: ClearwayConfig) -> float:
    """Bytes the run's files take on disk: the Parquet logs dominate; without ``run.write_log`` only
    the summary, daily series and provenance are written."""
    if not cfg.run.write_log:
        return OTHER_FILES_BYTES
    days = cfg.run.horizon_days + cfg.run.drain_cap_days
    boxes = (cfg.imports.boxes_per_day + cfg.exports.boxes_per_day) * days
    orders = cfg.bonded_zone.orders.per_day * days if cfg.bonded_zone.enabled else 0.0
    parcels = _parcels_per_day(cfg) * days if cfg.ecommerce.enabled else 0.0
    vehicles = _vehicles_per_day(cfg) * days if cfg.roro.enabled else 0.0
    return OTHER_FILES_BYTES + (boxes + orders + parcels + vehicles) * LOG_BYTES_ON_DISK


def memory_limit_gb(cfg: ClearwayConfig) -> float:
    """``run.max_memory_gb``, or half of this machine's RAM when it is 0."""
    if cfg.run.max_memory_gb > 0:
        return cfg.run.max_memory_gb
    return 0.5 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB


def check_memory(cfg: ClearwayConfig) -> None:
    """Raise ConfigError if the run's estimated peak memory is above the limit, saying how to shrink it."""
    est, limit = estimate_memory(cfg), memory_limit_gb(cfg)
    if est.total_gb <= limit:
        return
    run = cfg.run
    source = "run.max_memory_gb" if run.max_memory_gb > 0 else "half this machine's RAM; set run.max_memory_gb"
    # name the knob that is furthest from a typical run (60 days, 6,000 boxes a day)
    flow = "imports" if cfg.imports.boxes_per_day >= cfg.exports.boxes_per_day else "exports"
    field = "run.horizon_days" if run.horizon_days / 60 >= est.boxes_per_day / 6000 else f"{flow}.boxes_per_day"
    raise ConfigError(field, f"the run would need about {est.total_gb:,.1f} GB of memory "
                             f"({est.boxes_per_day:,.0f} boxes a day x {run.horizon_days + run.drain_cap_days:,} days "
                             f"with the drain x "
                             f"{est.bytes_per_box:.0f} bytes, plus boxes in the port and firms), more than "
                             f"the limit of {limit:,.1f} GB ({source}); shorten run.horizon_days or lower "
                             "imports/exports.boxes_per_day, or raise run.max_memory_gb")


def check_stability(cfg: ClearwayConfig) -> None:
    """Raise ConfigError naming the capacity field of a station offered utilisation >= 1, with the
    policies applied (a steady-state run only)."""
    if not cfg.run.steady_state:
        return
    effective = Measures(cfg.policies).effective_config(cfg)
    for station, rho in offered_utilisation(effective).items():
        if rho >= 1:
            raise ConfigError(
                station.field,
                f"station '{station.name}' has utilisation {rho:.2f} >= 1: it would queue "
                "without bound. Add capacity, lower demand, or set run.steady_state=false",
            )
    if cfg.bonded_zone.enabled:
        check_zone_load(cfg.bonded_zone)
    if cfg.ecommerce.enabled:
        check_terminal_load(cfg.ecommerce)
    if cfg.roro.enabled:
        check_roro_load(effective)  # with the policies' document check (e-documents halve it)


def validate(cfg: ClearwayConfig) -> None:
    """Raise :class:`ConfigError` naming the first field that cannot run, and how to fix it."""
    check(cfg)
    check_stability(cfg)
    check_memory(cfg)
