"""Composing in two steps (the config files the group choices pick, kept; then every other
override set in a copy) gives exactly what Hydra's ``compose`` gives in one, for every kind of
override, and the same error where Hydra refuses one."""
from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from sim import ConfigError
from sim.loading import CONFIG_DIR, compose_config

OVERRIDE_SETS = [
    [],
    ["customs.doc_officers=7", "run.horizon_days=40", "seed=3"],  # int
    ["customs.doc_check.mean_h=0.25", "imports.channels.red=0.2", "imports.channels.green=0.7"],
    ["bonded_zone.enabled=false", "bunkering.enabled=false"],  # bool
    ["policy=[pre_arrival,e_documents]", "policies.e_documents.doc_check_factor=0.25"],  # group + value
    ["package=full", "policies.direct_pickup.adoption.forced=true"],
    ["customs.doc_officers=9", "policy=two_step", "customs.doc_officers=11"],  # the last one wins
    ["scenario=verification", "customs.doc_officers=6"],
    ["stress.surge_days=3", "run.write_log=false"],
]


def _hydra(overrides: list[str], with_hydra: bool = False):
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return compose("config", overrides=overrides, return_hydra_config=with_hydra)
    finally:
        GlobalHydra.instance().clear()


@pytest.mark.parametrize("overrides", OVERRIDE_SETS, ids=lambda o: " ".join(o) or "none")
def test_two_step_composition_equals_hydras_compose(overrides):
    named = any(o.startswith("scenario=") for o in overrides)
    ours = compose_config(overrides)
    hydras = _hydra(overrides if named else ["scenario=shanghai", *overrides])
    assert OmegaConf.to_container(ours, resolve=False) == OmegaConf.to_container(hydras, resolve=False)
    assert OmegaConf.is_struct(ours) == OmegaConf.is_struct(hydras)


@pytest.mark.parametrize("overrides", [
    ["customs.doc_officers=7", "policy=two_step", "seed=3"],
    ["hydra.run.dir=elsewhere/run", "scenario=verification", "hydra.job.chdir=false", "seed=2"],
], ids=lambda o: " ".join(o))
def test_with_hydras_node_the_two_steps_equal_hydras_compose(overrides):
    """The command line composes with Hydra's node (run and sweep folders, the overrides as Hydra
    records them) from the kept composition too."""
    named = any(o.startswith("scenario=") for o in overrides)
    ours = compose_config(overrides, with_hydra=True)
    hydras = _hydra(overrides if named else ["scenario=shanghai", *overrides], with_hydra=True)
    assert OmegaConf.to_container(ours, resolve=False) == OmegaConf.to_container(hydras, resolve=False)
    assert ours.hydra.overrides.task == hydras.hydra.overrides.task


def test_a_kept_composition_is_never_changed_by_a_later_override():
    compose_config(["customs.doc_officers=5"])
    assert compose_config([]).customs.doc_officers == _hydra(["scenario=shanghai"]).customs.doc_officers


@pytest.mark.parametrize("override", ["customs.nope=3", "+customs.doc_officers=3",
                                      "~customs.doc_officers"])
def test_an_override_hydra_refuses_is_a_config_error_naming_its_key(override):
    with pytest.raises(ConfigError) as err:
        compose_config([override])
    assert err.value.field_path.startswith("customs")
