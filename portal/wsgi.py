"""WSGI entry point for gunicorn. Migrations are applied by ``portal db upgrade``, once per deployment."""

from __future__ import annotations

import gc

from portal.app import create_app
from portal.search.memory.index import load_modules

app = create_app(migrate=False)
if app.extensions["portal"].search.memory is not None:
    load_modules()

# What is loaded by now (some 160,000 objects: modules, functions, classes) lives as long as the process. The
# cyclic garbage collector's full passes walked all of it, about 80 ms each here: a stall for every request
# in the process at that moment, which showed as the search benchmark's p99. Frozen, the passes skip it.
gc.freeze()
