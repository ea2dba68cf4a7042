"""What every action receives: who is asking, the unit of work, and the deployment's services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from portal.config import Settings
    from portal.models import User
    from portal.search.base import SearchBackend
    from portal.storage.base import Storage


@dataclass(frozen=True)
class Context:
    """Frozen on purpose: actions pass results back by return value, never through the context."""

    session: Session
    user: User | None
    settings: Settings
    storage: Storage
    search: SearchBackend

    @property
    def is_sysadmin(self) -> bool:
        return bool(self.user and self.user.sysadmin)

    def as_user(self, user: User | None) -> Context:
        return Context(self.session, user, self.settings, self.storage, self.search)
