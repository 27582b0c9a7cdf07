"""Where a run's memory goes: resident memory (RSS) at each step of ``sim.run``.

Runs one simulation in this process, as ``sim.run`` runs it for ``python -m sim`` (its run
folder written, ``log.parquet`` included, into a temporary directory), with a thread reading the
process's RSS every 5 ms, and prints, for each step (building the model, the horizon, the figures
taken at the horizon, the drain, the summary, the agents' records, the sub-models' logs, writing
the run folder with the log table a part at a time), the RSS when the step ended and the highest
RSS seen during it, in MB, and the log's size. Each step is timed by wrapping the function that does it, so the run itself
is the one a user gets.

    python benchmarks/bench_memory.py                 # shanghai at Yangshan volume, 10 days
    python benchmarks/bench_memory.py --days 30
    python benchmarks/bench_memory.py --scenario shanghai run.horizon_days=20   # any config

A year at Yangshan volume (``--days 365``) took 32 minutes and 3.6 GB on 2 December 2026 (Intel Xeon,
at bc240bb, with a test run beside it for a third of that time).
"""
from __future__ import annotations

import argparse
import functools
import os
import tempfile
import threading
import time

PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux: /proc/self/statm)."""
    return resident_mb()[0]


def resident_mb() -> tuple[float, float]:
    """This process's resident memory now, in MB: all of it, and its own (anonymous) part, i.e.
    without the pages of mapped files (the consignment log's among them), which are the kernel's
    page cache and can be written out and dropped (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        _, resident, file_backed = (int(x) for x in f.read().split()[:3])
    return resident * PAGE_MB, (resident - file_backed) * PAGE_MB


class RssProbe:
    """Samples the RSS (all and anonymous) every ``interval_s`` in a daemon thread;
    ``step(name)`` wraps a function so that its end RSS and the peak RSS during it are recorded
    under ``name``: (name, seconds, end MB, peak MB, end anonymous MB, peak anonymous MB)."""

    def __init__(self, interval_s: float = 0.005):
        self.steps: list[tuple[str, float, float, float, float, float]] = []
        self._peak = resident_mb()
        self._interval_s = interval_s
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self._peak = tuple(map(max, self._peak, resident_mb()))
            time.sleep(self._interval_s)

    def step(self, name: str, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            self._peak = resident_mb()
            started = time.perf_counter()
            out = fn(*args, **kwargs)
            end = resident_mb()
            peak = tuple(map(max, self._peak, end))
            self.steps.append((name, time.perf_counter() - started, end[0], peak[0], end[1], peak[1]))
            return out
        return wrapped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=10, help="days at Yangshan volume (without --scenario)")
    ap.add_argument("--scenario", help="run this scenario with the overrides given instead")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()

    import importlib

    from sim import load_config
    from sim.model import ClearanceModel

    from bench_throughput import yangshan_overrides

    overrides = args.overrides if args.scenario else yangshan_overrides(args.days) + args.overrides
    config = load_config(args.scenario or "shanghai", overrides)
    run_module, summary = importlib.import_module("sim.run"), importlib.import_module("sim.summary")
    probe = RssProbe()
    start_mb = rss_mb()
    ClearanceModel.__init__ = probe.step("build", ClearanceModel.__init__)
    ClearanceModel.run_horizon = probe.step("horizon", ClearanceModel.run_horizon)
    ClearanceModel.drain = probe.step("drain", ClearanceModel.drain)
    summary.horizon_figures = probe.step("horizon figures", summary.horizon_figures)
    summary.summarise = probe.step("summary", summary.summarise)
    for name in ("sub_model_logs", "agent_records", "write_run"):
        setattr(run_module, name, probe.step(name, getattr(run_module, name)))
    with tempfile.TemporaryDirectory(prefix="bench_memory_") as folder:  # the run folder, as
        result = run_module.run(config, args.seed, output=folder)  # python -m sim writes it
        log_mb = os.path.getsize(os.path.join(folder, "log.parquet")) / 2**20 if config.run.write_log else 0.0

    print(f"RSS before the run: {start_mb:,.0f} MB")
    print("| step | s | RSS at its end (MB) | peak RSS in it (MB) | anonymous RSS at its end (MB) | peak anonymous RSS in it (MB) |")
    print("|---|---|---|---|---|---|")
    for name, seconds, end_mb, peak_mb, end_anon_mb, peak_anon_mb in probe.steps:
        print(f"| {name} | {seconds:,.1f} | {end_mb:,.0f} | {peak_mb:,.0f} | {end_anon_mb:,.0f} | {peak_anon_mb:,.0f} |")
    rows, row_bytes = result.consignments.size, result.consignments.nbytes_per_row()
    print(f"consignments: {rows:,}; the log {row_bytes} bytes a row in memory ({rows * row_bytes / 2**20:,.0f} MB), "
          f"log.parquet {log_mb:,.0f} MB; wall {result.wall_s:,.1f} s")


if __name__ == "__main__":
    main()
