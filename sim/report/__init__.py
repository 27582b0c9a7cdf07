"""The experiment report and the one-page brief.

:func:`write_report` writes, next to the experiment's data:

- ``brief.md`` / ``brief.html``: one page for policymakers (:mod:`sim.report.brief`), when
  the experiment compares at least one scenario with its baseline;
- ``report.md`` / ``report.html``: the brief as its first page (or, for a baseline-only
  experiment, what was simulated), then one plain-language bullet per scenario, the comparison
  table, the figures, the methods (where the one significance rule is stated) and a link to
  the provenance;
- ``provenance.md``: a readable digest of ``provenance.json``, never inlined in the report.

A ``failures.csv`` in the folder (scenario, seed, error, run_dir) puts a failure box at the very
top and takes the incomplete scenarios out of every comparison. Every result number is read
from the comparison table (:func:`sim.analysis.comparison.comparison_table`). HTML pages are
self-contained.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.experiment.tables import failed_runs
from sim.outputs import atomic_write
from sim.plots import ranking_chart
from sim.plots.comparison import baseline_of
from sim.plots.style import FigureFiles
from sim.report.brief import Brief, build_brief
from sim.report.context import (
    complete_comparison,
    context_lines,
    failure_lines,
    methods_text,
)
from sim.report.provenance import provenance_blocks, write_provenance_md
from sim.report.render import page, relative, render_html, render_markdown, render_template
from sim.report.sentences import SPEED_KPIS, scenario_bullet, summary_bullets
from sim.report.tables import GREEN_KPIS, VEHICLE_KPIS, comparison_rows


def _figure_items(figures) -> list[tuple[Path, str, str]]:
    """(png, title, caption) of each figure given as FigureFiles, a path, or (path, caption)."""
    items = []
    for f in figures:
        if isinstance(f, FigureFiles):
            if f.png is not None:
                items.append((f.png, f.title, f.caption))
        elif isinstance(f, (tuple, list)) and len(f) == 2 and isinstance(f[1], str):
            items.append((Path(f[0]).with_suffix(".png"), "", f[1]))
        else:
            items.append((Path(f).with_suffix(".png"), "", ""))
    return items


def build_blocks(exp_dir, table, comparison, figures, provenance, spec_info, labels=None) -> list:
    """The report after its first page: findings per scenario, table, figures, methods."""
    runs_per = table.groupby("scenario").size()
    blocks: list = []
    if len(set(comparison["scenario"])) > 1:
        blocks += [
            ("h2", "Findings per scenario"),
            ("p", f"What each scenario does compared with the baseline, from up to "
                  f"{runs_per.max()} paired replications. \"95 % CI\" is the range that contains "
                  "the true average effect with 95 % confidence; where it includes zero, the "
                  "simulation cannot tell the effect apart from chance."),
            ("ul", summary_bullets(comparison, labels)),
        ]
    header, rows = comparison_rows(comparison, labels=labels)
    blocks += [
        ("h2", "Comparison table"),
        ("p", "Means over replications; differences are paired on seed. Full table with every "
              "KPI, stage and cost component, and the unpaired intervals: `comparison.csv`."),
        ("table", header, rows),
    ]
    header, rows = comparison_rows(comparison, kpis=GREEN_KPIS, labels=labels)
    if rows:
        blocks += [
            ("h2", "Green trade: activity and emissions"),
            ("p", "What the port's activity emits, from the trips, waits and lifts the model "
                  "simulated (no assumed cut): per container its truck trips (an empty ship-side "
                  "truck included), the hours its trucks idled at the gate and the ship side, its "
                  "yard-crane moves and its share of its vessel's wait for a berth, and the CO2 of "
                  "all of them; per call the wait at anchor; per bonded-zone order the CO2 of its "
                  "trucks; and the SOx (as SO2) of the bunker fuel delivered. Emission factors and "
                  "their sources or ranges: `configs/emissions/shanghai.yaml`."),
            ("table", header, rows),
        ]
    header, rows = comparison_rows(comparison, kpis=VEHICLE_KPIS, labels=labels)
    if rows:
        blocks += [
            ("h2", "Imported vehicles at the ro-ro terminal"),
            ("p", "Finished vehicles driven off ro-ro ships into the vehicle yard, declared by their "
                  "importers' brokers, checked against their compulsory certification, inspected one "
                  "by one and taken away by car carriers (sim/roro/). They need certification and "
                  "inspection, so direct pickup never applies to them. Port time runs from the "
                  "ship's arrival to the car carrier's pickup; the stages add up to it. Cost: port "
                  "handling, brokerage, inspection, storage and the time cost of the vehicle's value. "
                  "Parameters and their ranges: `configs/roro/nangang.yaml`."),
            ("table", header, rows),
        ]
    blocks += [
        ("h2", "Figures"),
    ]
    for i, (png, title, caption) in enumerate(_figure_items(figures), 1):
        name = f"Figure {i}. {title}".rstrip(". ") if title else f"Figure {i}"
        blocks.append(("figure", png, name, caption))
    blocks += [
        ("h2", "Methods"),
        ("p", methods_text(table, comparison, spec_info, labels)),
        ("h2", "Provenance"),
        *provenance_blocks(provenance, spec_info, exp_dir),
        ("h2", "Appendix: every KPI"),
        ("details", "All KPIs, stages and cost components (as in comparison.csv)",
         [("table", *comparison_rows(comparison, kpis=None, labels=labels))]),
    ]
    return blocks


def _brief_pages(brief: Brief, exp_dir: Path, level: int) -> tuple[str, str]:
    chart = relative(brief.chart.png, exp_dir) if brief.chart else ""
    md = render_template("brief.md.j2", brief=brief, level=level, chart_path=chart)
    html = render_template("brief.html.j2", brief=brief, level=level)
    return md, html


def write_report(
    exp_dir,
    table: pd.DataFrame,
    comparison: pd.DataFrame,
    figures,
    provenance: dict,
    spec_info: dict,
    labels: dict[str, str] | None = None,
) -> tuple[Path, Path]:
    """Write the report, the brief (if any scenario is compared) and ``provenance.md`` into
    ``exp_dir``; return the report's (md, html) paths.

    ``table``: the runs table; ``comparison``: :func:`sim.analysis.comparison.comparison_table`;
    ``figures``: :class:`FigureFiles` (e.g. from :func:`sim.plots.make_figures`), PNG paths, or
    (path, caption) pairs; ``provenance``: the experiment's provenance.json (keys git, packages,
    python, platform, created_utc); ``spec_info``: the experiment's design, all keys optional:
    ``name``, ``base`` (the port scenario), ``scenarios`` ({name: overrides}), ``seeds``,
    ``horizon_days``, ``warmup_days``, ``cooldown_days``, ``boxes_per_day`` ({flow: boxes}),
    ``section_share`` (of the calibrated section), ``adoption`` ({route: (share, day)} on the
    last day), ``confidence``, ``failed_runs``, ``welch`` ({series, window, warmup_days,
    replications}: :func:`sim.analysis.warmup.welch_from_dailies`), ``assumption_bands`` (a
    robustness experiment's folder for the brief, when ``exp_dir`` has no robustness.csv),
    ``scenario_discovery`` (a robustness experiment's folder whose PRIM boxes the brief shows).
    """
    exp_dir = Path(exp_dir)
    spec_info = dict(spec_info or {})
    name = spec_info.get("name") or exp_dir.name
    failures = failed_runs(exp_dir)
    baseline = baseline_of(comparison)
    comparison = complete_comparison(comparison, failures)
    failure_box = failure_lines(failures, baseline, labels)
    context = context_lines(table, spec_info, labels)
    title = f"Clearway experiment: {name}"
    write_provenance_md(exp_dir, provenance or {}, spec_info)
    blocks = build_blocks(exp_dir, table, comparison, figures, provenance or {}, spec_info, labels)
    if len(set(comparison["scenario"])) > 1 or not failures.empty:
        chart = (ranking_chart(comparison, exp_dir / "figures" / "ranking", labels)
                 if len(set(comparison["scenario"])) > 1 else None)
        brief = build_brief(exp_dir, comparison, chart, context, failure_box, name, labels,
                            bands_dir=spec_info.get("assumption_bands"),
                            discovery_dir=spec_info.get("scenario_discovery"))
        brief_md, brief_html = _brief_pages(brief, exp_dir, level=1)
        atomic_write(exp_dir / "brief.md", lambda p: p.write_text(brief_md, encoding="utf-8"))
        atomic_write(exp_dir / "brief.html",
                     lambda p: p.write_text(page(brief.title, brief_html), encoding="utf-8"))
        first_md, first_html = _brief_pages(brief, exp_dir, level=2)
        opening = [("p", "The first section is the one-page brief ([brief.md](brief.md), "
                         "[brief.html](brief.html)).")]
    else:  # a baseline-only experiment: no brief, the context opens the report
        first = [("h2", "What was simulated"), ("ul", context)]
        first_md, first_html = render_markdown(first, exp_dir), render_html(first)
        opening = []
    head = [("h1", title), *opening]
    md = render_markdown(head, exp_dir) + "\n" + first_md + "\n" + render_markdown(blocks, exp_dir)
    html = page(title, render_html(head) + first_html + render_html(blocks))
    md_path, html_path = exp_dir / "report.md", exp_dir / "report.html"
    atomic_write(md_path, lambda p: p.write_text(md, encoding="utf-8"))
    atomic_write(html_path, lambda p: p.write_text(html, encoding="utf-8"))
    return md_path, html_path


__all__ = [
    "SPEED_KPIS",
    "comparison_rows",
    "methods_text",
    "provenance_blocks",
    "render_html",
    "render_markdown",
    "scenario_bullet",
    "summary_bullets",
    "write_report",
]
