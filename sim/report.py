"""The experiment report: ``report.md`` and a self-contained ``report.html``.

Both are rendered from one list of blocks: a plain-language summary generated from the
comparison table (one bullet per scenario), the headline comparison table, the figures with
their captions, a methods paragraph and the provenance. Every result number in the report is
read from the comparison table (:func:`sim.stats.comparison_table`), formatted by
:func:`sim.plots.style.fmt_value`; nothing is recomputed here. The HTML embeds the figures as
base64 PNG and its CSS inline, so the file can be mailed on its own.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pandas as pd

from sim.outputs import atomic_write
from sim.plots.style import FigureFiles, fmt, fmt_value, scenario_label
from sim.stats import CONFIDENCE, finished_runs

SPEED_KPIS = (
    "import_port_time_h",
    "import_clearance_time_h",
    "export_port_time_h",
    "export_clearance_time_h",
    "import_cost_total_cny",
    "export_cost_total_cny",
)
# named in a scenario's bullet only when it changes them (they belong to the sub-models)
SUB_MODEL_KPIS = (
    "zone_order_lead_time_h",
    "zone_clearance_time_h",
    "zone_trucks_per_order",
    "zone_declarations_per_order",
    "zone_cost_per_order_cny",
    "bunker_price_cny_per_t",
    "bunker_share_served",
    "bunker_wait_h",
)
NEGLIGIBLE = 1e-3  # a change below 0.1 % of the baseline is reported as no change
TABLE_KPIS = (
    "import_port_time_h",
    "import_clearance_time_h",
    "import_cost_total_cny",
    "import_detection_rate",
    "import_fast_lane_share",
    "export_port_time_h",
    "export_clearance_time_h",
    "export_cost_total_cny",
    "export_detection_rate",
    "export_fast_lane_share",
)
SHORT_LABELS = {
    "import_port_time_h": "mean import port time",
    "import_clearance_time_h": "mean import clearance time",
    "export_port_time_h": "mean export port time",
    "export_clearance_time_h": "mean export clearance time",
    "import_cost_total_cny": "import cost per container",
    "export_cost_total_cny": "export cost per container",
}
CSS = (
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
    "max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.5;color:#1a1a1a}"
    "h1{font-size:1.7em;border-bottom:2px solid #0072B2;padding-bottom:.2em}"
    "h2{margin-top:1.8em;color:#0b3d66}"
    "table{border-collapse:collapse;font-size:.85em;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}th{background:#eef3f8}"
    "td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}"
    "figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption{font-size:.9em;color:#444}li{margin:.4em 0}details{margin:1em 0}"
    "pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-size:.8em}"
)


# --------------------------------------------------------------------------------------------
# numbers, always from a comparison-table row


def _diff_unit(unit: str) -> str:
    return "share_pp" if unit == "share" else unit


def _ci(low: float, high: float, unit: str, what: str = "") -> str:
    """'95 % CI −58.0 to −50.2 h' (interval of a difference, in the difference's unit)."""
    lo = fmt_value(low, _diff_unit(unit), sign=True)
    hi = fmt_value(high, _diff_unit(unit), sign=True)
    return f"95 % CI {what}{lo.split(' ')[0]} to {hi}"


def _row(comparison: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    rows = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
    if rows.empty or pd.isna(rows["n_pairs"].iloc[0]) or rows["n_pairs"].iloc[0] < 2:
        return None
    return rows.iloc[0]


def _significant(row: pd.Series) -> bool:
    """The paired CI excludes zero and the change is not negligibly small."""
    if pd.isna(row["significant"]) or not bool(row["significant"]):
        return False
    scale = max(abs(row["baseline_mean"]), 1e-9) if not pd.isna(row["baseline_mean"]) else 1.0
    return abs(row["diff_mean"]) > NEGLIGIBLE * scale


def _verb(row: pd.Series) -> str:
    return "cuts" if row["diff_mean"] < 0 else "raises"


def _change_clause(row: pd.Series) -> str:
    """'mean import port time by 54.1 h (−38.0 %; 95 % CI of the change −58.0 to −50.2 h)'."""
    unit, kpi = row["unit"], row["kpi"]
    label = SHORT_LABELS.get(kpi, row["label"])
    pct = f"{fmt(row['pct_change'], 1, sign=True)} %; " if pd.notna(row["pct_change"]) else ""
    return (
        f"{label} by {fmt_value(abs(row['diff_mean']), _diff_unit(unit))} "
        f"({pct}{_ci(row['diff_ci_low'], row['diff_ci_high'], unit, 'of the change ')})"
    )


def _null_clause(row: pd.Series) -> str:
    label = SHORT_LABELS.get(row["kpi"], row["label"])
    return (
        f"{label} ({fmt_value(row['diff_mean'], _diff_unit(row['unit']), sign=True)}, "
        f"{_ci(row['diff_ci_low'], row['diff_ci_high'], row['unit'])})"
    )


def _enforcement(comparison, scenario, flow) -> str | None:
    det = _row(comparison, scenario, f"{flow}_offences_detected")
    mis = _row(comparison, scenario, f"{flow}_offences_missed")
    if det is None or mis is None:
        return None
    parts = []
    for row, what in ((det, "detected"), (mis, "missed")):
        tag = "" if _significant(row) else ", not distinguishable from zero"
        parts.append(
            f"{fmt(row['scenario_mean'], 1)} offences {what} per run vs "
            f"{fmt(row['baseline_mean'], 1)} in the baseline "
            f"({fmt(row['diff_mean'], 1, sign=True)}, "
            f"{_ci(row['diff_ci_low'], row['diff_ci_high'], 'count')}{tag})"
        )
    return f"Enforcement ({flow}s): " + "; ".join(parts) + "."


def scenario_bullet(comparison: pd.DataFrame, scenario: str, labels=None) -> str:
    """The plain-language summary of one scenario against the baseline, from the table only."""
    name = scenario_label(scenario, labels)
    rows = [r for k in SPEED_KPIS if (r := _row(comparison, scenario, k)) is not None]
    rows += [r for k in SUB_MODEL_KPIS if (r := _row(comparison, scenario, k)) is not None and _significant(r)]
    changed = [r for r in rows if _significant(r)]
    unchanged = [r for r in rows if not _significant(r)]
    sentences = []
    if changed:
        groups = []  # consecutive changes in the same direction share the verb
        for r in changed:
            if groups and groups[-1][0] == _verb(r):
                groups[-1][1].append(_change_clause(r))
            else:
                groups.append((_verb(r), [_change_clause(r)]))
        sentences.append(
            f"**{name}** " + "; ".join(f"{verb} " + ", ".join(c) for verb, c in groups) + "."
        )
    else:
        sentences.append(
            f"**{name}** changes no time or cost measure distinguishably from the baseline."
        )
    if unchanged:
        sentences.append(
            "No change distinguishable from zero in "
            + "; ".join(_null_clause(r) for r in unchanged)
            + "."
        )
    for flow in ("import", "export"):
        row = _row(comparison, scenario, f"{flow}_fast_lane_share")
        if row is not None and row["scenario_mean"] > 0:
            sentences.append(
                f"{fmt(100 * row['scenario_mean'], 1)} % of {flow} boxes took a fast lane "
                f"(95 % CI {fmt(100 * row['ci_low'], 1)} to {fmt(100 * row['ci_high'], 1)} %)."
            )
    for flow in ("import", "export"):
        text = _enforcement(comparison, scenario, flow)
        if text and (
            flow == "import"
            or any(
                _significant(r)
                for k in ("offences_detected", "offences_missed")
                if (r := _row(comparison, scenario, f"{flow}_{k}")) is not None
            )
        ):
            sentences.append(text)
    return " ".join(sentences)


def summary_bullets(comparison: pd.DataFrame, labels=None) -> list[str]:
    """One bullet per non-baseline scenario, in table order."""
    base = comparison.loc[comparison["is_baseline"].astype(bool), "scenario"].iloc[0]
    return [
        scenario_bullet(comparison, s, labels)
        for s in dict.fromkeys(comparison["scenario"])
        if s != base
    ]


# --------------------------------------------------------------------------------------------
# tables


def _value_cell(value, low, high, unit, sign: bool = False) -> str:
    """'12.3 h [10.1, 14.5]': value with unit, interval bounds as bare numbers."""
    if pd.isna(value):
        return "n/a"
    if pd.isna(low):
        return fmt_value(value, unit, sign)
    lo, hi = (fmt_value(v, unit, sign).split(" ")[0] for v in (low, high))
    return f"{fmt_value(value, unit, sign)} [{lo}, {hi}]"


def _pct_cell(r: pd.Series) -> str:
    lo, hi = fmt(r["pct_ci_low"], 1, True), fmt(r["pct_ci_high"], 1, True)
    return f"{fmt(r['pct_change'], 1, True)} [{lo}, {hi}]"


def comparison_rows(
    comparison: pd.DataFrame, kpis=TABLE_KPIS, labels=None
) -> tuple[list[str], list[list[str]]]:
    """Header and formatted rows of the comparison table for ``kpis`` (None: every KPI)."""
    header = [
        "Scenario",
        "KPI",
        "Mean [95 % CI]",
        "Difference vs baseline [95 % CI]",
        "Change % [95 % CI]",
        "Distinguishable from 0",
    ]
    kpis = list(dict.fromkeys(comparison["kpi"])) if kpis is None else kpis
    present = [k for k in kpis if k in set(comparison["kpi"])]
    rows = []
    for scenario in dict.fromkeys(comparison["scenario"]):
        for kpi in present:
            r = comparison[(comparison["scenario"] == scenario) & (comparison["kpi"] == kpi)]
            if r.empty or (r["n"].iloc[0] == 0):
                continue
            r = r.iloc[0]
            unit = r["unit"]
            if bool(r["is_baseline"]) or pd.isna(r["diff_mean"]):
                diff, pct, sig = (
                    ("(baseline)", "", "") if bool(r["is_baseline"]) else ("n/a", "n/a", "")
                )
            else:
                diff = _value_cell(
                    r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], _diff_unit(unit), True
                )
                pct = "n/a" if pd.isna(r["pct_change"]) else _pct_cell(r)
                sig = "yes" if _significant(r) else "no"
            rows.append(
                [
                    scenario_label(scenario, labels),
                    f"{r['label']}, {'%' if unit == 'share' else unit}"
                    if unit and unit != "count"
                    else r["label"],
                    _value_cell(r["mean"], r["ci_low"], r["ci_high"], unit),
                    diff,
                    pct,
                    sig,
                ]
            )
    return header, rows


# --------------------------------------------------------------------------------------------
# methods and provenance


def _base_name(base: str, labels=None) -> str:
    """' (Status quo)' after 'the baseline', or nothing when the baseline is called baseline."""
    name = scenario_label(base, labels)
    return "" if name.lower() == "baseline" else f" ({name})"


def methods_text(
    table: pd.DataFrame, comparison: pd.DataFrame, spec_info: dict, labels=None
) -> str:
    """The methods paragraph: replications, seeds and CRN, warm-up and cool-down, CI method."""
    runs = finished_runs(table)
    base = comparison.loc[comparison["is_baseline"].astype(bool), "scenario"].iloc[0]
    per_scenario = runs.groupby("scenario").size()
    n_lo, n_hi = per_scenario.min(), per_scenario.max()
    reps = f"{n_lo}" if n_lo == n_hi else f"{n_lo} to {n_hi}"
    seeds = spec_info.get("seeds") or sorted(runs["seed"].unique().tolist())
    failed = spec_info.get("failed_runs", len(table) - len(runs))
    conf = round(100 * spec_info.get("confidence", comparison.attrs.get("confidence", CONFIDENCE)))
    text = [
        (
            f"Each of the {len(per_scenario)} scenarios ran {reps} replications; replication r "
            f"used the same seed in every scenario (seeds {_seed_text(seeds)}), so scenarios see "
            "the same arrivals, cargo and risk draws (common random numbers, one independent "
            "random stream per purpose) and are compared pair by pair with the "
            f"baseline{_base_name(base, labels)}."
        )
    ]
    if {"horizon_days", "warmup_days", "cooldown_days"} <= spec_info.keys():
        h, w, c = spec_info["horizon_days"], spec_info["warmup_days"], spec_info["cooldown_days"]
        text.append(
            f"Each run simulated {h:g} days; containers entering in the first {w:g} days "
            f"(warm-up, while the empty port fills) or in the last {c:g} days (cool-down, whose "
            "journeys would be cut off at the horizon) are not counted, leaving "
            f"{h - w - c:g} measured days."
        )
    welch = spec_info.get("welch")
    if welch:
        k = welch["warmup_days"]
        text.append(
            f"Welch's method (daily {welch.get('series', 'series')} averaged over "
            f"{welch.get('replications', reps)} replications, moving-average window "
            f"{welch['window']} days) shows the start-up transient fading after {k:g} days"
        )
        deleted = spec_info.get("warmup_days")
        if deleted is None:
            text[-1] += "."
        elif k <= deleted:
            text[-1] += f", within the {deleted:g}-day warm-up deleted."
        else:
            text[-1] += (
                f", later than the {deleted:g}-day warm-up deleted: the measured window still "
                "contains part of the start-up transient, so levels may be biased towards the "
                "empty-port start."
            )
    text.append(
        f"Means are given with {conf} % Student t confidence intervals over replications. A "
        "scenario's difference from the baseline is the mean of the per-seed differences with a "
        f"paired t interval; a difference is called distinguishable from zero when its {conf} % "
        "interval excludes zero. Percent changes are ratios of means with a delta-method interval. "
        "The comparison table also gives the unpaired (Welch) interval: the paired one is "
        "narrower when common random numbers correlate the runs of a seed."
    )
    if failed:
        text.append(f"{failed} run(s) failed and are left out (see the manifest).")
    return " ".join(text)


def _seed_text(seeds) -> str:
    seeds = list(seeds)
    if len(seeds) > 2 and all(isinstance(s, (int,)) or str(s).isdigit() for s in seeds):
        ints = sorted(int(s) for s in seeds)
        if ints == list(range(ints[0], ints[-1] + 1)):
            return f"{ints[0]} to {ints[-1]}"
    return ", ".join(str(s) for s in seeds)


def provenance_blocks(provenance: dict, spec_info: dict) -> list:
    git = provenance.get("git") or {}
    commit = git.get("commit") or "unknown"
    dirty = git.get("dirty")
    lines = [
        f"Git commit `{commit}`"
        + (" (with uncommitted changes)" if dirty else "")
        + f"; Python {provenance.get('python', '?')} on {provenance.get('platform', '?')}"
        + (f"; created {provenance['created_utc']}" if provenance.get("created_utc") else "")
        + "."
    ]
    blocks: list = [("p", lines[0])]
    packages = provenance.get("packages") or {}
    if packages:
        blocks.append(("table", ["Package", "Version"], [[k, str(v)] for k, v in packages.items()]))
    scenarios = spec_info.get("scenarios")
    if scenarios:
        blocks.append(
            (
                "table",
                ["Scenario", "Config overrides"],
                [
                    [str(k), (" ".join(v) if isinstance(v, (list, tuple)) else str(v)) or "(none)"]
                    for k, v in scenarios.items()
                ],
            )
        )
    rest = {
        k: v
        for k, v in provenance.items()
        if k not in ("git", "packages", "python", "platform", "created_utc")
    }
    if rest:
        blocks.append(
            (
                "details",
                "Resolved configuration and other provenance",
                [("pre", json.dumps(rest, indent=1, default=str))],
            )
        )
    return blocks


# --------------------------------------------------------------------------------------------
# rendering


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


def build_blocks(
    exp_dir: Path, table, comparison, figures, provenance, spec_info, labels=None
) -> list:
    base = comparison.loc[comparison["is_baseline"].astype(bool), "scenario"].iloc[0]
    name = spec_info.get("name") or exp_dir.name
    runs = finished_runs(table)
    n = int(runs.groupby("scenario").size().min())
    base_name = _base_name(base, labels)
    blocks: list = [
        ("h1", f"Clearway experiment: {name}"),
        ("h2", "Summary"),
        (
            "p",
            (
                f"What each reform does compared with the baseline{base_name}, "
                f'from {n} paired replications per scenario. "95 % CI" is the range that '
                "contains the true average effect with 95 % confidence; where it includes zero, "
                "the simulation cannot tell the effect apart from chance."
            ),
        ),
        ("ul", summary_bullets(comparison, labels)),
        ("h2", "Comparison table"),
    ]
    header, rows = comparison_rows(comparison, labels=labels)
    blocks += [
        (
            "p",
            (
                "Means over replications; differences are paired on seed. Full table with every "
                "KPI, stage and cost component, and the unpaired intervals: `comparison.csv`."
            ),
        ),
        ("table", header, rows),
        ("h2", "Figures"),
    ]
    for i, (png, title, caption) in enumerate(_figure_items(figures), 1):
        blocks.append(
            (
                "figure",
                png,
                f"Figure {i}. {title}".rstrip(". ") if title else f"Figure {i}",
                caption,
            )
        )
    blocks += [
        ("h2", "Methods"),
        ("p", methods_text(table, comparison, spec_info, labels)),
        ("h2", "Provenance"),
        *provenance_blocks(provenance, spec_info),
        ("h2", "Appendix: every KPI"),
        (
            "details",
            "All KPIs, stages and cost components (as in comparison.csv)",
            [("table", *comparison_rows(comparison, kpis=None, labels=labels))],
        ),
    ]
    return blocks


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def render_markdown(blocks, exp_dir: Path) -> str:
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "h1":
            out.append(f"# {b[1]}\n")
        elif kind == "h2":
            out.append(f"## {b[1]}\n")
        elif kind == "p":
            out.append(b[1] + "\n")
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in b[1]) + "\n")
        elif kind == "table":
            out.append("| " + " | ".join(map(_md_cell, b[1])) + " |")
            out.append("|" + "|".join("---" for _ in b[1]) + "|")
            out.extend("| " + " | ".join(map(_md_cell, r)) + " |" for r in b[2])
            out.append("")
        elif kind == "figure":
            _, png, title, caption = b
            rel = Path(png).resolve()
            try:
                rel = rel.relative_to(exp_dir.resolve())
            except ValueError:
                pass
            out.append(f"**{title}**\n\n![{title}]({rel.as_posix()})\n\n{caption}\n")
        elif kind == "pre":
            out.append(f"```\n{b[1]}\n```\n")
        elif kind == "details":
            out.append(f"**{b[1]}**\n")
            out.append(render_markdown(b[2], exp_dir))
    return "\n".join(out)


def _inline_html(text: str) -> str:
    text = html.escape(str(text), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def render_html(blocks, title: str) -> str:
    body = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{_inline_html(b[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_inline_html(b[1])}</p>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{_inline_html(h)}</th>" for h in b[1])
            rows = "".join(
                "<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in r) + "</tr>" for r in b[2]
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "figure":
            _, png, fig_title, caption = b
            data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
            body.append(
                f'<figure><img alt="{html.escape(fig_title)}" src="data:image/png;base64,{data}">'
                f"<figcaption><strong>{_inline_html(fig_title)}</strong>. {_inline_html(caption)}"
                "</figcaption></figure>"
            )
        elif kind == "pre":
            body.append(f"<pre>{html.escape(b[1])}</pre>")
        elif kind == "details":
            summary = f"<summary>{_inline_html(b[1])}</summary>"
            body.append(f"<details>{summary}{render_html(b[2], None)}</details>")
    inner = "\n".join(body)
    if title is None:
        return inner
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n"
        f"<body>\n{inner}\n</body></html>\n"
    )


def write_report(
    exp_dir,
    table: pd.DataFrame,
    comparison: pd.DataFrame,
    figures,
    provenance: dict,
    spec_info: dict,
    labels: dict[str, str] | None = None,
) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into ``exp_dir``; return their paths.

    ``table``: the runs table; ``comparison``: :func:`sim.stats.comparison_table`; ``figures``:
    :class:`FigureFiles` (e.g. from :func:`sim.plots.make_figures`), PNG paths, or (path,
    caption) pairs; ``provenance``: e.g. :func:`sim.outputs.provenance` or the experiment's
    provenance.json (keys git, packages, python, platform, created_utc, anything else shown as
    JSON); ``spec_info``: the experiment's design, all keys optional: ``name``, ``scenarios``
    ({name: overrides}), ``seeds``, ``horizon_days``, ``warmup_days``, ``cooldown_days``,
    ``confidence``, ``failed_runs`` (when the table holds only finished runs), ``welch``
    ({series, window, warmup_days, replications}: :func:`sim.stats.welch_from_dailies`).
    """
    exp_dir = Path(exp_dir)
    spec_info = dict(spec_info or {})
    blocks = build_blocks(exp_dir, table, comparison, figures, provenance or {}, spec_info, labels)
    md_path, html_path = exp_dir / "report.md", exp_dir / "report.html"
    title = f"Clearway experiment: {spec_info.get('name') or exp_dir.name}"
    md = render_markdown(blocks, exp_dir)
    page = render_html(blocks, title)
    atomic_write(md_path, lambda p: p.write_text(md, encoding="utf-8"))
    atomic_write(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    return md_path, html_path


__all__ = ["comparison_rows", "methods_text", "scenario_bullet", "summary_bullets", "write_report"]
