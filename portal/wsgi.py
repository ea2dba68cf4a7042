"""WSGI entry point for gunicorn. Migrations are applied by ``portal db upgrade``, once per deployment."""

from __future__ import annotations

from portal.app import create_app

app = create_app(migrate=False)
