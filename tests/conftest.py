"""Shared fixtures: small, fast configurations of the Clearway port and a per-session run cache.

The small port is the calibrated ``shanghai`` scenario shrunk to 12 days and 600 boxes a day per
flow (a fifth of the default volume) with every capacity scaled by the same fifth, so that each
station keeps about the default offered utilisation (doc check 0.69, inspection 0.64,
certification 0.80, gate 0.63, berth 0.37; see ``sim.capacity.offered_utilisation``) and a run
takes a few seconds. The tiny port is the same port at a twentieth of the default volume (150
boxes a day per flow, capacities scaled alike, the bonded zone's firms cut to the section's 10
importers, with their orders and the zone's staff cut by the same quarter): a run takes under two seconds, enough where a test checks plumbing (files, tables,
report, bookkeeping) rather than an effect that needs volume. The small verification
network is the pure queueing network on 12 days. ``tiny_run`` simulates a tiny-port (or small
verification) run once per test session, even when pytest-xdist spreads the modules over several
worker processes, and hands it to every test that reads it.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

# The suite starts dozens of Python processes (the command line, experiment workers, Ray and
# submitit jobs, fresh-process checks), and pytest rewrites the asserts of every test module and
# plugin in each of its workers. Where the environment turns bytecode caching off
# (PYTHONDONTWRITEBYTECODE, set on some CI machines), each of them compiles it all from source
# again: about a tenth of the default tier's time. Python's default, caching, applies to this
# process and the processes it starts (``__pycache__`` is ignored by git).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

import mesa
import pytest
import simpy

from sim import ClearwayConfig, load_config, run
from sim.experiment.manifest import file_lock
from sim.plots.style import png_only
from sim.run import RunResult

SMALL_SECTION = (  # the port at a fifth of its volume; also used by benchmarks/bench_runner.py
    "imports.boxes_per_day=600",
    "exports.boxes_per_day=600",
    # capacities: shanghai's scaled by 600 / 3000 (rounded up)
    "customs.doc_officers=22",
    "customs.inspection_teams=12",
    "customs.certification_slots=60",
    "terminal.shuttles=8",
    "terminal.gate_lanes=4",
    "terminal.appointment_slots_per_h=40",
    "terminal.yard_capacity_teu=8000",
)
SMALL_PORT = ("run.horizon_days=12", "run.warmup_days=2", "run.cooldown_days=2", *SMALL_SECTION)

TINY_SECTION = (  # the port at a twentieth of its volume; also the policy tests' reduced port
    "imports.boxes_per_day=150",
    "exports.boxes_per_day=150",
    # capacities: shanghai's x 150 / 3000, rounded up
    "customs.doc_officers=6",
    "customs.inspection_teams=3",
    "customs.certification_slots=15",
    "terminal.shuttles=2",
    "terminal.gate_lanes=1",
    "terminal.appointment_slots_per_h=10",
    "terminal.yard_capacity_teu=6000",
    "bonded_zone.zone_firms=10",  # the zone's firms come from the section's importers (10 here)
    # the zone's orders and staff scaled with its firms (x 10 / 40): the same orders per firm
    "bonded_zone.orders.per_day=60",
    "bonded_zone.staff.pickers=7",
    "bonded_zone.customs.desk_officers=3",
)
TINY_PORT = ("run.horizon_days=12", "run.warmup_days=2", "run.cooldown_days=2", *TINY_SECTION)

SMALL_VERIFICATION = (
    "run.horizon_days=12",
    "run.warmup_days=2",
    "run.cooldown_days=1",
)


def small_port_config(*overrides: str) -> ClearwayConfig:
    """The small shanghai port with extra Hydra-style ``overrides`` (validated)."""
    return load_config("shanghai", [*SMALL_PORT, *overrides])


def tiny_port_config(*overrides: str) -> ClearwayConfig:
    """The tiny shanghai port with extra Hydra-style ``overrides`` (validated)."""
    return load_config("shanghai", [*TINY_PORT, *overrides])


def small_verification_config(*overrides: str) -> ClearwayConfig:
    """The verification network on a short horizon, with extra ``overrides`` (validated)."""
    return load_config("verification", [*SMALL_VERIFICATION, *overrides])


# The modules that take longest, longest first (``--durations`` summed per module, measured on
# main at 3948433). Under ``--dist loadscope`` a module runs on one worker, and xdist hands the
# modules out in collection order (``--no-loadscope-reorder``, pyproject.toml): handing out the
# longest first lets the two workers finish together. xdist's own order (most tests first) left
# the modules of few tests and long fixtures (robustness, Morris, stress test, executors) to the
# end, with one worker running them alone for minutes. Unlisted modules follow, in file order.
LONGEST_MODULES = (
    "test_policies.py", "test_experiment_runner.py", "test_bad_input.py", "test_robustness.py",
    "test_dashboard.py", "test_nangang.py", "test_executors.py", "test_plots_report.py",
    "test_sensitivity_experiment.py", "test_determinism.py", "test_conservation.py", "test_cli.py",
    "test_dashboard_parts.py", "test_bonded_zone.py", "test_stress_experiment.py",
    "test_queueing_theory.py", "test_experiment_spec.py", "test_stats.py", "test_emissions.py",
)


def pytest_collection_modifyitems(items):
    """Run the longest modules first (a stable sort: each module keeps its tests' order)."""
    rank = {name: i for i, name in enumerate(LONGEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def session_folder(tmp_path_factory, worker_id) -> Path:
    """A folder of this test session that every xdist worker sees (pytest's base temporary
    folder is per worker; its parent is the session's and is new for every session)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def tiny_run(session_folder):
    """Factory with a session cache: ``tiny_run("policy=e_documents", seed=2)`` -> RunResult of the
    tiny port (``scenario="verification"``: of the small verification network).

    The same (scenario, overrides, seed) is simulated once per test session: the first worker
    that asks simulates it (under a lock, so the others wait instead of simulating it too) and
    pickles it into the session folder; the other workers read it back. Tests that only read a
    run share it. Do not mutate the returned result.
    """
    makers = {"shanghai": tiny_port_config, "verification": small_verification_config}
    cache: dict[tuple, RunResult] = {}
    shared = session_folder / "tiny_runs"
    shared.mkdir(exist_ok=True)

    def _run(*overrides: str, seed: int = 1, scenario: str = "shanghai") -> RunResult:
        key = (scenario, overrides, seed)
        if key not in cache:
            name = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
            stored = shared / f"{name}.pickle"
            with file_lock(shared / f"{name}.lock"):
                if stored.is_file():
                    cache[key] = pickle.loads(stored.read_bytes())
                else:
                    cache[key] = run(makers[scenario](*overrides), seed=seed)
                    stored.write_bytes(pickle.dumps(cache[key]))
        return cache[key]

    return _run


@pytest.fixture
def png_figures():
    """Figures of this test are written as PNG alone (``sim.plots.style.png_only``): for tests
    that read no SVG. Every figure kind is still written as PNG and SVG, and both checked, in
    test_plots_report.py (and the calibration figure in test_named_experiments.py)."""
    with png_only():
        yield


class SubModelHarness(mesa.Model):
    """The parts of ClearanceModel a sub-model (bunker market, air terminal) may read, for testing
    one without the port."""

    def __init__(self, seed: int, config: ClearwayConfig):
        super().__init__(rng=seed)
        self.env = simpy.Environment()
        self.seed = seed
        self.config = config
        self.warmup_h = config.run.warmup_days * 24.0


def resident_kb(column: np.ndarray) -> int:
    """Resident kB of the mapping that holds ``column`` (Linux: /proc/self/smaps)."""
    address, found = column.ctypes.data, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            first = line.split()[0]
            if "-" in first and not first.endswith(":"):
                start, end = (int(x, 16) for x in first.split("-"))
                found = start <= address < end
            elif found and line.startswith("Rss:"):
                return int(line.split()[1])
    raise LookupError("no mapping holds the column")
