"""Bare SimPy reference model of the Clearway verification network.

Purpose: a throughput baseline. The full Clearway model (agents, records, policies)
is benchmarked against this minimal model of the same queueing network, so the
ratio of the two consignments-per-second figures is the cost of Clearway's
machinery over plain SimPy.

Network (times in hours, rates per hour; see sim.theory.feed_forward_clearance_network):
merged Poisson import+export arrivals -> channel draw (green/yellow/red, flow's
shares) -> yellow/red: document check (M/M/c) -> red: inspection (M/M/c) ->
with probability certification_share: certification (M/M/c) -> release.

No agents, no records: one SimPy process per consignment and a finished counter.
All random variates are pre-drawn as numpy arrays from default_rng(seed), as the
Clearway model buffers its draws too. Wall time includes the pre-draw.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import simpy

GREEN, YELLOW, RED = 0, 1, 2


@dataclass(frozen=True)
class Network:
    """The verification network's parameters (the reference models share them)."""

    import_per_h: float = 20.0
    export_per_h: float = 10.0
    shares_import: tuple[float, float, float] = (0.6, 0.3, 0.1)  # green, yellow, red
    shares_export: tuple[float, float, float] = (0.75, 0.2, 0.05)
    certification_share: float = 0.05
    doc_mean_h: float = 0.5  # doc check: 10.5/h * 0.5 h / 7 = rho 0.75
    doc_servers: int = 7
    inspection_mean_h: float = 1.5  # inspection: 2.5/h * 1.5 h / 5 = rho 0.75
    inspection_servers: int = 5
    cert_mean_h: float = 2.5  # certification: 1.5/h * 2.5 h / 5 = rho 0.75
    cert_servers: int = 5


def run_bare(n_consignments: int, seed: int, net: Network = Network(),
             track_doc_sojourn: bool = False) -> dict:
    """Run the bare model until ``n_consignments`` have arrived and all have left."""
    t0 = time.perf_counter()
    n = n_consignments
    rng = np.random.default_rng(seed)
    total = net.import_per_h + net.export_per_h
    interarrival = rng.exponential(1.0 / total, n).tolist()
    is_import = rng.random(n) < net.import_per_h / total
    u = rng.random(n)
    g = np.where(is_import, net.shares_import[0], net.shares_export[0])
    gy = g + np.where(is_import, net.shares_import[1], net.shares_export[1])
    channel = np.where(u < g, GREEN, np.where(u < gy, YELLOW, RED)).tolist()
    certify = (rng.random(n) < net.certification_share).tolist()
    doc_t = rng.exponential(net.doc_mean_h, n).tolist()
    insp_t = rng.exponential(net.inspection_mean_h, n).tolist()
    cert_t = rng.exponential(net.cert_mean_h, n).tolist()

    env = simpy.Environment()
    doc = simpy.Resource(env, net.doc_servers)
    inspection = simpy.Resource(env, net.inspection_servers)
    certification = simpy.Resource(env, net.cert_servers)
    finished = [0]
    doc_sojourn = [0.0, 0]  # sum (h), count; only filled when track_doc_sojourn

    def consignment(i):
        ch = channel[i]
        if ch != GREEN:
            t_in = env.now
            with doc.request() as req:
                yield req
                yield env.timeout(doc_t[i])
            if track_doc_sojourn:
                doc_sojourn[0] += env.now - t_in
                doc_sojourn[1] += 1
            if ch == RED:
                with inspection.request() as req:
                    yield req
                    yield env.timeout(insp_t[i])
        if certify[i]:
            with certification.request() as req:
                yield req
                yield env.timeout(cert_t[i])
        finished[0] += 1

    def arrivals():
        for i in range(n):
            yield env.timeout(interarrival[i])
            env.process(consignment(i))

    env.process(arrivals())
    env.run()
    wall = time.perf_counter() - t0
    out = {"consignments": finished[0], "wall_s": wall, "consignments_per_s": finished[0] / wall}
    if track_doc_sojourn:
        out["mean_doc_sojourn_h"] = doc_sojourn[0] / max(doc_sojourn[1], 1)
    return out


if __name__ == "__main__":
    print(run_bare(100_000, seed=1))
