"""Ciw reference model of the Clearway verification network (issue 9's second yardstick).

The same network as :mod:`bare_simpy`, with its parameters (:class:`bare_simpy.Network`): merged
Poisson import and export arrivals -> channel (green / yellow / red by the flow's shares) ->
yellow and red: document check -> red: inspection -> some: certification -> release; every
station M/M/c.

Every consignment is a Ciw customer: it arrives at a lodgement node (no service time, unlimited
servers) where its route is drawn (Ciw's process-based routing), so that consignments that need
no station are simulated too, as in the SimPy models. Ciw keeps a record of every service, as
it does by default; the SimPy models keep only a counter (bare) or the columnar log (Clearway).

Needs Ciw (``pip install -e ".[bench]"``).
"""
from __future__ import annotations

import random
import time

from bare_simpy import GREEN, RED, YELLOW, Network

DOC_CHECK, INSPECTION, CERTIFICATION = 2, 3, 4  # Ciw's node numbers; 1 is the lodgement


def run_ciw(n_consignments: int, seed: int, net: Network = Network()) -> dict:
    """Simulate until ``n_consignments`` have left the network; return the count, the wall time
    and the mean document-check sojourn (h), for a check against Erlang C."""
    import ciw

    t0 = time.perf_counter()
    import_share = net.import_per_h / (net.import_per_h + net.export_per_h)

    def route(individual, simulation) -> list[int]:
        """The stations this consignment visits after lodgement."""
        green, yellow, _ = net.shares_import if random.random() < import_share else net.shares_export
        u = random.random()
        channel = GREEN if u < green else YELLOW if u < green + yellow else RED
        stations = [DOC_CHECK] if channel != GREEN else []
        if channel == RED:
            stations.append(INSPECTION)
        if random.random() < net.certification_share:
            stations.append(CERTIFICATION)
        return stations

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(net.import_per_h + net.export_per_h), None, None, None],
        service_distributions=[ciw.dists.Deterministic(0.0),
                               ciw.dists.Exponential(1 / net.doc_mean_h),
                               ciw.dists.Exponential(1 / net.inspection_mean_h),
                               ciw.dists.Exponential(1 / net.cert_mean_h)],
        number_of_servers=[float("inf"), net.doc_servers, net.inspection_servers, net.cert_servers],
        routing=ciw.routing.ProcessBased(route),
    )
    ciw.seed(seed)  # seeds Python's random, which the route draws use too
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(n_consignments, method="Finish")
    wall = time.perf_counter() - t0
    finished = len(simulation.nodes[-1].all_individuals)
    doc = [r.waiting_time + r.service_time for r in simulation.get_all_records()
           if r.node == DOC_CHECK]
    return {"consignments": finished, "wall_s": wall, "consignments_per_s": finished / wall,
            "mean_doc_sojourn_h": sum(doc) / max(len(doc), 1)}


if __name__ == "__main__":
    print(run_ciw(100_000, seed=1))
