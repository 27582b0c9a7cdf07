"""Where runs execute: one interface over local processes, SLURM (submitit) and Ray.

Every executor runs calls of one function (:func:`sim.experiment.worker.run_one`) with at most
``workers`` in flight and yields ``(index, result)`` as each finishes, in any order; a call that
could not run (a worker killed, a job lost) yields ``(index, exception)`` instead. ``admit(i)``
is asked just before call ``i`` is submitted (the runner claims the run there); a call it
refuses is skipped:

    with make_executor("local", workers=2) as executor:
        for i, outcome in executor.map_unordered(run_one, calls):
            ...

- :class:`LocalExecutor`: spawned worker processes on this machine, started once and reused for
  every run; each imports what a run needs as it starts (Mesa, pandas, pyarrow: over a second),
  so the runner starts them before it composes the configs and both overlap. ``workers=0`` runs
  in this process.
- :class:`SubmititExecutor`: one SLURM job per run through submitit's own API
  (``cluster="local"``: submitit's local executor, for tests and laptops).
- :class:`RayExecutor`: one Ray task per run (one CPU each), on a running cluster
  (``address``) or a local one started here.

The experiment folder must be on a file system every worker can write: workers write their run
folders themselves; only records come back.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from sim.schema.errors import ConfigError

EXECUTORS = ("local", "slurm", "submitit-local", "ray")
POLL_S = 0.5  # how often remote jobs are polled


def default_workers() -> int:
    """The CPUs this process may use (respects taskset and SLURM's CPU binding)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Executor:
    """Runs calls of one function with at most ``workers`` in flight (see the module doc)."""

    name = "executor"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def map_unordered(self, fn: Callable, calls: list[tuple],
                      admit: Callable[[int], bool] = lambda i: True
                      ) -> Iterator[tuple[int, object]]:
        """Yield ``(index, fn(*calls[index]))`` or ``(index, exception)`` as calls finish."""
        pending = list(enumerate(calls))[::-1]
        running: dict = {}
        while pending or running:
            while pending and len(running) < max(1, self.workers):
                i, args = pending.pop()
                if admit(i):
                    running[self._submit(fn, args)] = i
            if not running:
                return
            for handle, outcome in self._finished(list(running)):
                yield running.pop(handle), outcome

    def _submit(self, fn: Callable, args: tuple):
        raise NotImplementedError

    def _finished(self, handles: list) -> list[tuple[object, object]]:
        """Block until at least one handle is finished; return ``(handle, outcome)`` pairs."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the workers (idempotent)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LocalExecutor(Executor):
    """Warm spawned worker processes on this machine; ``workers=0``: in this process."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(default_workers() if workers is None else workers)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start every worker now; each imports what a run needs (:func:`_start_worker`) while
        the caller goes on, so that the first runs do not wait for imports."""
        if self.workers == 0 or self._pool is not None:
            return
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_spawn_context(),
                                         initializer=_start_worker, initargs=(os.getpid(),))
        for _ in range(self.workers):  # the pool starts a process per submitted task
            self._pool.submit(os.getpid)

    def map_unordered(self, fn, calls, admit=lambda i: True):
        if self.workers == 0:
            for i, args in enumerate(calls):
                if admit(i):
                    yield i, fn(*args)
            return
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self.close()  # a worker died in an earlier call: start afresh
        self.start()
        yield from super().map_unordered(fn, calls, admit)

    def _submit(self, fn, args):
        return self._pool.submit(fn, *args)

    def _finished(self, handles):
        done, _ = wait(handles, return_when=FIRST_COMPLETED)
        return [(f, f.exception() or f.result()) for f in done]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _spawn_context():
    return mp.get_context("spawn")  # Mesa forces spawn anyway (see PITFALLS.md)


def _start_worker(parent_pid: int) -> None:
    """In a new worker: watch the runner, then import what a run needs (the simulation's
    modules import Mesa, pandas and pyarrow lazily, at the first run)."""
    _watch_parent(parent_pid)
    import sim.experiment.worker  # noqa: F401
    import sim.model  # noqa: F401
    import sim.summary  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def _watch_parent(parent_pid: int) -> None:
    """In a worker: exit when the runner that started it is gone (e.g. SIGKILLed); a pool
    worker would otherwise wait for work forever or finish a run nobody collects."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class SubmititExecutor(Executor):
    """One job per run through submitit: SLURM (``cluster="slurm"``) or submitit's local
    executor (``cluster="local"``). Job logs go to ``folder``."""

    def __init__(self, folder: str | Path, workers: int, cluster: str = "slurm",
                 partition: str | None = None, timeout_min: int = 240, mem_gb: int = 4) -> None:
        import submitit

        super().__init__(workers)
        self.name = "slurm" if cluster == "slurm" else "submitit-local"
        self._executor = submitit.AutoExecutor(folder=str(folder), cluster=cluster)
        params = {"timeout_min": timeout_min, "cpus_per_task": 1, "mem_gb": mem_gb,
                  "name": "clearway"}
        if cluster == "slurm" and partition:
            params["slurm_partition"] = partition
        self._executor.update_parameters(**params)

    def _submit(self, fn, args):
        return self._executor.submit(fn, *args)

    def _finished(self, handles):
        while True:
            done = [job for job in handles if job.done()]
            if done:
                return [(job, _job_outcome(job)) for job in done]
            time.sleep(POLL_S)


def _job_outcome(job):
    try:
        return job.result()
    except Exception as err:  # noqa: BLE001 - a lost or killed job: the runner records it
        return err


class RayExecutor(Executor):
    """One Ray task (one CPU) per run, on the cluster at ``address`` or a local one of
    ``workers`` CPUs started here (and shut down by :meth:`close`)."""

    name = "ray"

    def __init__(self, workers: int, address: str | None = None) -> None:
        import ray

        super().__init__(workers)
        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
        self._remote: dict = {}

    def _submit(self, fn, args):
        if fn not in self._remote:
            self._remote[fn] = self._ray.remote(num_cpus=1, max_retries=0)(fn)
        return self._remote[fn].remote(*args)

    def _finished(self, handles):
        done, _ = self._ray.wait(handles, num_returns=1)
        return [(ref, _ray_outcome(self._ray, ref)) for ref in done]

    def close(self) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()
            self._started_here = False


def _ray_outcome(ray, ref):
    try:
        return ray.get(ref)
    except Exception as err:  # noqa: BLE001 - a task whose worker died: the runner records it
        return err


def check_executor(name: str) -> None:
    """Refuse an unknown executor, or one whose package is not installed, before any run."""
    if name not in EXECUTORS:
        raise ConfigError("executor", f"unknown executor '{name}'; available: "
                                      f"{', '.join(EXECUTORS)}")
    if name in ("slurm", "submitit-local"):
        _require("submitit", "cluster", name)
    elif name == "ray":
        _require("ray", "ray", name)


def make_executor(name: str, workers: int | None, out_dir: Path, partition: str | None = None,
                  ray_address: str | None = None) -> Executor:
    """The executor called ``name`` (one of :data:`EXECUTORS`) with ``workers`` in flight
    (default: every CPU here; for SLURM and Ray pass the number you want)."""
    check_executor(name)
    n = default_workers() if workers is None else int(workers)
    if name == "local":
        return LocalExecutor(n)
    if n < 1:
        raise ConfigError("workers", f"must be >= 1 with --executor {name}, got {n}")
    if name in ("slurm", "submitit-local"):
        cluster = "slurm" if name == "slurm" else "local"
        return SubmititExecutor(Path(out_dir) / "jobs", n, cluster=cluster, partition=partition)
    return RayExecutor(n, address=ray_address)


def _require(module: str, extra: str, name: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ConfigError("executor", f"--executor {name} needs the '{module}' package: "
                                      f"pip install -e \".[{extra}]\"")
