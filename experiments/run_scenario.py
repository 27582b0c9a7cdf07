"""Run an experiment's scenarios as Hydra jobs: one job per scenario, all replications inside it.

    python experiments/run_scenario.py -m experiment=policy_comparison
    python experiments/run_scenario.py -m experiment=policy_comparison \
        scenario_name=baseline,pre_arrival hydra/launcher=joblib
    python experiments/run_scenario.py -m experiment=smoke hydra/launcher=submitit_local
    python experiments/run_scenario.py experiment=policy_comparison \
        out_dir=results/policy_comparison/run1          # no -m: one job, one pool; resumable

See sim/experiment/hydra_job.py and configs/experiment_job.yaml.
"""

from sim.experiment.hydra_job import main

if __name__ == "__main__":
    main()
