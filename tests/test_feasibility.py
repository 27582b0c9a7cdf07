"""The start-up checks that need the model: stability after the policies apply, and memory."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace

import pytest

from sim import ConfigError, load_config
from sim.capacity import offered_utilisation
from sim.feasibility import check_log_disk, estimate_disk_bytes, estimate_memory, memory_limit_gb, validate

V = "verification"


@pytest.mark.parametrize(("overloaded", "policy", "station"), [
    # doc check (20*0.4 + 10*0.25)/h * 0.5 h / 5 = 1.05; e-documents halve the check: 0.53
    ("customs.doc_officers=5", "e_documents", "doc_check"),
    # inspection (20*0.1 + 10*0.05)/h * 1.5 h / 3 = 1.25; with offences to target (2 %, power
    # 1.37), risk management's retargeting takes red to 3.3 % / 1.1 %: 0.39
    ("customs.inspection_teams=3 firms.offence_rate_mean=0.02 customs.risk.targeting_power=1.37",
     "risk_management", "inspection"),
], ids=["e-documents-relieve-the-desk", "risk-management-relieves-inspection"])
def test_stability_is_checked_after_the_policies_apply(overloaded, policy, station):
    overloaded = overloaded.split()
    with pytest.raises(ConfigError) as info:
        load_config(V, overloaded)
    assert f"'{station}'" in str(info.value)
    cfg = load_config(V, [*overloaded, f"policy={policy}"])  # the reform takes the station below 1
    raw = {ref.name: rho for ref, rho in offered_utilisation(cfg).items()}
    assert raw[station] >= 1  # before the policy applies it is still overloaded: not a vacuous pass


def test_an_overloaded_zone_desk_is_refused_only_in_a_steady_state_run():
    with pytest.raises(ConfigError) as info:
        load_config("shanghai", ["bonded_zone.customs.desk_officers=6"])
    assert info.value.field_path == "bonded_zone.customs.desk_officers"
    load_config("shanghai", ["bonded_zone.customs.desk_officers=6", "run.steady_state=false"])


def test_memory_estimate_grows_with_boxes_and_days():
    cfg = load_config("shanghai")
    base = estimate_memory(cfg)
    longer = estimate_memory(replace(cfg, run=replace(cfg.run, horizon_days=2 * cfg.run.horizon_days)))
    days, drain = cfg.run.horizon_days, cfg.run.drain_cap_days  # arrivals go on during the drain
    assert longer.log_gb == pytest.approx(base.log_gb * (2 * days + drain) / (days + drain))
    assert 0.3 < base.total_gb < 2.0  # the default run peaks at a few hundred MB (README, Speed)


def test_memory_limit_defaults_to_half_the_ram_and_can_be_set():
    cfg = load_config("shanghai")
    assert memory_limit_gb(cfg) > 0.1
    assert memory_limit_gb(replace(cfg, run=replace(cfg.run, max_memory_gb=3.5))) == 3.5
    validate(replace(cfg, run=replace(cfg.run, max_memory_gb=base_need(cfg) * 1.01)))
    with pytest.raises(ConfigError) as info:
        validate(replace(cfg, run=replace(cfg.run, max_memory_gb=base_need(cfg) * 0.99)))
    assert "GB of memory" in str(info.value)


def base_need(cfg) -> float:
    return estimate_memory(cfg).total_gb


def test_disk_estimate_counts_the_log_only_when_it_is_written():
    cfg = load_config("shanghai")
    with_log = estimate_disk_bytes(cfg)
    without = estimate_disk_bytes(replace(cfg, run=replace(cfg.run, write_log=False)))
    assert without < 5e6 < with_log


def test_a_temporary_folder_without_room_for_the_log_is_refused_before_the_run(monkeypatch, tmp_path):
    """The consignment log lives in a file in TMPDIR (sim.records): a folder that cannot hold
    the rows it reserves is one clear error naming TMPDIR, not a crash mid-run."""
    cfg = load_config(V)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(ConfigError) as info:
        check_log_disk(cfg)
    assert info.value.field_path == "run.horizon_days"
    assert str(tmp_path) in str(info.value) and "TMPDIR" in str(info.value)
