"""Imports run one way: schema -> model -> run -> experiment -> analysis -> report -> studies ->
cli / app.

The contract is ``[tool.importlinter]`` in pyproject.toml (import-linter's ``layers`` contract);
these tests run it on the package, and on a copy with one upward import to show it can fail.
Start-up stays light: ``import sim``, a config and the command lines load no heavy library.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Loaded by a run, a study or the dashboard, never by importing sim or composing a config
HEAVY = ("mesa", "pandas", "pyarrow", "matplotlib", "scipy", "solara", "ray", "submitit", "ema_workbench")
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run the import contract of ``root``/pyproject.toml on ``root``/sim."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_import_points_down_the_layers():
    proc = lint_imports(REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout, proc.stdout


def test_every_module_of_the_package_has_a_layer():
    """A module left out of the contract could import anything: each one is in a layer."""
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    in_layers = {name.strip(" ()") for layer in layers for name in re.split(r"[:|]", layer)}
    package = REPO_ROOT / "sim"
    modules = {p.stem for p in package.glob("*.py")} | {
        p.parent.name for p in package.glob("*/__init__.py")}
    assert modules - {"__init__", "__main__"} - in_layers == set()


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(REPO_ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path)
    fields = tmp_path / "sim" / "schema" / "fields.py"
    fields.write_text(fields.read_text() + "\nimport sim.model  # the schema reaching up into the model\n")
    proc = lint_imports(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "sim.schema is not allowed to import sim.model" in proc.stdout, proc.stdout


def test_import_sim_and_a_config_leave_the_heavy_libraries_unloaded():
    """Every bad input (``python -m sim``, ``experiments/*.py``, ``load_config``) stops after these
    imports and a config: with none of ``HEAVY`` loaded it answers in well under a second; the
    model's and the figures' modules still leave Solara to the dashboard."""
    code = ("import sys, sim, sim.cli, sim.experiment.cli\n"
            "sim.load_config('shanghai', ['customs.inspection_teams=40'])\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
            "import sim.model, sim.plots\n"
            "print('solara' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["[]", "False"], proc.stdout
