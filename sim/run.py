"""The core entry point: ``run(config, seed) -> RunResult``, no Hydra involved.

Builds the model, simulates ``run.horizon_days`` days, takes the port's figures at the
horizon, drains until the measured cohort is done (see :mod:`sim.cohort`), and summarises. With ``output`` it also
writes the run folder: ``log.parquet`` (one row per consignment), ``summary.json``,
``daily.csv`` and ``provenance.json``.

``import sim`` imports this module, so the simulation's heavy libraries (Mesa, pandas, pyarrow,
SciPy) are imported by the functions that make and write a run, not here: a config error or
``--help`` then answers in well under a second (start-up time).
"""
from __future__ import annotations

import functools
import gc
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.costs import container_costs
from sim.emissions import container_emissions
from sim.feasibility import check_log_disk, estimate_disk_bytes, validate
from sim.outputs import atomic_write, check_output_dir, provenance, write_json
from sim.schema import ClearwayConfig
from sim.schema.fields import check_field

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from sim.model import ClearanceModel
    from sim.records import ConsignmentLog


LOG_PART_ROWS = 1024 * 1024  # rows of the log table built at a time: pyarrow's default row group,
# so log.parquet written a part at a time is laid out as one write of the whole table


@dataclass
class RunResult:
    config: ClearwayConfig
    seed: int
    summary: dict
    consignments: ConsignmentLog  # the model's log columns, one row per consignment (see ``log``)
    model_config: ClearwayConfig  # the config the model ran: ``config`` as its measures set it
    sub_model_logs: dict[str, pa.Table]  # e.g. "bunker_calls": one row per vessel bunker call
    daily: pd.DataFrame  # one row per simulated day
    agents: pd.DataFrame  # one row per agent and day: the agents' reporters (agent_records)
    provenance: dict
    wall_s: float

    @functools.cached_property
    def log(self) -> pa.Table:
        """One row per consignment: ids, flow, channel, milestones (h), costs, outcome
        (:func:`log_table`). Built when first read: a sweep that keeps only summaries never
        computes every box's costs and emissions, and ``log.parquet`` is written a part at a time."""
        return log_table(self.consignments, self.model_config)


def run(config: ClearwayConfig, seed: int | None = None, output: str | Path | None = None,
        on_day: Callable[[int, int], None] | None = None) -> RunResult:
    """Simulate one run of ``config`` with ``seed`` (default: ``config.seed``) and, with ``output``,
    write its folder. A config, seed or folder that cannot work raises
    :class:`sim.schema.ConfigError` before anything is simulated. ``on_day(day, horizon_days)``
    is called after each day of the horizon (e.g. a progress bar); the drain is not counted."""
    validate(config)
    seed = config.seed if seed is None else seed
    check_field(ClearwayConfig, "seed", seed)
    if output is not None:
        check_output_dir(output, estimate_disk_bytes(config), field="output")
    check_log_disk(config)
    # lazy: Mesa, pandas and SciPy load with the model, at the first run (start-up time)
    from sim.model import ClearanceModel, forgotten_by_mesa
    from sim.summary import horizon_figures, summarise

    started = time.perf_counter()
    with _collector_for_simulation(), forgotten_by_mesa():
        model = ClearanceModel(config, seed)
        gc.freeze()  # the built model lives all run: the collector need not scan it again
        model.run_horizon(on_day)
        at_horizon = horizon_figures(model)
        model.drain()
        summary = summarise(model, at_horizon)
    wall_s = time.perf_counter() - started
    summary["wall_s"] = wall_s
    summary["consignments_per_s"] = model.log.size / wall_s
    daily = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    agents, sub_logs, log, effective = agent_records(model), sub_model_logs(model), model.log, model.config
    # the port's agents and the boxes still in flight reference one another through the model:
    # only the cyclic collector frees them, so collect them before the log is written
    del model
    gc.collect()
    result = RunResult(config, seed, summary, log, effective, sub_logs, daily, agents,
                       provenance(config, seed), wall_s)
    if output is not None:
        write_run(result, Path(output))
    return result


@contextmanager
def _collector_for_simulation(young_threshold: int = 5_000_000):
    """Collect garbage less often while simulating, then restore the interpreter's settings.

    A run allocates millions of short-lived events and generators that reference counting frees;
    the cyclic collector's default (a young collection every 700 allocations, each older
    generation scanned as it fills) spent about a fifth of a run's time re-scanning the live
    model. At 50,000 the default run (20 days) still spent 6 of its 57 CPU seconds in 36
    collections that found no garbage at all; at 500,000 it spends 0.3 s in 3, with the same
    peak memory (389 MB). At Yangshan volume (20 days, 760,686 consignments) 500,000 still spent
    2.5 s in collections; 5,000,000 spends 1.05 s, the run x0.98 the CPU time, the same peak
    memory (1,152 MB): a young collection scans what is alive of the boxes in flight, the fewer
    the collections the less of it. Cycles are still collected, only in larger batches (about
    23,000 objects in those 20 days). Results do not depend on it.
    """
    before = gc.get_threshold()
    gc.set_threshold(young_threshold, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def log_table(consignments: ConsignmentLog, config: ClearwayConfig) -> pa.Table:
    """The consignment log with each cost component (CNY) appended as a column ``cost_*_cny``
    and each CO2 component (kg) as ``co2_*_kg`` (:mod:`sim.emissions`), under the model's
    effective ``config`` (the one its measures set): the parts of :func:`log_parts` joined.

    Costs and emissions of consignments still in the system when the run ended cover their
    journey so far.
    """
    import pyarrow as pa  # lazy: start-up time (see the module's docstring)

    return pa.concat_tables(log_parts(consignments, config))


def log_parts(consignments: ConsignmentLog, config: ClearwayConfig,
              part_rows: int = LOG_PART_ROWS) -> Iterator[pa.Table]:
    """The log table (:func:`log_table`) ``part_rows`` rows at a time, so that only one part's
    costs and emissions are in memory (a year at Yangshan volume: 12.5 M rows, 68 bytes a row of
    them). Each row's figures are its own, the same whatever the part."""
    import pyarrow as pa  # lazy: start-up time (see the module's docstring)

    log = consignments.view()
    for start in range(0, max(consignments.size, 1), part_rows):  # one empty part for an empty log
        table = consignments.to_arrow(start=start, stop=start + part_rows)
        rows = table.column("consignment").to_numpy()
        for name, values in container_costs(log, config.costs, rows, dtype=np.float32).items():
            table = table.append_column(f"cost_{name}_cny", pa.array(values))
        for name, values in container_emissions(log, config.emissions, rows, dtype=np.float32).items():
            if name.startswith("co2_"):
                table = table.append_column(name, pa.array(values))
        yield table
        consignments.forget()  # the pages this part read, and its writer (see sim.records)


def agent_records(model: ClearanceModel) -> pd.DataFrame:
    """The agents' daily reporters (:data:`sim.model.AGENT_REPORTERS`), one row per agent and
    day: ``agent_type``, ``day`` (days simulated when recorded), ``agent_id`` and the variables
    of its type (empty for the other types), e.g. a trader's ``routes_opted_in``."""
    import pandas as pd  # lazy: start-up time (see the module's docstring)

    from sim.model import AGENT_REPORTERS

    frames = [model.datacollector.get_agenttype_vars_dataframe(agent_type).reset_index()
              .rename(columns={"Step": "day", "AgentID": "agent_id"})
              .assign(agent_type=agent_type.__name__)
              for agent_type in AGENT_REPORTERS]
    table = pd.concat(frames, ignore_index=True)
    return table[["agent_type", "day", "agent_id",
                  *[c for c in table.columns if c not in ("agent_type", "day", "agent_id")]]]


def sub_model_logs(model: ClearanceModel) -> dict[str, pa.Table]:
    logs = {}
    if "bonded_zone" in model.sub_models:
        zone = model.sub_models["bonded_zone"]
        logs["zone_orders"] = zone.log_table()
        if zone.first_line is not None:
            logs["zone_boxes"] = zone.first_line.log.to_arrow()  # bonded lots' boxes through the port
    if "bunkering" in model.sub_models:
        market = model.sub_models["bunkering"]
        logs["bunker_calls"] = market.log_table()
        logs["bunker_supply"] = market.supply_table()
    if "ecommerce" in model.sub_models:
        logs["parcels"] = model.sub_models["ecommerce"].log_table()
    if model.roro is not None:
        logs["vehicles"] = model.roro.log_table()
    return logs


def write_run(result: RunResult, folder: Path) -> None:
    """Write the run's files into ``folder``, each one atomically."""
    import pyarrow.parquet as pq  # lazy: start-up time (see the module's docstring)

    if result.config.run.write_log:
        built = "log" in vars(result)  # read (or replaced) already: written as it is
        parts = [result.log] if built else log_parts(result.consignments, result.model_config)
        atomic_write(folder / "log.parquet", lambda p: write_parquet(parts, p))
        for name, table in result.sub_model_logs.items():
            atomic_write(folder / f"{name}.parquet", lambda p, t=table: pq.write_table(t, p, compression="zstd"))
        atomic_write(folder / "agents.parquet", lambda p: result.agents.to_parquet(p, index=False))
    write_json(folder / "summary.json", result.summary)
    atomic_write(folder / "daily.csv", lambda p: result.daily.to_csv(p, index=False))
    write_json(folder / "provenance.json", result.provenance)


def write_parquet(parts: Iterable[pa.Table], path: Path) -> None:
    """Write tables of one schema to ``path`` as one Parquet file (zstd), one after the other,
    each in its own row groups: for parts of :data:`LOG_PART_ROWS` rows, the file
    ``pq.write_table`` writes for the tables joined."""
    import pyarrow.parquet as pq  # lazy: start-up time (see the module's docstring)

    parts = iter(parts)
    first = next(parts)
    with pq.ParquetWriter(path, first.schema, compression="zstd") as writer:
        for table in itertools.chain([first], parts):
            writer.write_table(table)  # row groups of at most pyarrow's default, 1024 x 1024 rows
