"""Experiments: scenarios (config overrides) x replications (seeds, common random numbers).

    from sim.experiment import ExperimentSpec, run_experiment
    spec = ExperimentSpec.load("policy_comparison")  # configs/experiment/policy_comparison.yaml
    table = run_experiment(spec, "results/policy_comparison/run1", workers=8)

``spec.py``: the typed experiment; ``manifest.py``: one record per run, consistent under SIGKILL,
resumable; ``runner.py``: the process pool, progress bar and summary tables; ``hydra_job.py``:
the Hydra multirun entry point (one job per scenario; ``experiments/run_scenario.py``).
"""

from sim.experiment.manifest import config_hash
from sim.experiment.runner import collect, half_width, read_manifest, run_experiment
from sim.experiment.spec import ExperimentSpec

__all__ = [
    "ExperimentSpec",
    "collect",
    "config_hash",
    "half_width",
    "read_manifest",
    "run_experiment",
]
