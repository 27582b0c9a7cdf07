"""Throughput and memory benchmark: Clearway against a bare SimPy model and Ciw on one network.

    pip install -e ".[bench]"                        # Ciw
    python benchmarks/bench_throughput.py            # 1e5 and 1e6 consignments, the default
                                                     # run, Yangshan volume 30 days
    python benchmarks/bench_throughput.py --quick    # 1e5 only, the default run, Yangshan 10 days
    python benchmarks/bench_throughput.py --year     # also one simulated year at Yangshan scale
    python benchmarks/bench_throughput.py --quick --network-only   # the verification network only

Each case runs in a fresh worker process (so its peak resident memory is its own) on one core,
one after the other. Reported: consignments per second, Clearway's ratio to the bare SimPy model
(:mod:`bare_simpy`) and to Ciw (:mod:`ciw_network`) on the verification network; the default
run (``python -m sim``'s config: shanghai, 60 days and the drain, seed 1); peak RSS,
bytes per consignment of the columnar log, and time per consignment at 1e5 vs 1e6 (linearity);
then the same as a Markdown table. Not a unit test: numbers depend on the machine (compare the
ratios, which come from one command); they go in the README.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the reference models (a spawned worker imports this module too)
VERIFICATION_PER_DAY = 720  # imports 480 + exports 240 (configs/scenario/verification.yaml)
YANGSHAN_BOXES_PER_DAY = 33_000  # ~19.8 M TEU a year at ~1.6 TEU per box (figures.md)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference_case(model: str, n: int) -> dict:
    """A reference model of the verification network: ``"bare simpy"`` or ``"ciw"``."""
    from bare_simpy import run_bare
    from ciw_network import run_ciw

    out = {"bare simpy": run_bare, "ciw": run_ciw}[model](n, seed=1)
    return {"model": model, "consignments": out["consignments"], "wall_s": out["wall_s"],
            "per_s": out["consignments_per_s"], "peak_rss_mb": _peak_rss_mb()}


def clearway_case(scenario: str, overrides: list[str], label: str | None = None) -> dict:
    """One run as a user makes it (:func:`sim.run`, its log not written): the model built,
    simulated, drained and summarised."""
    from sim import load_config, run
    from sim.records import ConsignmentLog

    cfg = load_config(scenario, [*overrides, "run.write_log=false"])
    result = run(cfg, seed=1)
    n = result.log.num_rows
    return {"model": label or f"clearway {scenario}", "consignments": n, "wall_s": result.wall_s,
            "per_s": n / result.wall_s, "peak_rss_mb": _peak_rss_mb(),
            "log_bytes_per_consignment": ConsignmentLog(capacity=1).nbytes_per_row()}


def verification_overrides(n: int) -> list[str]:
    days = max(int(round(n / VERIFICATION_PER_DAY)), 3)
    return [f"run.horizon_days={days}", "run.warmup_days=1", "run.cooldown_days=1"]


def yangshan_overrides(days: int) -> list[str]:
    """Shanghai at full Yangshan volume: demand and every capacity scaled by the same factor."""
    from sim import load_config
    from sim.scaling import scaled_overrides

    base = load_config("shanghai")
    factor = YANGSHAN_BOXES_PER_DAY / (base.imports.boxes_per_day + base.exports.boxes_per_day)
    return [f"run.horizon_days={days}", "run.warmup_days=1", "run.cooldown_days=1",
            *scaled_overrides(base, factor)]


def in_worker(fn, *args) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--year", action="store_true")
    ap.add_argument("--network-only", action="store_true", help="skip the port cases (the default run, Yangshan volume)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    sizes = [10**5] if args.quick else [10**5, 10**6]
    results, verification = [], []
    for n in sizes:
        bare = in_worker(reference_case, "bare simpy", n)
        ciw = in_worker(reference_case, "ciw", n)
        cw = in_worker(clearway_case, "verification", verification_overrides(n))
        cw["ratio_to_bare"] = cw["per_s"] / bare["per_s"]
        cw["ratio_to_ciw"] = cw["per_s"] / ciw["per_s"]
        results += [bare, ciw, cw]
        verification.append(cw)
    if len(sizes) == 2:
        small, large = verification
        linear = (large["wall_s"] / large["consignments"]) / (small["wall_s"] / small["consignments"])
        marginal = (large["peak_rss_mb"] - small["peak_rss_mb"]) * 2**20 / (large["consignments"] - small["consignments"])
        results.append({"model": "clearway verification 1e6 vs 1e5", "time_per_consignment_ratio": linear,
                        "marginal_rss_bytes_per_consignment": marginal})
    days = 10 if args.quick else 30
    if not args.network_only:
        results.append(in_worker(clearway_case, "shanghai", [], "clearway default run (python -m sim)"))
        results.append(in_worker(clearway_case, "shanghai", yangshan_overrides(days),
                                 f"clearway shanghai at Yangshan volume, {days} days"))
    if args.year:
        results.append(in_worker(clearway_case, "shanghai", yangshan_overrides(365),
                                 "clearway shanghai at Yangshan volume, 365 days"))
    for r in results:
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}))
    print(markdown_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def markdown_table(results: list[dict]) -> str:
    """The cases as the README's table: consignments/s, peak RSS, ratios."""
    lines = ["| case | consignments | consignments/s | peak RSS | Clearway / bare SimPy | Clearway / Ciw |",
             "|---|---|---|---|---|---|"]
    for r in results:
        if "per_s" not in r:
            continue
        ratios = [f"{r[k]:.2f}x" if k in r else "" for k in ("ratio_to_bare", "ratio_to_ciw")]
        lines.append(f"| {r['model']} | {r['consignments']:,} | {r['per_s']:,.0f} | "
                     f"{r['peak_rss_mb']:,.0f} MB | {' | '.join(ratios)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
