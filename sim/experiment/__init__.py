"""Experiments: scenarios (config overrides) x replications (seeds, common random numbers).

    from sim.experiment import ExperimentSpec, run_experiment
    spec = ExperimentSpec.load("policy_comparison")  # configs/experiment/policy_comparison.yaml
    result = run_experiment(spec.as_quick(), "results/policy_comparison/quick", workers=2)
    print(result.console)                            # time, cost, missed offences vs. baseline

``spec.py``: the experiment as a structured config; ``runner.py``: the runs (claims, resume,
executor); ``worker.py``: one run; ``executors.py``: local processes, SLURM (submitit), Ray;
``manifest.py``: one verified record per run; ``claims.py``: two runners, one folder;
``outdir.py``: the folder checked before simulating; ``tables.py``: summary, manifest,
failures; ``sequential.py``: replications until a CI target; ``analysis.py``: comparison,
figures, report, headline; ``pipeline.py``: all of it in one call; ``cli.py``: the one command
line of the scripts in ``experiments/``.
"""

from sim.experiment.manifest import config_hash
from sim.experiment.pipeline import ExperimentResult, run_experiment
from sim.experiment.runner import run_runs
from sim.experiment.sequential import half_width
from sim.experiment.spec import ExperimentSpec
from sim.experiment.tables import collect, failed_runs, read_manifest

__all__ = [
    "ExperimentResult",
    "ExperimentSpec",
    "collect",
    "config_hash",
    "failed_runs",
    "half_width",
    "read_manifest",
    "run_experiment",
    "run_runs",
]
