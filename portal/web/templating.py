"""Jinja set-up: our templates first, then the GOV.UK Frontend macros, plus the filters pages share."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from portal.web.markdown import plain_text, render_markdown

UNITS = ("bytes", "KB", "MB", "GB", "TB")


def setup(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("portal.web", "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
        ]
    )
    app.jinja_env.autoescape = True
    app.jinja_env.filters.update(
        markdown=render_markdown, plain=plain_text, filesize=filesize, date=human_date, error_link=error_link
    )
    app.context_processor(_globals)


def _globals() -> dict[str, Any]:
    from flask import session

    settings = current_app.extensions["portal"].settings
    return {"site_title": settings.site_title, "signed_in_name": session.get("user_name")}


def filesize(value: Any) -> str:
    """1234567 -> '1.2 MB' (GOV.UK style); unknown sizes are shown as an empty string."""
    if value in (None, ""):
        return ""
    size = float(value)
    for unit in UNITS:
        if size < 1024 or unit == UNITS[-1]:
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def human_date(value: Any) -> str:
    """ISO timestamps as GOV.UK writes dates: '5 January 2025'."""
    return _human_date(str(value)[:10]) if value else ""


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


@lru_cache(maxsize=4096)
def _human_date(value: str) -> str:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def error_link(pair: list[str]) -> dict[str, str]:
    """(field id, message) to the GOV.UK error summary's item, linking to the field."""
    return {"text": pair[1], "href": f"#{pair[0]}"}
