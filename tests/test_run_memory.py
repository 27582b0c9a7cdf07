"""A run leaves nothing behind: its model is freed when ``sim.run`` returns, so a warm
experiment worker running run after run keeps flat memory (see sim.model.forgotten_by_mesa)."""
from __future__ import annotations

import gc
import weakref

import mesa

from sim import run
from sim.model import ClearanceModel, forgotten_by_mesa

from conftest import tiny_port_config


def test_a_model_built_in_the_block_is_freed_once_dropped():
    config = tiny_port_config()
    with forgotten_by_mesa():
        model = ClearanceModel(config, 3)
        model.step()
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None


def test_mesa_alone_keeps_a_dropped_model_alive():
    """Why the block exists: Mesa 3.3's ``Agent._ids`` holds every model as a key."""
    model = ClearanceModel(tiny_port_config(), 3)
    alive = weakref.ref(model)
    del model
    gc.collect()
    try:
        assert alive() is not None
    finally:
        mesa.Agent._ids.pop(alive(), None)


def test_runs_leave_no_model_behind():
    gc.collect()
    models = sum(isinstance(o, ClearanceModel) for o in gc.get_objects())
    known = len(mesa.Agent._ids)
    run(tiny_port_config(), seed=5)
    gc.collect()
    assert len(mesa.Agent._ids) == known
    assert sum(isinstance(o, ClearanceModel) for o in gc.get_objects()) == models
