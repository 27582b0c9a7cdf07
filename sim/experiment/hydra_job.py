"""Hydra fan-out of an experiment: one Hydra job per scenario, all writing one experiment folder.

    python experiments/run_scenario.py -m experiment=policy_comparison        # every scenario
    python experiments/run_scenario.py -m experiment=policy_comparison \\
        scenario_name=baseline,pre_arrival hydra/launcher=joblib
    python experiments/run_scenario.py -m experiment=smoke hydra/launcher=submitit_local
    python experiments/run_scenario.py experiment=policy_comparison   # no -m: one job, all

Each job runs every replication of its scenario with :func:`sim.experiment.run_experiment`
(a process pool inside the job), into ``out_dir`` (default ``results/<experiment>/<date-time>``,
resolved once for the whole sweep). Pass ``out_dir=...`` to resume an interrupted experiment.
The config is ``configs/experiment_job.yaml``; experiments are ``configs/experiment/*.yaml``,
launchers ``configs/hydra/launcher/*.yaml`` (plus the plugins' joblib, submitit_local,
submitit_slurm and, if installed, ray).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config import ConfigError
from sim.experiment.runner import default_workers, run_experiment
from sim.experiment.spec import ExperimentSpec
from sim.loading import CONFIG_DIR

log = logging.getLogger(__name__)
EXIT_CONFIG_ERROR = 2

# ``hydra.sweeper.params.scenario_name`` in experiment_job.yaml: every scenario of the experiment,
# so that ``-m`` without scenario_name fans out over all of them.
OmegaConf.register_new_resolver(
    "clearway_scenario_names", lambda scenarios: ",".join(str(k) for k in scenarios), replace=True
)


def job_workers(cfg: DictConfig, spec: ExperimentSpec) -> int:
    """Workers of this job's pool: ``workers``, else the experiment's, else the CPUs this job may
    use divided by the jobs the launcher runs at once on this machine (joblib's ``n_jobs``)."""
    if cfg.get("workers") is not None:
        return int(cfg.workers)
    if spec.workers is not None:
        return spec.workers
    cpus = default_workers()
    try:
        launcher = HydraConfig.get().launcher
    except ValueError:  # not inside a Hydra job
        return cpus
    target = str(launcher.get("_target_", ""))
    if "joblib" in target:
        n_jobs = int(launcher.get("n_jobs") or 1)
        concurrent = n_jobs if n_jobs > 0 else max(1, cpus + 1 + n_jobs)
        concurrent = min(concurrent, len(spec.scenarios))
        return max(1, cpus // concurrent)
    if "submitit" in target and launcher.get("cpus_per_task"):
        return max(1, min(cpus, int(launcher.cpus_per_task)))
    return cpus


def _out_dir(cfg: DictConfig) -> Path:
    path = Path(str(cfg.out_dir))
    if not path.is_absolute():
        try:
            path = Path(HydraConfig.get().runtime.cwd) / path
        except ValueError:
            path = path.absolute()
    return path


@hydra.main(config_path=str(CONFIG_DIR), config_name="experiment_job", version_base="1.3")
def hydra_job(cfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    raw = OmegaConf.to_container(cfg.experiment, resolve=True)
    spec = ExperimentSpec.from_dict(raw)
    scenarios = None if cfg.get("scenario_name") is None else [str(cfg.scenario_name)]
    out_dir = _out_dir(cfg)
    table = run_experiment(
        spec,
        out_dir,
        workers=job_workers(cfg, spec),
        progress=cfg.get("progress"),
        scenarios=scenarios,
        keep_logs=cfg.get("keep_logs"),
    )
    mine = table[table.scenario.isin(scenarios or list(spec.scenarios))]
    log.info(
        "experiment %s, %s: %d runs done; tables in %s",
        spec.name,
        "all scenarios" if scenarios is None else f"scenario {scenarios[0]}",
        len(mine),
        out_dir,
    )


def main() -> None:
    """Run the Hydra job; a bad experiment spec exits with code 2 and one line naming the field."""
    try:
        hydra_job()
    except ConfigError as err:  # raised before Hydra's own error handling (e.g. in a job)
        print(f"clearway: config error: {err}", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)
