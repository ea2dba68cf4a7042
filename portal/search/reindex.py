"""Index every dataset again, in batches: after an upgrade that adds to the search rows (revision 0003 added
the stored ``package_show`` records), or to repair an index.

    python -m portal.search.reindex [--batch 500]     # configured by PORTAL_* variables, like the app
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import select

from portal.config import Settings
from portal.models import Package
from portal.services import Services


def reindex_all(services: Services, batch: int = 500, progress: bool = False) -> int:
    """Index every dataset through the search backend, one transaction per ``batch``; returns how many."""
    with services.db.session() as session:
        ids = list(session.scalars(select(Package.id).order_by(Package.id)))
    began = time.perf_counter()
    for start in range(0, len(ids), batch):
        with services.db.session() as session:
            for pkg in session.scalars(select(Package).where(Package.id.in_(ids[start : start + batch]))):
                services.search.index(session, pkg)
        if progress:
            done = min(start + batch, len(ids))
            print(f"{done}/{len(ids)} datasets indexed ({done / (time.perf_counter() - began):.0f}/s)", flush=True)
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    services = Services.from_settings(Settings.from_env())
    services.migrate()
    reindex_all(services, args.batch, progress=True)


if __name__ == "__main__":
    main()
