"""``python -m sim`` (or ``clearway``): compose ``configs/``, run once, write the run folder, print a summary.

A single run composes the config once (:func:`sim.loading.compose_config`, Hydra's compose API),
checks it and its output folder, then simulates. ``-m`` runs a Hydra multirun: every combination
of the sweep is composed and checked first, then Hydra launches the jobs. Any bad input stops
before anything runs with one line, ``clearway: config error: <field>: <problem and fix>``, and
exit code 2.
"""
from __future__ import annotations

import logging
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.feasibility import estimate_disk_bytes
from sim.loading import CONFIG_DIR, compose_config, scenarios, to_config
from sim.outputs import check_output_dir
from sim.records import FLOWS
from sim.run import run
from sim.schema import ConfigError
from sim.schema.overrides import expand_sweeps, options

EXIT_CONFIG_ERROR = 2
MULTIRUN_FLAGS = ("-m", "--multirun")
HYDRA_FLAGS = ("--hydra-help", "-c", "--cfg", "--info", "-i", "--resolve", "-p", "--package", "--shell-completion")

HELP = """\
clearway: simulate customs clearance at a container port (Shanghai, Yangshan) and what trade
facilitation reforms do to clearance time, cost and enforcement.

usage: python -m sim [KEY=VALUE ...]          one run; writes outputs/<scenario>/<date-time>/
       python -m sim -m [KEY=A,B ...]         a Hydra multirun: one run per combination
       python -m sim --help                   this page (--hydra-help: Hydra's own options)
       (clearway ... is the same command)

main overrides:
  scenario=NAME              {scenarios}
  policy=NAME                one reform, one of:
                               {policies}
  'policy=[A,B]'             several reforms
  package=NAME               a reform package: {packages}
  seed=N                     root of every random stream (0 .. 2**63-1)
  run.horizon_days=N         simulated days (run.warmup_days, run.cooldown_days are left out)
  run.max_memory_gb=X        refuse a run estimated to need more memory (0: half the RAM)
  policies.NAME.FIELD=X      a reform's parameter, e.g. policies.direct_pickup.adoption.forced=true
  SECTION.FIELD=X            any field, e.g. customs.inspection_teams=45, terminal.gate_lanes=18
  hydra.run.dir=FOLDER       where the run's files go (must not hold an earlier run)

examples:
  python -m sim seed=7
  python -m sim policy=direct_pickup
  python -m sim package=full run.horizon_days=30 hydra.run.dir=my_run
  python -m sim -m seed=1,2,3 policy=pre_arrival,e_documents

Every field, its unit and its bounds: sim/schema/ (the declared schema); values and sources:
configs/. A wrong value stops the run before it starts with one line naming the field.

exit codes: 0 done; 2 bad input (config, override, YAML file, output folder); 1 the run failed.
"""


def help_text() -> str:
    return HELP.format(scenarios=", ".join(scenarios()), policies=", ".join(options(CONFIG_DIR, "policy")),
                       packages=", ".join(options(CONFIG_DIR, "package")))


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def hydra_job(cfg: DictConfig) -> None:
    """One job of a multirun (its config was checked before Hydra launched it)."""
    output_dir = HydraConfig.get().runtime.output_dir
    report(run(to_config(cfg), output=output_dir), output_dir)


def run_once(overrides: list[str]) -> None:
    """A single run: compose once, check config and folder, simulate, write, print."""
    composed = compose_config(overrides, every_key_once=True, with_hydra=True)
    config = to_config(composed)
    output_dir = check_output_dir(composed.hydra.run.dir, estimate_disk_bytes(config), field="hydra.run.dir",
                                  keep_existing_run=True)
    report(run(config, output=output_dir), output_dir)


def check_multirun(overrides: list[str]) -> None:
    """Compose and check every combination of the sweep, and the sweep folder, before any job starts."""
    combinations = expand_sweeps(overrides, CONFIG_DIR)
    for combination in combinations:  # Hydra's compose is kept for the files all of them share
        to_config(compose_config(combination, every_key_once=True, with_hydra=True))
    sweep_dir = compose_config(combinations[-1], every_key_once=True, with_hydra=True).hydra.sweep.dir
    check_output_dir(sweep_dir, 0.0, field="hydra.sweep.dir")


def report(result, output_dir) -> None:
    print(format_summary(result.summary))
    print(f"\nOutputs written to {output_dir}")


def format_summary(summary: dict) -> str:
    """A few lines a person can read: times, release within 24 h, cost, enforcement, speed.

    Figures describe the measured cohort (see sim/cohort.py); a mean over boxes some of which
    never reached its end event says how many did not.
    """
    lines = [f"Clearway run: scenario '{summary['scenario']}', seed {summary['seed']}, "
             f"{summary['horizon_days']} days ({summary['warmup_days']} warm-up, "
             f"{summary['cooldown_days']} cool-down) + {summary['drain_days']} days of drain"]
    for flow in FLOWS:
        a = summary["flows"][flow]["all"]
        if not a["n"]:
            continue
        port, clear = a["port_time_h"], a["clearance_time_h"]
        stages = " / ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in a["stages_h"].items() if v is not None)
        lines += [
            f"\n{flow}: {a['n']:,} containers measured (arrived in the window, followed to the end)",
            f"  port time      mean {_h(port['mean'])}  p90 {_h(port['p90'])}{_open(port['unfinished'], 'left')}",
            f"  clearance time mean {_h(clear['mean'])}{_open(clear['unfinished'], 'released')}"
            f"  (arrival -> release; released before arrival: {_pct(a['released_before_arrival'])})",
            f"  released within 24 h of arrival: {_pct(a['released_within_24h'])} of all",
            f"  stages (h): {stages}",
            f"  cost per container: CNY {_n(a['cost_cny']['border_documentary'])} border+documentary, "
            f"CNY {_n(a['cost_cny']['total'])} with detention, trucking and the goods' time",
            f"  offences detected {a['offences']['detected']}, missed {a['offences']['missed']}",
        ]
        if a["unfinished"]:
            stuck = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in a["unfinished_by_stage"].items() if v)
            lines.append(f"  UNFINISHED after {summary['drain_days']} days of drain: {a['unfinished']:,} "
                         f"containers (stuck in: {stuck})")
    if "roro" in summary:
        lines += _vehicle_lines(summary["roro"])
    lines.append(f"\n{summary['consignments_per_s']:,.0f} consignments/s, {summary['wall_s']:.1f} s")
    return "\n".join(lines)


def _vehicle_lines(r: dict) -> list[str]:
    """The imported vehicles of the ro-ro terminal (sim/roro/), as the containers' lines."""
    port, clear, n = r["port_time_h"], r["clearance_time_h"], r["vehicles"]
    stages = " / ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in r["stages_h"].items() if v is not None)
    return [
        f"\nro-ro vehicles: {n['arrived']:,} measured (never on direct pickup: they need certification "
        "and inspection)",
        f"  port time      mean {_h(port['mean'])}  p90 {_h(port['p90'])}{_open(port['unfinished'], 'left')}",
        f"  clearance time mean {_h(clear['mean'])}{_open(clear['unfinished'], 'released')}  (arrival -> release)",
        f"  stages (h): {stages}",
        f"  port cost per vehicle: CNY {_n(r['cost_cny_per_vehicle']['total'])} with the vehicle's time",
    ]


def _open(count: int, event: str) -> str:
    return f"  (* {count:,} never {event}: mean over the others)" if count else ""


def _h(x):
    return "   n/a" if x is None else f"{x:6.1f} h"


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _n(x):
    return "n/a" if x is None else f"{x:,.0f}"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["dashboard"]:  # the Solara dashboard (optional extra), imported only here
        from sim.app.server import main as dashboard
        sys.exit(dashboard(argv[1:]))
    if any(a in ("-h", "--help") for a in argv):
        print(help_text())
        return
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    if any(a in HYDRA_FLAGS or a.startswith("--cfg=") for a in argv):
        hydra_job()  # Hydra's own inspection flags: its page, its output
        return
    overrides = [a for a in argv if a not in MULTIRUN_FLAGS]
    try:
        if len(overrides) < len(argv):
            check_multirun(overrides)
        else:
            run_once(overrides)
            return
    except ConfigError as err:
        print(f"clearway: config error: {err}", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)
    hydra_job()
