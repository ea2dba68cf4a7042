"""Fill a catalogue with generated datasets, fast: the portal's own models and search indexing, in big batches.

``package_create`` for 100,000 datasets would spend most of its time in per-request validation; this bulk path
builds the same model objects the action builds and indexes every dataset through the portal's own
``services.search.index``, committing every ``--batch`` datasets. ``--via-actions`` goes through
``package_create`` instead (slow; for checking that both paths give the same search results).

    python -m bench.catalogue.load --database-url sqlite:////tmp/nyy_bench/10k.db --count 10000
    python -m bench.catalogue.load --database-url postgresql://postgres@127.0.0.1:5432/nyy_bench \\
        --count 90000 --start 10000
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.catalogue.generate import datasets
from bench.catalogue.vocabulary import ORGANIZATIONS, THEMES
from portal.actions import registry
from portal.config import Settings
from portal.models import Group, Package, PackageGroup, PackageTag, Resource, Tag, User
from portal.services import Services

LOADER_USER = "bench-loader"


def services_for(database_url: str, storage: Path) -> Services:
    settings = Settings.from_env(
        database_url=database_url,
        storage_path=storage,
        site_url="http://127.0.0.1:8000",
        secret_key="bench-not-secret",
    )
    svc = Services.from_settings(settings)
    svc.migrate()
    return svc


def ensure_publishers(svc: Services) -> None:
    """Partners and themes through the real actions (they are few); a sysadmin to own the datasets."""
    with svc.context() as ctx:
        user = ctx.session.scalar(select(User).where(User.name == LOADER_USER))
        if user is None:
            user = User(name=LOADER_USER, sysadmin=True, fullname="Benchmark loader")
            ctx.session.add(user)
            ctx.session.flush()
        admin = ctx.as_user(user)
        orgs = set(registry.call("organization_list", admin, {}))
        for name, title, _ in ORGANIZATIONS:
            if name not in orgs:
                registry.call("organization_create", admin, {"name": name, "title": title})
        groups = set(registry.call("group_list", admin, {}))
        for name, (title, _) in THEMES.items():
            if name not in groups:
                registry.call("group_create", admin, {"name": name, "title": title})


class BulkWriter:
    """Holds one session whose partner, theme and tag objects stay attached across batches."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.session: Session = svc.db.sessions()
        self.user = self.session.scalar(select(User).where(User.name == LOADER_USER))
        self.groups = {g.name: g for g in self.session.scalars(select(Group))}
        self.tags = {t.name: t for t in self.session.scalars(select(Tag).where(Tag.vocabulary_id.is_(None)))}

    def write(self, items: list[dict[str, Any]]) -> None:
        packages = [self.package(item) for item in items]
        self.session.add_all(packages)
        self.session.flush()
        for pkg in packages:
            self.svc.search.index(self.session, pkg)
        self.session.commit()
        keep = (Group, Tag, User)
        for obj in list(self.session.identity_map.values()):
            if not isinstance(obj, keep) and obj in self.session:
                self.session.expunge(obj)  # packages and their rows: memory stays flat over 100k

    def package(self, item: dict[str, Any]) -> Package:
        org = self.groups[item["owner_org"]]
        pkg = Package(
            id=str(uuid.uuid4()),
            type="dataset",
            state="active",
            owner_org=org.id,
            creator_user_id=self.user.id,
            extras={e["key"]: e["value"] for e in item["extras"]},
            **{k: item.get(k) for k in PLAIN_FIELDS},
        )
        pkg.organization = org
        pkg.tags = [PackageTag(tag=self.tag(t["name"]), position=i) for i, t in enumerate(item["tags"])]
        pkg.groups = [PackageGroup(group=self.groups[g["name"]]) for g in item["groups"]]
        pkg.resources = [self.resource(pkg, i, r) for i, r in enumerate(item["resources"])]
        return pkg

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            self.tags[name] = Tag(id=str(uuid.uuid4()), name=name)
            self.session.add(self.tags[name])
        return self.tags[name]

    @staticmethod
    def resource(pkg: Package, position: int, item: dict[str, Any]) -> Resource:
        when = pkg.metadata_modified
        return Resource(
            id=str(uuid.uuid4()),
            package_id=pkg.id,
            position=position,
            created=when,
            metadata_modified=when,
            state="active",
            hash="",
            extras={},
            **{k: item[k] for k in ("name", "url", "format", "description", "size")},
        )

    def close(self) -> None:
        self.session.close()


PLAIN_FIELDS = ("name", "title", "notes", "license_id", "private", "author", "maintainer", "maintainer_email",
                "version", "metadata_created", "metadata_modified")  # fmt: skip


def bulk_load(svc: Services, items: Iterable[dict[str, Any]], batch: int) -> int:
    writer = BulkWriter(svc)
    done, chunk = 0, []
    try:
        for item in items:
            chunk.append(item)
            if len(chunk) >= batch:
                writer.write(chunk)
                done += len(chunk)
                chunk = []
        if chunk:
            writer.write(chunk)
            done += len(chunk)
    finally:
        writer.close()
    return done


def action_load(svc: Services, items: Iterable[dict[str, Any]]) -> int:
    """The slow, reference path: every dataset through ``package_create`` as the loader sysadmin."""
    done = 0
    with svc.context() as ctx:
        admin = ctx.as_user(ctx.session.scalar(select(User).where(User.name == LOADER_USER)))
        for item in items:
            data = {k: v for k, v in item.items() if not k.startswith("metadata_")}
            registry.call("package_create", admin, data)
            done += 1
    return done


@click.command()
@click.option("--database-url", required=True, help="sqlite:///PATH or postgresql://...")
@click.option("--count", type=click.IntRange(min=1), required=True, help="How many datasets to add.")
@click.option("--start", type=click.IntRange(min=0), default=0, help="Number of the first dataset (to top up).")
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--batch", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--storage", type=click.Path(path_type=Path), default=Path("/tmp/nyy_bench/files"))
@click.option("--via-actions", is_flag=True, help="Use package_create for every dataset (slow).")
def main(database_url: str, count: int, start: int, seed: int, batch: int, storage: Path, via_actions: bool) -> None:
    """Add COUNT generated datasets to the catalogue at DATABASE_URL (created and migrated if needed)."""
    svc = services_for(database_url, storage)
    ensure_publishers(svc)
    rng = np.random.default_rng([seed, start])
    began = time.perf_counter()
    items = datasets(count, rng, start)
    done = action_load(svc, items) if via_actions else bulk_load(svc, items, batch)
    seconds = time.perf_counter() - began
    click.echo(f"added {done} datasets in {seconds:.1f} s ({done / seconds:.0f}/s) to {svc.db.dialect}")


if __name__ == "__main__":
    main()
