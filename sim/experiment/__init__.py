"""Experiments: scenarios (config overrides) x replications (seeds, common random numbers).

    from sim.experiment import ExperimentSpec, run_runs
    spec = ExperimentSpec.load("policy_comparison")  # configs/experiment/policy_comparison.yaml
    table = run_runs(spec.as_quick(), "results/policy_comparison/quick", workers=2)
    table                                            # one row per done run: seed, KPIs

``spec.py``: the experiment as a structured config; ``runner.py``: the runs (claims, resume,
executor); ``worker.py``: one run; ``executors.py``: local processes, SLURM (submitit), Ray;
``manifest.py``: one verified record per run; ``claims.py``: two runners, one folder;
``outdir.py``: the folder checked before simulating; ``tables.py``: summary, manifest,
failures; ``sequential.py``: replications until a CI target; ``morris_design.py``:
the design of a sensitivity screening; ``robustness.py``: the robustness study (design, runs);
``ema.py``: its adapter to the EMA Workbench; ``cli.py``: the one command line of the scripts
in ``experiments/``. Running an experiment and then analysing and reporting it is one layer
up, in :mod:`sim.studies`.
"""
import importlib

_HOME = {  # the package's names and the module each one comes from
    "ExperimentSpec": "sim.experiment.spec",
    "collect": "sim.experiment.tables",
    "config_hash": "sim.experiment.manifest",
    "failed_runs": "sim.experiment.tables",
    "half_width": "sim.experiment.sequential",
    "read_manifest": "sim.experiment.tables",
    "run_runs": "sim.experiment.runner",
}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    """Import a name's module on first use (PEP 562): the runner and the tables pull pandas and
    SciPy, which ``experiments/*.py`` need not load to refuse a bad option (start-up time)."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
