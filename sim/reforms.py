"""The reforms in plain words, and the WTO Trade Facilitation Agreement article each implements.

A leaf module (imports nothing of Clearway): figures, report, brief and dashboard read their
reform names and TFA tags from here. Article numbers and titles are those of the Agreement on
Trade Facilitation (WTO, WT/L/931, in force 2017; text: https://tfadatabase.org/en/tfa-text).
``fit`` says how closely the reform matches the article: ``direct`` (the article describes the
reform) or ``closest`` (a port or logistics measure the TFA does not name; the article is the
nearest one, the note says why).
"""
from __future__ import annotations

from typing import NamedTuple


class Article(NamedTuple):
    number: str  # "7.1"
    title: str   # the article's heading in the Agreement


class Reform(NamedTuple):
    name: str
    title: str
    articles: tuple[Article, ...]
    fit: str  # "direct" or "closest"
    note: str = ""
    # KPIs the reform's mechanism acts on first, for a brief when it moves neither time in port
    # nor a cost distinguishably (sim.report.brief.main_effect)
    measures: tuple[str, ...] = ()


PRE_ARRIVAL = Article("7.1", "Pre-arrival Processing")
SEPARATION = Article("7.3", "Separation of Release from Final Determination of Customs Duties, "
                            "Taxes, Fees and Charges")
RISK = Article("7.4", "Risk Management")
AUDIT = Article("7.5", "Post-clearance Audit")
AUTHORIZED = Article("7.7", "Trade Facilitation Measures for Authorized Operators")
EXPEDITED = Article("7.8", "Expedited Shipments")
FORMALITIES = Article("10.1", "Formalities and Documentation Requirements")
COPIES = Article("10.2", "Acceptance of Copies")
SINGLE_WINDOW = Article("10.4", "Single Window")
PROCESSING = Article("10.9", "Temporary Admission of Goods and Inward and Outward Processing")

REFORMS: dict[str, Reform] = {r.name: r for r in (
    Reform("pre_arrival", "Pre-arrival processing", (PRE_ARRIVAL,), "direct"),
    Reform("e_documents", "Electronic documents", (COPIES, SINGLE_WINDOW), "direct",
           "electronic B/L and certificates accepted in place of paper originals"),
    Reform("risk_management", "Risk management", (RISK, AUTHORIZED), "direct",
           "better targeting; AEO firms get lower inspection rates and priority"),
    Reform("two_step", "Two-step declaration", (SEPARATION,), "direct"),
    Reform("direct_pickup", "Direct pickup", (PRE_ARRIVAL,), "closest",
           "release on arrival needs the declaration processed before arrival; the quay-to-truck "
           "transfer itself is a terminal practice the TFA does not cover"),
    Reform("direct_loading", "Direct loading", (FORMALITIES,), "closest",
           "export release before gate-in cuts the time and cost of compliance (10.1.1(b)); "
           "loading on arrival is a terminal practice"),
    Reform("enterprise_certification", "Certification by enterprise", (AUTHORIZED, AUDIT),
           "closest",
           "approved firms' goods released without per-shipment certification, as an authorized-"
           "operator benefit (7.7), and controlled by post-clearance audit (7.5); conformity "
           "assessment itself is a TBT/SPS matter the TFA does not cover"),
    Reform("shared_warehousing", "Shared warehousing", (AUTHORIZED,), "closest",
           "one declaration per period for a warehouse's orders, as in 7.7.3(f)"),
    Reform("bonded_blending", "Bonded fuel blending", (PROCESSING,), "closest",
           "blending fuel in bond is processing under customs control (10.9.2)"),
    Reform("ecommerce_air", "E-commerce by air", (EXPEDITED,), "closest",
           "one submission covering a shipment's goods (7.8.2(b)) is the consolidated declaration; "
           "whitelisting special goods and streamlined returns of parcels are not named in the TFA"),
    Reform("punctuality_forecast", "Punctuality forecasts", (SINGLE_WINDOW,), "closest",
           "a vessel punctuality forecast shared by every party to the port call; the TFA does not "
           "name it, the nearest article is the single window for information exchange",
           ("export_rolled_over_per_1000", "vessel_off_window_share", "export_rehandles_per_box",
            "import_ship_side_wait_h")),
    Reform("full", "Full package", (), "direct", "every reform above together"),
)}


def reform_title(name: str) -> str | None:
    """``two_step`` -> ``Two-step declaration``; None for a scenario that is no known reform."""
    reform = REFORMS.get(name)
    return reform.title if reform else None


def scenario_title(name: str) -> str:
    """A scenario in plain words: a reform's title (``e_documents`` -> ``Electronic documents``),
    else the name with spaces (``my_case`` -> ``My case``)."""
    text = reform_title(name) or str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def tfa_tag(name: str) -> str:
    """``TFA Art. 7.4 Risk Management; 7.7 Trade Facilitation Measures for Authorized Operators``
    (the package lists the articles of all reforms); '' for a scenario that is no known reform."""
    reform = REFORMS.get(name)
    if reform is None:
        return ""
    if not reform.articles:  # the package: every reform's articles, by number only
        articles = {a for r in REFORMS.values() for a in r.articles}
        return "TFA Art. " + ", ".join(a.number for a in sorted(articles, key=_article_order))
    text = "TFA Art. " + "; ".join(f"{a.number} {a.title}" for a in reform.articles)
    return text + (" (closest article)" if reform.fit == "closest" else "")


def _article_order(article: Article) -> tuple[int, ...]:
    return tuple(int(p) for p in article.number.split("."))
