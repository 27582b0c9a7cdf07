"""The port's users, created together: consignees and shippers, and the brokers, carriers and
trucking fleets they use (see :mod:`sim.agents.traders`).

Traders are scaled with the section's traffic; each picks a brokerage and a trucking company at
random, and each provider is then staffed for its clients' traffic, so a big trader's broker has
the declarants its volume needs. All draws come from the ``POPULATION`` stream.
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.agents.broker import brokerages, create_brokers
from sim.agents.carrier import create_carriers
from sim.agents.consignee import Consignee
from sim.agents.shipper import Shipper
from sim.agents.traders import FirmTable, draw_traits
from sim.agents.trucker import create_fleets
from sim.distributions import exp
from sim.records import EXPORT, IMPORT
from sim.rng import Purpose, stream
from sim.schema import ClearwayConfig
from sim.schema.behaviour import firms_in_section


def create_port_users(model: mesa.Model, config: ClearwayConfig, seed: int) -> None:
    """Set ``model.consignees``, ``shippers``, ``traders`` (by global firm index), ``brokers``,
    ``fleets``, ``carriers``, ``firm_table`` and ``boxes_per_day`` (flow -> boxes a day)."""
    b = config.behaviour
    model.boxes_per_day = {IMPORT: config.imports.boxes_per_day, EXPORT: config.exports.boxes_per_day}
    rng = stream(seed, Purpose.POPULATION)
    n_brokers, n_fleets = brokerages(b.brokers, sum(model.boxes_per_day.values())), b.truckers.fleets
    n_import = firms_in_section(b.consignees.per_100_boxes_per_day, model.boxes_per_day[IMPORT])
    n_export = firms_in_section(b.shippers.per_100_boxes_per_day, model.boxes_per_day[EXPORT])
    traits = [draw_traits(config, IMPORT, n_import, 0, n_brokers, n_fleets, rng),
              draw_traits(config, EXPORT, n_export, n_import, n_brokers, n_fleets, rng)]
    boxes = np.concatenate([t["size_weight"] / t["size_weight"].sum() * model.boxes_per_day[flow]
                            for flow, t in zip((IMPORT, EXPORT), traits)])
    broker, fleet = (np.concatenate([t[k] for t in traits]) for k in ("broker", "fleet"))
    model.brokers = create_brokers(model, b.brokers, np.bincount(broker, boxes, n_brokers))
    model.fleets = create_fleets(model, b.truckers, np.bincount(fleet, boxes, n_fleets))
    model.carriers = create_carriers(model, b.carriers, model.boxes_per_day[IMPORT])
    for t in traits:
        t["broker"] = [model.brokers[k] for k in t["broker"]]
        t["fleet"] = [model.fleets[k] for k in t["fleet"]]
    c = b.consignees
    own = c.own_warehouse_cny_per_teu_day * exp(c.own_warehouse_sigma * rng.standard_normal(n_import))
    model.consignees = list(Consignee.create_agents(model, n_import, *traits[0].values(),
                                                    own_warehouse_cny_per_teu_day=own))
    model.shippers = list(Shipper.create_agents(model, n_export, *traits[1].values()))
    model.traders = model.consignees + model.shippers
    model.firm_table = FirmTable(model.consignees, model.shippers)
