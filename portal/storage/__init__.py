"""Where resource files live: local files by default, chosen by configuration."""

from __future__ import annotations

from portal.config import Settings
from portal.storage.base import Storage, StoredObject
from portal.storage.local import LocalStorage


def make_storage(settings: Settings) -> Storage:
    return LocalStorage(settings.storage_path)


__all__ = ["LocalStorage", "Storage", "StoredObject", "make_storage"]
