"""Markdown from publishers, rendered and then sanitised: only plain formatting and safe links survive."""

from __future__ import annotations

from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_md_text = MarkdownIt("commonmark", {"html": True, "linkify": False})  # raw HTML parsed, so nh3 can drop it

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h2", "h3", "h4"}
CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
}


def render_markdown(text: str | None) -> Markup:
    """Publisher markdown to safe HTML: raw HTML and images are dropped, links limited to http(s) and mailto."""
    if not text:
        return Markup("")
    html = _md.render(str(text))
    html = _demote_headings(html)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={tag: {"class": cls} for tag, cls in CLASSES.items()},
    )
    return Markup(clean)


def _demote_headings(html: str) -> str:
    """The page owns h1; publisher headings start at h2."""
    for level in (6, 5, 4, 3, 2, 1):
        target = min(level + 1, 4)
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return html


def plain_text(text: str | None, limit: int = 300) -> str:
    """Markdown stripped to text, for summaries, feeds and JSON-LD descriptions."""
    if not text:
        return ""
    return _plain(str(text)[: max(limit * 4, 1000)], limit)


@lru_cache(maxsize=8192)
def _plain(text: str, limit: int) -> str:
    """Cached: result lists show the same summaries again and again, and markdown parsing dominates."""
    flat = nh3.clean(_md_text.render(text), tags=set())
    flat = " ".join(unescape(flat).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
