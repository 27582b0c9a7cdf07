"""Run an experiment: every (scenario, replication) once, in a pool of worker processes.

    from sim.experiment import ExperimentSpec, run_experiment
    spec = ExperimentSpec.load("policy_comparison")
    table = run_experiment(spec, "results/policy_comparison/2026-01-01", workers=8)

Workers are started once (``spawn``; importing Mesa and Hydra costs about a second) and kept for
every run of the call. A worker composes the scenario's config (``sim.load_config``), runs it
with the replication's seed and writes ``runs/<scenario>/<seed>/`` (summary.json, daily.csv,
provenance.json; log.parquet only with ``keep_logs``), then its manifest record ``run.json``
(see :mod:`sim.experiment.manifest`). An exception inside a run is caught and recorded with its
traceback, config and seed; the other runs go on. Calling again with the same folder skips runs
already done with the same config hash and redoes missing or failed ones, so an experiment
killed at any moment (even SIGKILL) is finished by running the same command again.

At the end ``summary.csv`` and ``summary.parquet`` (one row per done run: scenario, replication,
seed, status, wall_s, config_hash and every KPI of :func:`sim.kpis.kpi_row`) and
``manifest.jsonl`` are rebuilt from the run folders, atomically and under a folder lock, so
several Hydra jobs writing one scenario each into the same folder leave complete tables.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import math
import multiprocessing as mp
import os
import socket
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sim.config import ConfigError
from sim.experiment.manifest import (
    RUN_RECORD,
    clear_partial,
    config_hash,
    is_done,
    locked,
    read_record,
    run_dir,
    write_manifest,
    write_record,
)
from sim.experiment.spec import ExperimentSpec
from sim.kpis import kpi_row
from sim.loading import load_config
from sim.outputs import atomic_write, provenance, write_json
from sim.run import run

log = logging.getLogger(__name__)

ID_COLUMNS = ["scenario", "replication", "seed", "status", "wall_s", "config_hash"]
SUMMARY_CSV = "summary.csv"
SUMMARY_PARQUET = "summary.parquet"


# --------------------------------------------------------------------------- worker side


@functools.lru_cache(maxsize=64)
def _composed(base: str, overrides: tuple[str, ...]):
    return load_config(base, list(overrides))


def _init_worker(parent_pid: int) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int, every_s: float = 0.5) -> None:
    """Exit when the runner that started this worker is gone (e.g. SIGKILLed).

    A pool worker holds both ends of its task queue, so it would otherwise wait for work forever
    (or finish a run nobody collects); the runs it abandons are redone by the next call.
    """
    while True:
        time.sleep(every_s)
        if os.getppid() != parent_pid:
            os._exit(1)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def run_one(
    experiment: str,
    scenario: str,
    replication: int,
    seed: int,
    base: str,
    overrides: list[str],
    folder: str,
    keep_log: bool = False,
) -> dict:
    """One run, in a worker process: compose, simulate, write the run folder, then its record.

    Takes plain values only (it is pickled to the worker). Never raises for a failing run: the
    exception's traceback goes into the record with status ``failed`` and the resolved config.
    Returns the record (without the config).
    """
    started = time.perf_counter()
    record = {
        "experiment": experiment,
        "scenario": scenario,
        "replication": int(replication),
        "seed": int(seed),
        "config_hash": None,
        "status": "failed",
        "wall_s": None,
        "error": None,
        "base": base,
        "overrides": list(overrides),
        "run_dir": str(folder),
        "started_utc": _now(),
        "finished_utc": None,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    config = None
    try:
        clear_partial(Path(folder))
        config = copy.deepcopy(_composed(base, tuple(overrides)))
        config.run.write_log = bool(keep_log)
        record["config_hash"] = config_hash(config, seed)
        run(config, seed, output=folder)
        record["status"] = "done"
    except Exception:  # noqa: BLE001 - a failing run is recorded, the others go on
        record["error"] = traceback.format_exc()
        if config is not None:
            record["config"] = asdict(config)
    record["wall_s"] = time.perf_counter() - started
    record["finished_utc"] = _now()
    write_record(Path(folder), record)
    record.pop("config", None)
    return record


# --------------------------------------------------------------------------- parent side


@dataclass(frozen=True)
class _Task:
    scenario: str
    replication: int
    seed: int


def default_workers() -> int:
    """The CPUs this process may use (respects taskset and SLURM's CPU binding)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_configs(spec: ExperimentSpec) -> dict:
    """Compose every scenario's config once (fails fast, naming the scenario, on a bad override)."""
    configs = {}
    for name in spec.scenarios:
        try:
            configs[name] = load_config(spec.base, spec.scenario_overrides(name))
        except ConfigError as err:
            raise ConfigError(f"scenarios.{name}", f"{err.field_path}: {err.problem}") from None
    return configs


def run_experiment(
    spec: ExperimentSpec,
    out_dir: str | Path,
    workers: int | None = None,
    progress: bool | None = True,
    scenarios: list[str] | None = None,
    keep_logs: bool | None = None,
) -> pd.DataFrame:
    """Run every missing (scenario, replication) of ``spec`` into ``out_dir``; return the table.

    ``workers``: parallel runs (default ``spec.workers``, then every CPU this process may use);
    ``0`` runs in this process, one after the other (debugging). ``progress``: a tqdm bar (runs
    done / total, ETA); ``None`` shows it only on a terminal. ``scenarios``: run only these (a
    Hydra job runs one); the tables still cover every scenario of the spec found done.
    ``keep_logs``: keep each run's consignment log (default ``spec.keep_logs``).

    The table has one row per done run, ordered by scenario (spec order) and replication.
    Failed runs are not in it; they are in ``manifest.jsonl`` and logged as warnings.
    """
    out_dir = Path(out_dir).absolute()
    names = _select(spec, scenarios)
    keep = spec.keep_logs if keep_logs is None else bool(keep_logs)
    n_workers = workers if workers is not None else spec.workers
    n_workers = default_workers() if n_workers is None else int(n_workers)
    if n_workers < 0:
        raise ConfigError("workers", f"must be >= 0, got {n_workers}")
    executor: ProcessPoolExecutor | None = None
    bar = None
    failed: list[dict] = []
    try:
        # Start the workers first (if there is anything left to run) so that their imports
        # overlap with composing the configs here.
        first = [run_dir(out_dir, s, spec.seed(r)) for r in range(spec.replications) for s in names]
        unfinished = sum(not (folder / RUN_RECORD).is_file() for folder in first)
        if n_workers > 0 and unfinished:
            executor = _start_pool(min(n_workers, unfinished))
        configs = resolve_configs(spec)
        hashes: dict[tuple[str, int], str] = {}

        def expected_hash(scenario: str, seed: int) -> str:
            if (scenario, seed) not in hashes:
                hashes[scenario, seed] = config_hash(configs[scenario], seed)
            return hashes[scenario, seed]

        with locked(out_dir):
            _write_experiment_files(out_dir, spec, configs)

        n = spec.replications
        while True:
            tasks = [_Task(s, r, spec.seed(r)) for r in range(n) for s in names]
            todo = [t for t in tasks if not _done(out_dir, t, expected_hash(t.scenario, t.seed))]
            if bar is None:
                bar = _progress_bar(
                    progress,
                    total=len(tasks),
                    initial=len(tasks) - len(todo),
                    desc=spec.name if scenarios is None else f"{spec.name}:{','.join(names)}",
                )
                log.info(
                    "experiment %s: %d scenario(s) x %d replications = %d runs, %d already done, "
                    "%d to run on %d worker(s) -> %s",
                    spec.name,
                    len(names),
                    n,
                    len(tasks),
                    len(tasks) - len(todo),
                    len(todo),
                    n_workers,
                    out_dir,
                )
            else:
                bar.total = len(tasks)
                bar.refresh()
            if todo:
                if n_workers > 0 and executor is None:
                    executor = _start_pool(min(n_workers, len(todo)))
                failed += _execute(spec, out_dir, todo, executor, keep, bar)
                if executor is not None and getattr(executor, "_broken", False):
                    executor.shutdown(
                        wait=False, cancel_futures=True
                    )  # a worker died: start afresh
                    executor = None
            if not spec.sequential:
                break
            table, _ = collect(out_dir, spec, configs)
            n_next = next_replications(table[table.scenario.isin(names)], spec, n)
            if n_next <= n:
                break
            log.info(
                "experiment %s: a target half-width is not reached with %d replications; "
                "going to %d",
                spec.name,
                n,
                n_next,
            )
            n = n_next
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
    table = finalise(out_dir, spec, configs)
    if failed:
        log.warning(
            "experiment %s: %d run(s) failed (see %s): %s",
            spec.name,
            len(failed),
            out_dir / "manifest.jsonl",
            "; ".join(
                f"{r['scenario']} seed {r['seed']}: {_last_line(r['error'])}" for r in failed[:5]
            ),
        )
    return table


def _start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes, all started now (each imports sim once)."""
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_spawn_context(),
        initializer=_init_worker,
        initargs=(os.getpid(),),
    )
    for _ in range(workers):  # the pool starts one process per submitted task, up to max_workers
        executor.submit(_warm_up)
    return executor


def _warm_up() -> int:
    return os.getpid()


def _select(spec: ExperimentSpec, scenarios: list[str] | None) -> list[str]:
    if scenarios is None:
        return list(spec.scenarios)
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    for name in scenarios:
        if name not in spec.scenarios:
            raise ConfigError(
                "scenario_name",
                f"unknown scenario '{name}' of experiment '{spec.name}'; "
                f"available: {', '.join(spec.scenarios)}",
            )
    return [s for s in spec.scenarios if s in scenarios]


def _done(out_dir: Path, task: _Task, expected: str) -> bool:
    folder = run_dir(out_dir, task.scenario, task.seed)
    return is_done(read_record(folder), expected, folder)


def _spawn_context():
    # Inside a joblib (loky) worker -- a Hydra job under the joblib launcher -- the global start
    # method is "loky", which a spawned child cannot find; the pool's children must be told
    # "spawn" globally, since their preparation data carries the parent's global start method.
    if mp.get_start_method(allow_none=True) not in (None, "spawn", "fork", "forkserver"):
        mp.set_start_method("spawn", force=True)
    return mp.get_context("spawn")


class _NoBar:
    total = 0

    def update(self, n: int = 1) -> None: ...
    def set_postfix(self, **kwargs) -> None: ...
    def refresh(self) -> None: ...
    def close(self) -> None: ...


def _progress_bar(progress: bool | None, total: int, initial: int, desc: str):
    if progress is False:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        unit="run",
        dynamic_ncols=True,
        disable=None if progress is None else False,
        smoothing=0.1,
    )


def _execute(
    spec: ExperimentSpec, out_dir: Path, todo: list[_Task], executor, keep: bool, bar
) -> list[dict]:
    """Run ``todo`` (in ``executor``, or here if it is None); return the records of failed runs."""
    failed = []

    def args(t: _Task):
        return (
            spec.name,
            t.scenario,
            t.replication,
            t.seed,
            spec.base,
            spec.scenario_overrides(t.scenario),
            str(run_dir(out_dir, t.scenario, t.seed)),
            keep,
        )

    def finished(record: dict) -> None:
        if record["status"] != "done":
            failed.append(record)
            log.warning(
                "run failed: scenario %s, seed %d: %s",
                record["scenario"],
                record["seed"],
                _last_line(record["error"]),
            )
        bar.update(1)
        if failed:
            bar.set_postfix(failed=len(failed), refresh=False)

    if executor is None:
        for t in todo:
            finished(run_one(*args(t)))
        return failed
    futures: dict[Future, _Task] = {executor.submit(run_one, *args(t)): t for t in todo}
    for future in as_completed(futures):
        try:
            record = future.result()
        except Exception as err:  # noqa: BLE001 - the worker died (killed, out of memory) or
            # could not write the record: record the failure here and go on with the rest
            t = futures[future]
            record = {
                "experiment": spec.name,
                "scenario": t.scenario,
                "replication": t.replication,
                "seed": t.seed,
                "config_hash": None,
                "status": "failed",
                "wall_s": None,
                "error": (
                    f"worker process died before this run finished: {err!r}"
                    if isinstance(err, BrokenProcessPool)
                    else traceback.format_exc()
                ),
                "base": spec.base,
                "overrides": spec.scenario_overrides(t.scenario),
                "run_dir": str(run_dir(out_dir, t.scenario, t.seed)),
                "finished_utc": _now(),
            }
            try:
                write_record(run_dir(out_dir, t.scenario, t.seed), record)
            except OSError:
                pass
        finished(record)
    return failed


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "?"


# --------------------------------------------------------------------------- tables


def collect(out_dir: Path, spec: ExperimentSpec, configs: dict) -> tuple[pd.DataFrame, list[dict]]:
    """The summary table (done runs) and the records of every run of ``spec`` found in ``out_dir``.

    Only runs whose config hash matches the config the spec asks for now are counted; runs of
    older versions of a scenario (changed overrides) are ignored until redone.
    """
    rows, records = [], []
    for scenario in spec.scenarios:
        config = configs[scenario]
        for r in range(spec.replication_limit):
            seed = spec.seed(r)
            folder = run_dir(out_dir, scenario, seed)
            record = read_record(folder)
            if record is None or record.get("config_hash") not in (None, config_hash(config, seed)):
                continue
            records.append(record)
            if record["status"] != "done":
                continue
            try:
                summary = json.loads((folder / "summary.json").read_text())
            except (OSError, ValueError):
                continue
            rows.append(
                {
                    "scenario": scenario,
                    "replication": r,
                    "seed": seed,
                    "status": "done",
                    "wall_s": record.get("wall_s"),
                    "config_hash": record["config_hash"],
                    **kpi_row(summary),
                }
            )
    table = pd.DataFrame.from_records(rows, columns=None if rows else ID_COLUMNS)
    for column in table.columns[len(ID_COLUMNS) :]:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table, records


def finalise(out_dir: Path, spec: ExperimentSpec, configs: dict) -> pd.DataFrame:
    """Rebuild summary.csv, summary.parquet and manifest.jsonl from the run folders."""
    out_dir = Path(out_dir)
    with locked(out_dir):
        table, records = collect(out_dir, spec, configs)
        atomic_write(out_dir / SUMMARY_CSV, lambda p: table.to_csv(p, index=False))
        atomic_write(out_dir / SUMMARY_PARQUET, lambda p: table.to_parquet(p, index=False))
        write_manifest(out_dir, records)
    return table


def read_manifest(out_dir: str | Path) -> pd.DataFrame:
    """``manifest.jsonl`` as a DataFrame (one row per run with a record)."""
    path = Path(out_dir) / "manifest.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return pd.DataFrame.from_records(lines)


def _write_experiment_files(out_dir: Path, spec: ExperimentSpec, configs: dict) -> None:
    """experiment.json (the spec) and provenance.json (resolved configs, versions, git commit)."""
    previous = out_dir / "experiment.json"
    if previous.is_file():
        try:
            old = json.loads(previous.read_text())
        except ValueError:
            old = {}
        if old.get("name") not in (None, spec.name):
            raise ConfigError(
                "out_dir",
                f"{out_dir} holds experiment '{old.get('name')}', not "
                f"'{spec.name}'; use another folder",
            )
    write_json(out_dir / "experiment.json", spec.to_dict())
    created = None
    prov_path = out_dir / "provenance.json"
    if prov_path.is_file():
        try:
            created = json.loads(prov_path.read_text()).get("created_utc")
        except ValueError:
            created = None
    base = provenance(next(iter(configs.values())), spec.first_seed)
    write_json(
        prov_path,
        {
            "experiment": spec.to_dict(),
            "seeds": "replication r uses seed first_seed + r in every scenario "
            "(common random numbers)",
            "scenarios": {
                name: {"overrides": spec.scenario_overrides(name), "config": asdict(cfg)}
                for name, cfg in configs.items()
            },
            "packages": base["packages"],
            "python": base["python"],
            "platform": base["platform"],
            "git": base["git"],
            "created_utc": created or base["created_utc"],
            "updated_utc": base["created_utc"],
        },
    )


# --------------------------------------------------------------------------- sequential replication


def half_width(values, confidence: float = 0.95) -> float:
    """Half-width of the Student-t confidence interval of the mean of ``values`` (NaN dropped;
    infinite with fewer than two values)."""
    from sim.stats import t_interval

    x = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float).to_numpy()
    h = t_interval(x, confidence)["half_width"]
    return math.inf if not math.isfinite(h) else float(h)


def next_replications(table: pd.DataFrame, spec: ExperimentSpec, n: int) -> int:
    """How many replications to have next so every target half-width is met (``n``: reached).

    For each scenario and KPI whose half-width from its runs exceeds the target, the runs needed
    are :func:`sim.stats.replications_needed` (smallest n with t(n-1) s / sqrt(n) <= target,
    s from the runs so far); the next batch goes to the largest such n (at least ``n + 1``),
    capped at ``max_replications``. The loop re-estimates s after every batch.
    """
    from sim.stats import replications_needed

    if not spec.sequential or table.empty:
        return n
    needed = n
    for kpi, target in spec.target_half_width.items():
        if kpi not in table.columns or table[kpi].notna().sum() == 0:
            raise ConfigError(
                f"target_half_width.{kpi}",
                "this KPI has no values in the runs done (e.g. a flow or sub-model that is off)",
            )
        for _, group in table.groupby("scenario", sort=False):
            values = pd.to_numeric(group[kpi], errors="coerce").astype(float).dropna().to_numpy()
            if half_width(values) <= target:
                continue
            try:
                estimate = replications_needed(values, target, n_max=spec.max_replications)
            except ValueError:  # fewer than two values, or more than max_replications needed
                estimate = spec.max_replications if len(values) >= 2 else n + 1
            needed = max(needed, n + 1, estimate)
    return min(needed, spec.max_replications)
