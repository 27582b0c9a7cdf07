"""Poisson arrivals without vessels: the pure queueing network of the ``verification`` scenario.

Each day of the horizon and of the drain (see :mod:`sim.cohort`), each flow draws a
Poisson number of arrivals placed uniformly over the day (which is
exactly a Poisson process). An import box is "discharged" the moment it arrives; an export box
arrives at the gate and, once released, leaves at once (load = vessel departure = release).
"""
from __future__ import annotations

import math

import numpy as np

from sim.flows.exports import export_container
from sim.flows.imports import discharged, import_container
from sim.records import EXPORT, IMPORT
from sim.rng import Purpose, stream


def poisson_arrivals(model, flow: int):
    env, log = model.env, model.log
    per_day = (model.config.imports if flow == IMPORT else model.config.exports).boxes_per_day
    run = model.config.run
    for day in range(run.horizon_days + run.drain_cap_days):  # the drain's days included
        rng = stream(model.seed, Purpose.ARRIVALS, flow, day)
        times = day * 24 + np.sort(rng.random(rng.poisson(per_day))) * 24
        boxes = model.new_consignments(flow, day, len(times))
        for c, at in zip(boxes, times.tolist()):
            yield env.timeout(at - env.now)
            if flow == IMPORT:
                log.vessel_arrival[c.id] = log.berth[c.id] = c.arrival_h = env.now
                discharged(model, c)
                env.process(import_container(model, c))
            else:
                env.process(export_without_vessels(model, c))


def export_without_vessels(model, c):
    yield from export_container(model, c)
    if not math.isnan(model.log.release[c.id]):
        model.log.load[c.id] = model.log.vessel_departure[c.id] = model.env.now
        model.terminal.leave_yard(c.id)
        model.left_port.append(c.id)


def start_poisson_arrivals(model) -> None:
    for flow, rate in ((IMPORT, model.config.imports.boxes_per_day), (EXPORT, model.config.exports.boxes_per_day)):
        if rate > 0:
            model.env.process(poisson_arrivals(model, flow))
