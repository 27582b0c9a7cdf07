"""Rendering: report blocks to Markdown and HTML, and the jinja2 templates of the package.

A report is a list of blocks, tuples whose first item is the kind: ``("h1"|"h2"|"h3", text)``,
``("p", text)``, ``("ul", [text])``, ``("table", header, rows)``, ``("figure", png, title,
caption)``, ``("pre", text)``, ``("details", summary, [blocks])``, ``("box", [text])`` (a
highlighted warning). Text may hold ``**bold**``, `` `code` `` and ``[label](link)``. HTML pages
are self-contained: figures are embedded as base64 PNG and the CSS is inline.
"""

from __future__ import annotations

import base64
import html
import re
from functools import cache
from pathlib import Path

import jinja2

CSS = (
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
    "max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.5;color:#1a1a1a}"
    "h1{font-size:1.7em;border-bottom:2px solid #0072B2;padding-bottom:.2em}"
    "h2{margin-top:1.8em;color:#0b3d66}h3{color:#0b3d66}"
    "table{border-collapse:collapse;font-size:.85em;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}th{background:#eef3f8}"
    "td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}"
    "table.text td,table.text th{text-align:left}"
    "figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption{font-size:.9em;color:#444}li{margin:.4em 0}details{margin:1em 0}"
    "pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-size:.8em}"
    ".box{border:2px solid #D55E00;background:#fdf0e6;padding:.6em 1em;margin:1em 0}"
    ".headline{font-size:1.2em;font-weight:600}"
)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim.report", "templates"),
        autoescape=jinja2.select_autoescape(("html.j2",)),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(template: str, **values) -> str:
    """Render ``sim/report/templates/<template>`` with ``values`` (HTML ones autoescape)."""
    env = _environment()
    env.filters["inline"] = lambda text: jinja2.utils.markupsafe.Markup(inline_html(text))
    env.filters["png_data"] = png_data
    return env.get_template(template).render(css=CSS, **values)


def png_data(path: str | Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def inline_html(text: str) -> str:
    """Escape ``text`` and turn ``**bold**``, `` `code` `` and ``[label](link)`` into HTML."""
    text = html.escape(str(text), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def relative(path: str | Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it, as a POSIX path."""
    path = Path(path).resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def md_table(header, rows) -> str:
    lines = ["| " + " | ".join(map(_md_cell, header)) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(_md_cell, r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def render_markdown(blocks, exp_dir: Path) -> str:
    out = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            out.append(f"{'#' * int(kind[1])} {b[1]}\n")
        elif kind == "p":
            out.append(b[1] + "\n")
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in b[1]) + "\n")
        elif kind == "box":
            out.append("\n>\n".join(f"> {line}" for line in b[1]) + "\n")
        elif kind == "table":
            out.append(md_table(b[1], b[2]))
        elif kind == "figure":
            _, png, title, caption = b
            out.append(f"**{title}**\n\n![{title}]({relative(png, exp_dir)})\n\n{caption}\n")
        elif kind == "pre":
            out.append(f"```\n{b[1]}\n```\n")
        elif kind == "details":
            out.append(f"**{b[1]}**\n")
            out.append(render_markdown(b[2], exp_dir))
    return "\n".join(out)


def render_html(blocks, title: str | None = None) -> str:
    """The blocks as HTML; a whole self-contained page when ``title`` is given."""
    body = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{inline_html(b[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{inline_html(b[1])}</p>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "box":
            body.append('<div class="box">' + "<br>".join(inline_html(i) for i in b[1]) + "</div>")
        elif kind == "table":
            head = "".join(f"<th>{inline_html(h)}</th>" for h in b[1])
            rows = "".join(
                "<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in r) + "</tr>" for r in b[2]
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "figure":
            _, png, fig_title, caption = b
            body.append(
                f'<figure><img alt="{html.escape(fig_title)}" src="{png_data(png)}">'
                f"<figcaption><strong>{inline_html(fig_title)}</strong>. {inline_html(caption)}"
                "</figcaption></figure>"
            )
        elif kind == "pre":
            body.append(f"<pre>{html.escape(b[1])}</pre>")
        elif kind == "details":
            summary = f"<summary>{inline_html(b[1])}</summary>"
            body.append(f"<details>{summary}{render_html(b[2])}</details>")
    inner = "\n".join(body)
    if title is None:
        return inner
    return page(title, inner)


def page(title: str, body_html: str) -> str:
    """A self-contained HTML page (inline CSS) around ``body_html``."""
    return render_template("page.html.j2", title=title,
                           body=jinja2.utils.markupsafe.Markup(body_html))


__all__ = ["inline_html", "page", "relative", "render_html", "render_markdown", "render_template"]
