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

from sim.experiment.manifest import config_hash
from sim.experiment.runner import run_runs
from sim.experiment.sequential import half_width
from sim.experiment.spec import ExperimentSpec
from sim.experiment.tables import collect, failed_runs, read_manifest

__all__ = [
    "ExperimentSpec",
    "collect",
    "config_hash",
    "failed_runs",
    "half_width",
    "read_manifest",
    "run_runs",
]
