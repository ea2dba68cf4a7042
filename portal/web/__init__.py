"""The public website: GOV.UK-styled pages over the catalogue's actions, one blueprint per area.

Views call actions through ``portal.actions.registry`` only (no SQL here), escape everything they print and
render markdown through :mod:`portal.web.markdown`. :func:`register` wires the blueprints, templates, CSRF
protection and the security headers into the app the factory builds.
"""

from __future__ import annotations

from flask import Flask

from portal.web import security, templating


def register(app: Flask) -> None:
    from portal.web import account, assets, dataset, dcat, docs, feeds, home, packages, publishers, schemas, search

    templating.setup(app)
    security.setup(app)
    for module in (assets, home, search, dataset, packages, publishers, schemas, account, feeds, dcat, docs):
        app.register_blueprint(module.bp)
