"""Index every dataset again, in batches, or only write the ``package_show`` records search results are read
from (what revision 0003 added: rows indexed before it have none, and their results load the slow way).

    python -m portal.search.reindex [--records-only] [--batch 500]     # configured by PORTAL_* variables
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import select, update

from portal.config import Settings
from portal.models import Package, SearchDoc
from portal.search import changes
from portal.search.records import record_json
from portal.services import Services


def reindex_all(services: Services, batch: int = 500, progress: bool = False, records_only: bool = False) -> int:
    """Index every dataset (or write its record), one transaction per ``batch``; returns how many."""
    with services.db.session() as session:
        ids = list(session.scalars(select(Package.id).order_by(Package.id)))
    began = time.perf_counter()
    for start in range(0, len(ids), batch):
        with services.db.session() as session:
            for pkg in session.scalars(select(Package).where(Package.id.in_(ids[start : start + batch]))):
                if records_only:
                    write = update(SearchDoc).where(SearchDoc.package_id == pkg.id).values(data=record_json(pkg))
                    write = write.returning(SearchDoc.id).execution_options(synchronize_session=False)
                    doc_id = session.scalar(write)
                    if doc_id is not None:  # a new record is a new version: caches of the old one must miss
                        changes.note_indexed(session, doc_id)
                else:
                    services.search.index(session, pkg)
        if progress:
            done = min(start + batch, len(ids))
            print(f"{done}/{len(ids)} datasets done ({done / (time.perf_counter() - began):.0f}/s)", flush=True)
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--records-only", action="store_true", help="only write the package_show records")
    args = parser.parse_args()
    services = Services.from_settings(Settings.from_env())
    services.migrate()
    reindex_all(services, args.batch, progress=True, records_only=args.records_only)


if __name__ == "__main__":
    main()
