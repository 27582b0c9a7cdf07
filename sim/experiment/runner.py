"""Run an experiment's runs: every (scenario, replication) once, on one executor.

    from sim.experiment import ExperimentSpec
    from sim.experiment.runner import run_runs
    table = run_runs(ExperimentSpec.load("smoke"), "results/smoke/run1", workers=2)

Before anything is simulated, every scenario's config is composed (a bad override is a
``ConfigError`` naming the scenario) and the folder is checked (:mod:`sim.experiment.outdir`);
for a new folder the local executor's workers are started first and import the model meanwhile.
Then each run that is not already done and sound (:func:`sim.experiment.manifest.verify`) is
claimed (:mod:`sim.experiment.claims`) and handed to the executor (:mod:`sim.experiment.
executors`), which calls :func:`sim.experiment.worker.run_one` with the composed config: it
writes ``runs/<scenario>/<seed>/`` and, last, the run's record. Runs claimed by another runner sharing
the folder are left to it and waited for. A failing run is recorded and the others go on.
Calling again with the same folder keeps sound runs and redoes missing, failed, torn or stale
ones, so an experiment killed at any moment (even SIGKILL) is finished by the same command.

At the end the tables (:mod:`sim.experiment.tables`: summary, manifest, failures.csv) are
rebuilt from the run folders.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from sim.experiment.claims import claim, release
from sim.experiment.executors import (
    Executor,
    LocalExecutor,
    check_executor,
    default_workers,
    make_executor,
)
from sim.experiment.manifest import (
    code_version,
    config_hash,
    locked,
    read_record,
    run_dir,
    verify,
    write_record,
)
from sim.experiment.outdir import check_out_dir, estimate_bytes
from sim.experiment.sequential import next_replications
from sim.experiment.spec import ExperimentSpec
from sim.experiment.tables import collect, finalise
from sim.experiment.worker import base_record, error_line, now_utc, run_one
from sim.loading import load_config
from sim.outputs import provenance, write_json
from sim.schema.errors import ConfigError

log = logging.getLogger(__name__)
POLL_S = 0.5  # how often runs claimed by another runner are checked


@dataclass(frozen=True)
class _Task:
    scenario: str
    replication: int
    seed: int


def resolve_configs(spec: ExperimentSpec) -> dict:
    """Compose every scenario's config once (fails fast, naming the scenario, on a bad override)."""
    configs = {}
    for name in spec.scenarios:
        try:
            configs[name] = load_config(spec.base, spec.scenario_overrides(name))
        except ConfigError as err:
            raise ConfigError(f"scenarios.{name}", f"{err.field_path}: {err.problem}") from None
    return configs


def run_runs(spec: ExperimentSpec, out_dir: str | Path, workers: int | None = None,
             progress: bool | None = True, keep_logs: bool | None = None,
             executor: str | Executor = "local", reuse_stale: bool = False,
             executor_options: dict | None = None) -> pd.DataFrame:
    """Run every missing (scenario, replication) of ``spec`` into ``out_dir``; return the table.

    ``workers``: runs in flight (default ``spec.workers``, then every CPU this process may use);
    ``0`` runs in this process (local executor). ``executor``: ``"local"``, ``"slurm"``,
    ``"submitit-local"``, ``"ray"`` or an :class:`Executor`; ``executor_options``: its
    ``partition`` (SLURM) or ``ray_address`` (see :func:`make_executor`). ``progress``: a tqdm
    bar; ``None`` shows it only on a terminal. ``keep_logs``: keep each run's consignment log
    (default ``spec.keep_logs``). ``reuse_stale``: keep sound runs of another code version.

    The table has one row per done run, ordered by scenario (spec order) and replication.
    Failed runs are not in it; they are in ``failures.csv`` and ``manifest.jsonl``.
    """
    keep = spec.keep_logs if keep_logs is None else bool(keep_logs)
    n_workers = workers if workers is not None else spec.workers
    n_workers = default_workers() if n_workers is None else int(n_workers)
    if n_workers < 0:
        raise ConfigError("workers", f"must be >= 0, got {n_workers}")
    own = isinstance(executor, str)
    if own:
        check_executor(executor)
    warm = _warm_local_executor(executor, n_workers, out_dir)  # they import while configs compose
    try:
        configs = resolve_configs(spec)
        out_dir = check_out_dir(out_dir, estimate_bytes(spec, configs))
        with locked(out_dir):
            _write_experiment_files(out_dir, spec, configs)
    except BaseException:
        if warm is not None:
            warm.close()
        raise
    session = _Session(spec, out_dir, configs, keep, reuse_stale, progress, warm)
    try:
        n = spec.replications
        while True:
            session.run(n, executor if not own else lambda: make_executor(
                executor, n_workers, out_dir, **(executor_options or {})))
            if not spec.sequential:
                break
            table, _ = collect(out_dir, spec, configs, reuse_stale)
            n_next = next_replications(table, spec, n)
            if n_next <= n:
                break
            log.info("experiment %s: a target half-width is not reached with %d replications; "
                     "going to %d", spec.name, n, n_next)
            n = n_next
    finally:
        session.close(close_executor=own)
    table = finalise(out_dir, spec, configs, reuse_stale)
    if session.failed:
        log.warning("experiment %s: %d run(s) failed (see %s): %s", spec.name,
                    len(session.failed), out_dir / "failures.csv",
                    "; ".join(f"{r['scenario']} seed {r['seed']}: {error_line(r['error'])}"
                              for r in session.failed[:5]))
    return table


def _warm_local_executor(executor: str | Executor, workers: int,
                         out_dir: str | Path) -> LocalExecutor | None:
    """For a new experiment folder, the local executor with its worker processes started now:
    they import Mesa and the model while this process composes the configs. None for another
    executor, ``workers=0`` or a folder that holds runs already: a resume may have nothing left
    to run, and workers started for nothing would cost it seconds (made when needed instead)."""
    if executor != "local" or workers == 0 or (Path(out_dir).expanduser() / "runs").exists():
        return None
    local = make_executor("local", workers, out_dir)
    local.start()
    return local


class _Session:
    """One call's runs: claims them, hands them to the executor, waits for other runners.
    ``executor``: one already started (the warm local executor), else made at the first run."""

    def __init__(self, spec, out_dir, configs, keep, reuse_stale, progress,
                 executor: Executor | None = None) -> None:
        self.spec, self.out_dir, self.configs = spec, out_dir, configs
        self.keep, self.reuse_stale, self.progress = keep, reuse_stale, progress
        self.started_utc = now_utc()
        self.version = code_version()
        self.executor: Executor | None = executor
        self.bar = None
        self.failed: list[dict] = []
        self.tokens: dict[_Task, str] = {}

    def sound(self, t: _Task) -> bool:
        folder = run_dir(self.out_dir, t.scenario, t.seed)
        expected = config_hash(self.configs[t.scenario], t.seed)
        return verify(read_record(folder), expected, folder, self.reuse_stale) is None

    def finished_during_call(self, t: _Task) -> bool:
        """Whether a record of ``t`` was written since this call started (by this runner or
        another one): a run failed meanwhile is not redone in the same call."""
        record = read_record(run_dir(self.out_dir, t.scenario, t.seed))
        return record is not None and str(record.get("finished_utc") or "") >= self.started_utc

    def run(self, n: int, executor) -> None:
        tasks = [_Task(s, r, self.spec.seed(r)) for r in range(n) for s in self.spec.scenarios]
        self._bar(len(tasks), sum(self.sound(t) for t in tasks))
        while True:
            todo = [t for t in tasks if not self.sound(t) and not self.finished_during_call(t)]
            if not todo:
                return
            if self.executor is None:
                self.executor = executor() if callable(executor) else executor
            if not self._execute(todo):  # every run left is claimed by another runner
                time.sleep(POLL_S)
            self.bar.n = sum(self.sound(t) or self.finished_during_call(t) for t in tasks)
            self.bar.refresh()

    def _claim(self, t: _Task) -> bool:
        """Claim ``t`` if no live runner holds it and it is still to do: another runner may
        have finished it since ``todo`` was listed (it writes the record, then releases)."""
        folder = run_dir(self.out_dir, t.scenario, t.seed)
        token = claim(self.out_dir, folder)
        if token is None:
            return False
        if self.sound(t) or self.finished_during_call(t):
            release(folder, token)
            return False
        self.tokens[t] = token
        return True

    def _execute(self, todo: list[_Task]) -> int:
        """Run the tasks of ``todo`` this runner can claim (each claimed just before it is
        submitted, so runners sharing the folder share the work); return how many ran."""
        spec = self.spec
        calls = [(spec.name, t.scenario, t.replication, t.seed, spec.base,
                  spec.scenario_overrides(t.scenario),
                  str(run_dir(self.out_dir, t.scenario, t.seed)), self.keep, self.version,
                  self.configs[t.scenario])
                 for t in todo]
        log.info("experiment %s: up to %d run(s) on %d worker(s) (%s) -> %s", spec.name,
                 len(todo), self.executor.workers, self.executor.name, self.out_dir)
        ran = 0
        admit = lambda i: self._claim(todo[i])  # noqa: E731
        for i, outcome in self.executor.map_unordered(run_one, calls, admit):
            t, ran = todo[i], ran + 1
            record = outcome if isinstance(outcome, dict) else self._lost(calls[i], outcome)
            release(run_dir(self.out_dir, t.scenario, t.seed), self.tokens.pop(t))
            if record["status"] != "done":
                self.failed.append(record)
                log.warning("run failed: scenario %s, seed %d: %s", t.scenario, t.seed,
                            error_line(record["error"]))
                self.bar.set_postfix(failed=len(self.failed), refresh=False)
            self.bar.update(1)
        return ran

    @staticmethod
    def _lost(call: tuple, err: BaseException) -> dict:
        """The record of a run whose worker died (killed, out of memory) or job was lost."""
        record = base_record(*call[:7], call[8])
        record.update(error=f"the worker died before this run finished: {err!r}",
                      finished_utc=now_utc())
        write_record(Path(call[6]), record)
        return record

    def _bar(self, total: int, initial: int) -> None:
        if self.bar is None:
            self.bar = _progress_bar(self.progress, total, initial, self.spec.name)
        else:
            self.bar.total, self.bar.n = total, initial
            self.bar.refresh()

    def close(self, close_executor: bool) -> None:
        for t, token in self.tokens.items():  # interrupted: give unfinished claims back
            release(run_dir(self.out_dir, t.scenario, t.seed), token)
        if close_executor and self.executor is not None:
            self.executor.close()
        if self.bar is not None:
            self.bar.close()


class _NoBar:
    total = n = 0

    def update(self, n: int = 1) -> None: ...
    def set_postfix(self, **kwargs) -> None: ...
    def refresh(self) -> None: ...
    def close(self) -> None: ...


def _progress_bar(progress: bool | None, total: int, initial: int, desc: str):
    if progress is False:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit="run", dynamic_ncols=True,
                disable=None if progress is None else False, smoothing=0.1)


def _write_experiment_files(out_dir: Path, spec: ExperimentSpec, configs: dict) -> None:
    """experiment.json (the spec) and provenance.json (resolved configs, versions, git commit);
    refuses a folder that holds another experiment (or the other of full and quick)."""
    previous = out_dir / "experiment.json"
    old = _read_json(previous) if previous.is_file() else {}
    other_name = old.get("name") not in (None, spec.name)
    if other_name or old.get("is_quick", spec.is_quick) != spec.is_quick:
        held = f"{old.get('name')}{' (quick)' if old.get('is_quick') else ''}"
        raise ConfigError("out_dir", f"{out_dir} holds experiment '{held}', not '{spec.name}"
                                     f"{' (quick)' if spec.is_quick else ''}'; use another folder")
    write_json(previous, spec.to_dict())
    prov_path = out_dir / "provenance.json"
    created = _read_json(prov_path).get("created_utc") if prov_path.is_file() else None
    base = provenance(next(iter(configs.values())), spec.first_seed)
    write_json(prov_path, {
        "experiment": spec.to_dict(),
        "seeds": "replication r uses seed first_seed + r in every scenario (common random numbers)",
        "scenarios": {name: {"overrides": spec.scenario_overrides(name), "config": asdict(cfg)}
                      for name, cfg in configs.items()},
        "code_version": code_version(),
        "packages": base["packages"], "python": base["python"], "platform": base["platform"],
        "git": base["git"], "created_utc": created or base["created_utc"],
        "updated_utc": base["created_utc"],
    })


def _read_json(path: Path) -> dict:
    import json

    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
