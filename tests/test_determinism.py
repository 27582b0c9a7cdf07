"""Reproducibility and common random numbers (issue 2, DESIGN.md §7).

- Same config + seed -> byte-identical Parquet log and identical summary (wall-clock fields
  aside), also in a fresh interpreter with another hash seed; different seeds -> different logs.
- Stream separation: a scenario that changes capacity, service or routing leaves every
  consignment's identity (id, flow, firm, size, value, offence, certification need), its arrival
  and its vessel call unchanged for the same seed, and the draws of stations it does not touch
  too; the change itself shows downstream, so the comparison is not vacuous.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import run
from sim.run import write_run
from sim.records import DETECTED, EXPORT, IMPORT, RED

from conftest import TINY_PORT, tiny_port_config

NO_FIRST_LINE = "bonded_zone.first_line.enabled=false"  # bonded lots come on vessel calls, which Poisson arrivals lack

WALL_CLOCK = ("wall_s", "consignments_per_s")
TOL_H = 1e-3  # float32 hours
IDENTITY = ("consignment", "flow", "firm", "teu", "cargo_value_cny", "offence", "needs_certification")


def comparable(summary: dict) -> str:
    """The summary without wall-clock fields, as canonical JSON (NaN-safe equality)."""
    return json.dumps({k: v for k, v in summary.items() if k not in WALL_CLOCK}, sort_keys=True)


def columns(result) -> dict[str, np.ndarray]:
    return {n: result.log.column(n).to_numpy() for n in result.log.column_names}


# --------------------------------------------------------------------------- determinism

CONFIGS = {  # name: (scenario, overrides) of a tiny_run
    "shanghai-vessel": ("shanghai", ()),
    "shanghai-poisson": ("shanghai", ("arrivals.mode=poisson", "behaviour.enabled=false", NO_FIRST_LINE)),
    "verification": ("verification", ()),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_same_seed_writes_byte_identical_log_and_same_summary(name, tmp_path, tiny_run):
    """The session's run of a config (simulated once, shared by the tests that read it) and a
    second run of it here, both written to disk, are the same bytes."""
    scenario, overrides = CONFIGS[name]
    first = tiny_run(*overrides, seed=1, scenario=scenario)
    write_run(first, tmp_path / "a")
    second = run(first.config, seed=1, output=tmp_path / "b")
    log_a, log_b = (tmp_path / "a" / "log.parquet").read_bytes(), (tmp_path / "b" / "log.parquet").read_bytes()
    assert len(log_a) > 10_000
    assert log_a == log_b
    assert comparable(first.summary) == comparable(second.summary)
    written = [json.loads((tmp_path / d / "summary.json").read_text()) for d in "ab"]
    assert comparable(written[0]) == comparable(written[1])
    assert (tmp_path / "a" / "daily.csv").read_bytes() == (tmp_path / "b" / "daily.csv").read_bytes()
    agents_a, agents_b = (pd.read_parquet(tmp_path / d / "agents.parquet") for d in "ab")
    assert len(agents_a) > 0
    pd.testing.assert_frame_equal(agents_a, agents_b)


def test_different_seeds_write_different_logs(tmp_path, tiny_run):
    first = tiny_run(seed=1)
    write_run(first, tmp_path / "s1")
    second = run(tiny_port_config(), seed=2, output=tmp_path / "s2")
    assert (tmp_path / "s1" / "log.parquet").read_bytes() != (tmp_path / "s2" / "log.parquet").read_bytes()
    a, b = columns(first), columns(second)
    n = min(len(a["flow"]), len(b["flow"]))
    # not just a shifted copy: arrival times and attributes differ row by row
    assert not np.array_equal(a["vessel_arrival"][:n], b["vessel_arrival"][:n], equal_nan=True)
    assert not np.array_equal(a["cargo_value_cny"][:n], b["cargo_value_cny"][:n])
    assert comparable(first.summary) != comparable(second.summary)


def test_same_seed_is_reproduced_in_a_fresh_process_with_another_hash_seed(tmp_path, tiny_run):
    """Nothing may depend on set/dict hash order or on state left in the interpreter."""
    script = textwrap.dedent(f"""
        import sys
        from sim import load_config, run
        run(load_config("shanghai", {list(TINY_PORT)!r}), seed=1, output=sys.argv[1])
    """)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "fresh")], check=True, env=env,
                   cwd=Path(__file__).resolve().parent.parent, timeout=120)
    here = tiny_run()  # this process, same config and seed
    write_run(here, tmp_path / "here")
    assert (tmp_path / "fresh" / "log.parquet").read_bytes() == (tmp_path / "here" / "log.parquet").read_bytes()
    fresh_summary = json.loads((tmp_path / "fresh" / "summary.json").read_text())
    here_summary = json.loads((tmp_path / "here" / "summary.json").read_text())
    assert comparable(fresh_summary) == comparable(here_summary)


def _avx512_features() -> list[str]:
    """The AVX-512 targets numpy dispatches to on this processor (none on most AMD machines)."""
    from numpy._core._multiarray_umath import __cpu_features__

    return [f for f, on in __cpu_features__.items() if on and (f.startswith("AVX512") or f == "X86_V4")]


@pytest.mark.skipif(not _avx512_features(), reason="no AVX-512 here: numpy has no other code path to compare")
def test_same_seed_is_reproduced_without_numpy_avx512(tmp_path, tiny_run):
    """A run must not depend on the processor: numpy's AVX-512 exp/log round differently from
    the ones other processors use, so a run with them switched off (as on a machine without
    AVX-512) must give the same log and summary (sim/distributions.py)."""
    script = textwrap.dedent(f"""
        import sys
        from sim import load_config, run
        run(load_config("shanghai", {list(TINY_PORT)!r}), seed=1, output=sys.argv[1])
    """)
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(_avx512_features())}
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "no_avx512")], check=True, env=env,
                   cwd=Path(__file__).resolve().parent.parent, timeout=120)
    write_run(tiny_run(), tmp_path / "here")  # this process, same config and seed
    assert (tmp_path / "no_avx512" / "log.parquet").read_bytes() == (tmp_path / "here" / "log.parquet").read_bytes()
    other = json.loads((tmp_path / "no_avx512" / "summary.json").read_text())
    here = json.loads((tmp_path / "here" / "summary.json").read_text())
    assert comparable(other) == comparable(here)


# --------------------------------------------------------------------------- stream separation


def common_rows(base: dict, other: dict) -> tuple[dict, dict]:
    """Both logs cut to the rows both runs created. Rows are created in the same order; a run
    whose cohort finishes later drains longer and so creates more boxes after the horizon."""
    n = min(len(base["flow"]), len(other["flow"]))
    return {k: v[:n] for k, v in base.items()}, {k: v[:n] for k, v in other.items()}


def assert_same_consignments(base: dict, other: dict) -> None:
    """Row by row on consignment id: identity, arrival and vessel call are those of the baseline."""
    base, other = common_rows(base, other)
    assert len(base["flow"]) > 1000
    for name in IDENTITY:
        differ = base[name] != other[name]
        assert not differ.any(), f"{name} differs for ids {np.flatnonzero(differ)[:10].tolist()}"
    # boxes whose vessel arrived in both runs (a shorter drain stops before the last calls arrive)
    imports = (base["flow"] == IMPORT) & np.isfinite(base["vessel_arrival"]) & np.isfinite(other["vessel_arrival"])
    assert imports.sum() > 1000
    for name in ("vessel_arrival", "vessel"):
        a, b = base[name][imports], other[name][imports]
        assert np.array_equal(a, b), f"import {name} differs"


def assert_same_durations(base: dict, other: dict, start: str, end: str) -> None:
    """A stage the scenario does not touch keeps each consignment's own duration (its own draw)."""
    both = np.isfinite(base[end]) & np.isfinite(other[end])
    assert both.sum() > 100, f"too few rows reach {end} in both runs"
    da = base[end][both].astype(np.float64) - base[start][both]
    db = other[end][both].astype(np.float64) - other[start][both]
    assert np.abs(da - db).max() < TOL_H, f"{start} -> {end} durations differ"


def mean_wait(cols: dict, queued: str, start: str) -> float:
    ok = np.isfinite(cols[start])
    return float(np.mean(cols[start][ok].astype(np.float64) - cols[queued][ok]))


@pytest.fixture(scope="module")
def baseline(tiny_run):
    return columns(tiny_run())


def test_fewer_inspection_teams_leave_arrivals_and_attributes_unchanged(baseline, tiny_run):
    other = columns(tiny_run("customs.inspection_teams=2"))  # utilisation 0.64 -> 0.96
    baseline, other = common_rows(baseline, other)
    assert_same_consignments(baseline, other)
    assert_same_durations(baseline, other, "doc_check_start", "doc_check_end")
    assert_same_durations(baseline, other, "inspection_start", "inspection_end")
    assert_same_durations(baseline, other, "certification_start", "certification_end")
    # ... while the change did reach the inspection queue
    assert mean_wait(other, "inspection_queued", "inspection_start") > \
        mean_wait(baseline, "inspection_queued", "inspection_start") + 0.1


def test_faster_doc_check_leaves_arrivals_and_attributes_unchanged(baseline, tiny_run):
    other = columns(tiny_run("customs.doc_check.mean_h=0.3"))  # from 0.5
    assert_same_consignments(baseline, other)
    assert_same_durations(baseline, other, "inspection_start", "inspection_end")
    assert_same_durations(baseline, other, "certification_start", "certification_end")
    checked = np.isfinite(baseline["doc_check_end"]) & np.isfinite(other["doc_check_end"])
    ratio = (other["doc_check_end"][checked].astype(np.float64) - other["doc_check_start"][checked]) / \
        (baseline["doc_check_end"][checked].astype(np.float64) - baseline["doc_check_start"][checked])
    # each box keeps its own draw, scaled by 0.3 / 0.5 (float32 timestamps: tolerate 1 %)
    assert np.mean(np.abs(ratio - 0.6) < 0.006) > 0.99


def test_other_channel_shares_leave_arrivals_and_attributes_unchanged(baseline, tiny_run):
    other = columns(tiny_run("imports.channels.green=0.7", "imports.channels.yellow=0.25",
                              "imports.channels.red=0.05"))
    baseline, other = common_rows(baseline, other)
    assert_same_consignments(baseline, other)
    imports = (baseline["flow"] == IMPORT) & (baseline["channel"] >= 0) & (other["channel"] >= 0)
    changed = baseline["channel"][imports] != other["channel"][imports]
    assert changed.mean() > 0.05  # routing did change for many boxes
    assert (other["channel"][imports] == RED).mean() < (baseline["channel"][imports] == RED).mean()
    assert_same_durations(baseline, other, "doc_check_start", "doc_check_end")


def test_without_learning_inspection_capacity_leaves_channels_and_detections_unchanged(tiny_run):
    """Risk noise, random checks and detection draws are the consignment's own: with fixed
    thresholds (no learning), capacity cannot change a box's channel or what its checks find."""
    base = columns(tiny_run("customs.risk.learning=false"))
    other = columns(tiny_run("customs.risk.learning=false", "customs.inspection_teams=2"))
    assert_same_consignments(base, other)
    assessed = (base["channel"] >= 0) & (other["channel"] >= 0)
    assert assessed.sum() > 5000
    assert np.array_equal(base["channel"][assessed], other["channel"][assessed])
    finished = np.isfinite(base["release"]) | (base["outcome"] == DETECTED)
    finished &= np.isfinite(other["release"]) | (other["outcome"] == DETECTED)
    assert (base["outcome"][finished] == DETECTED).sum() > 20  # offences were found
    assert np.array_equal(base["outcome"][finished], other["outcome"][finished])
    assert mean_wait(other, "inspection_queued", "inspection_start") > \
        mean_wait(base, "inspection_queued", "inspection_start") + 0.1


def test_poisson_arrivals_unchanged_by_inspection_capacity(tiny_run):
    base = columns(tiny_run("arrivals.mode=poisson", "behaviour.enabled=false", NO_FIRST_LINE))
    other = columns(tiny_run("arrivals.mode=poisson", "behaviour.enabled=false", NO_FIRST_LINE,
                             "customs.inspection_teams=2"))
    assert_same_consignments(base, other)
    assert mean_wait(other, "inspection_queued", "inspection_start") > \
        mean_wait(base, "inspection_queued", "inspection_start") + 0.1


def test_export_gate_in_moves_only_by_gate_waiting_when_capacity_changes(baseline, tiny_run):
    """Export gate-in is logged after the gate queue, which imports' pickups share.

    It may move with a scenario, but only by gate waiting: never by more than a few hours.
    """
    base, other = common_rows(baseline, columns(tiny_run("customs.inspection_teams=2")))
    baseline = base
    exports = (baseline["flow"] == EXPORT) & np.isfinite(baseline["gate_in"]) & np.isfinite(other["gate_in"])
    assert exports.sum() > 1000
    shift = np.abs(baseline["gate_in"][exports].astype(np.float64) - other["gate_in"][exports])
    assert np.percentile(shift, 99) < 1.0
