"""The deployment's long-lived services, built once from settings: database, storage, search."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from portal.config import Settings
from portal.context import Context
from portal.db import Database, upgrade
from portal.models import User
from portal.search import SearchBackend, make_search
from portal.storage import Storage, make_storage


@dataclass
class Services:
    settings: Settings
    db: Database
    storage: Storage
    search: SearchBackend

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        db = Database(settings.database_url)
        search = make_search(
            db.dialect,
            settings.search_memory,
            settings.search_cache,
            settings.record_cache,
            settings.search_shared_cache,
            database=settings.database_url,
        )
        return cls(settings, db, make_storage(settings), search)

    def migrate(self) -> None:
        upgrade(self.db.engine)

    @contextmanager
    def system_context(self, name: str, fullname: str) -> Iterator[Context]:
        """A context acting as the built-in sysadmin ``name`` (created on first use): the CLI and demo loader."""
        from sqlalchemy import select

        with self.context() as ctx:
            user = ctx.session.scalar(select(User).where(User.name == name))
            if user is None:
                user = User(name=name, sysadmin=True, fullname=fullname)
                ctx.session.add(user)
                ctx.session.flush()
            yield ctx.as_user(user)

    @contextmanager
    def context(self, user: User | None = None) -> Iterator[Context]:
        """An action context outside a request (CLI, tests, seeding); commits when the block ends."""
        with self.db.session() as session:
            if user is not None:
                user = session.merge(user)
            yield Context(session, user, self.settings, self.storage, self.search)
