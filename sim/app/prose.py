"""Text on the dashboard's pages: Markdown rendered to HTML on the server.

Solara's own Markdown component fetches a maths renderer (KaTeX) from a CDN in the browser; the
dashboard must work offline, and its text has no maths, so it renders Markdown here instead.
"""
from __future__ import annotations

import markdown
import solara

CSS = """
.clearway-prose table { border-collapse: collapse; margin: 4px 0 12px; font-size: 0.9rem; }
.clearway-prose th, .clearway-prose td { border-bottom: 1px solid #ddd; padding: 3px 10px;
    text-align: left; vertical-align: top; }
.clearway-prose th { background: #f3f5f8; }
.clearway-prose td:not(:first-child) { white-space: nowrap; }
.clearway-prose.wrap td { white-space: normal; }
.clearway-prose code { background: #f3f5f8; padding: 0 3px; border-radius: 3px; }
.clearway-prose p { margin-bottom: 8px; }
.clearway-prose h2 { margin: 4px 0 8px; font-weight: 500; }
.clearway-prose h3 { margin: 12px 0 6px; font-weight: 500; }
"""


@solara.component
def Prose(text: str, classes: list[str] = []):
    """``text`` (Markdown, tables allowed) as HTML."""
    solara.Style(CSS)
    html = solara.use_memo(lambda: markdown.markdown(text, extensions=["tables"]),
                           dependencies=[text])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=["clearway-prose", *classes])
