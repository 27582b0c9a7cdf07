"""Provenance apart from the findings: ``provenance.md``, a short readable digest of the
experiment's ``provenance.json`` (written by the runner: resolved configs, seeds, versions,
git commit), and the one paragraph the report shows, which links both files."""

from __future__ import annotations

import json
from pathlib import Path

from sim.outputs import atomic_write
from sim.report.render import render_template

JSON_NAME, MD_NAME = "provenance.json", "provenance.md"


def provenance_facts(provenance: dict) -> dict:
    """Commit, dirty flag, Python, platform, creation time and package versions."""
    git = provenance.get("git") or {}
    return {
        "commit": git.get("commit") or "unknown",
        "dirty": bool(git.get("dirty")),
        "python": provenance.get("python", "?"),
        "platform": provenance.get("platform", "?"),
        "created_utc": provenance.get("created_utc"),
        "packages": provenance.get("packages") or {},
    }


def write_provenance_md(exp_dir: Path, provenance: dict, spec_info: dict) -> Path:
    """Write ``provenance.md`` next to ``provenance.json`` (written from ``provenance`` when the
    runner has not written one); return its path."""
    json_path = exp_dir / JSON_NAME
    if provenance and not json_path.is_file():
        text = json.dumps(provenance, indent=1, default=str)
        atomic_write(json_path, lambda p: p.write_text(text, encoding="utf-8"))
    scenarios = {
        str(k): (" ".join(v) if isinstance(v, (list, tuple)) else str(v)) or "(none)"
        for k, v in (spec_info.get("scenarios") or {}).items()
    }
    text = render_template(
        "provenance.md.j2",
        name=spec_info.get("name") or exp_dir.name,
        facts=provenance_facts(provenance),
        scenarios=scenarios,
        has_json=(exp_dir / JSON_NAME).is_file(),
        json_name=JSON_NAME,
    )
    path = exp_dir / MD_NAME
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def provenance_blocks(provenance: dict, spec_info: dict | None = None,
                      exp_dir: Path | None = None) -> list:
    """The report's provenance section: one paragraph with the commit, linking
    ``provenance.json`` and, when ``exp_dir`` holds it, ``provenance.md``."""
    facts = provenance_facts(provenance)
    links = f"[{JSON_NAME}]({JSON_NAME})"
    if exp_dir is not None and (Path(exp_dir) / MD_NAME).is_file():
        links = f"[{MD_NAME}]({MD_NAME}) (readable) and {links} (complete)"
    return [(
        "p",
        f"Git commit `{facts['commit']}`"
        + (" (with uncommitted changes)" if facts["dirty"] else "")
        + f"; Python {facts['python']} on {facts['platform']}. Resolved configuration, seeds and "
        f"package versions: {links}.",
    )]


__all__ = ["provenance_blocks", "provenance_facts", "write_provenance_md"]
