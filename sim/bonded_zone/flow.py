"""The bonded warehouse flow as SimPy processes: orders out of the zone, lots into it.

An order (domestic sale, re-export or cross-border e-commerce) may mix bonded and non-bonded
lines. It claims its goods, waits for them if the shelf is short, and is routed: a firm in the
shared warehouse ships it as one shipment; otherwise each goods class is a shipment of its own
warehouse. Each shipment is picked, then declared and trucked in the order its regime allows.
The order is done when every shipment has left the zone and every declaration covering it has
been accepted. Bonded lots come through the port when the first line is on
(:mod:`sim.bonded_zone.first_line`).
"""
from __future__ import annotations

from sim.bonded_zone.draws import BONDED


def order_arrivals(zone):
    """Each day's orders arrive at their drawn times."""
    env = zone.env
    for day in range(zone.model.config.run.horizon_days):
        for at, order in zone.new_orders(day):
            yield env.timeout(at - env.now)
            env.process(order_journey(zone, order))


def order_journey(zone, o):
    """Claim the lines (the firm reorders when due), take them off the shelf, ship, complete."""
    env, stock = zone.env, zone.stock
    lines = [(g, pallets) for g, pallets in enumerate(o.pallets) if pallets > 0]
    for g, pallets in lines:
        for lot in stock.promise(o.zf, g, pallets):
            if g == BONDED and zone.first_line is not None:
                zone.first_line.order_lot(o.zf, lot)  # through the port (sim.bonded_zone.first_line)
            else:
                env.process(inbound_lot(zone, o.zf, g, lot))
    for g, pallets in lines:
        yield from stock.take(o.zf, g, pallets)
    zone.log.allocated[o.row] = env.now
    shipments = zone.route(o)
    others = [env.process(shipment(zone, o, *s)) for s in shipments[1:]]  # in parallel
    yield from shipment(zone, o, *shipments[0])
    yield from others  # wait for the other shipment to finish too
    zone.complete(o)


def shipment(zone, o, warehouse, g: int, bonded: float, domestic: float):
    """Pick and pack; then declare and truck (separate declarations), or truck and declare
    collectively (the shared warehouse's regime)."""
    yield from warehouse.pick(o, bonded + domestic)
    if warehouse.pooled:
        declaration = zone.customs.collective(o)
        if not zone.policy.ship_before_declaration:
            yield declaration.accepted
        yield from warehouse.ship(o, g, bonded, domestic)
        yield declaration.accepted
    else:
        yield from zone.customs.declare_shipment(o, g)
        yield from warehouse.ship(o, g, bonded, domestic)


def inbound_lot(zone, zf: int, g: int, k: int):
    """Lot ``k`` of a firm's goods class ``g`` (non-bonded; bonded too when the first line is
    off): travels in, is entered (bonded), and is put away truckload by truckload, in parallel
    as staff are free."""
    lead_h, entry_h, putaway_factor = zone.lot_variates[zf][g]
    yield zone.env.timeout(lead_h[k])
    if g == BONDED:
        yield from zone.customs.record_entry(entry_h[k])
    left, load = float(zone.stock.lot[zf, g]), zone.cfg.trucks.capacity_pallets
    while left > 0:
        zone.env.process(put_away(zone, zf, g, min(left, load), putaway_factor[k]))
        left -= load


def put_away(zone, zf: int, g: int, pallets: float, factor: float):
    yield from zone.pickers.serve(zone.cfg.inbound.putaway_h_per_pallet * pallets * factor)
    zone.receive(zf, g, pallets)
