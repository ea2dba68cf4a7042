"""The search index in each process's memory, kept in step with the database (see :mod:`.index`)."""

from portal.search.memory.index import MemoryIndex

__all__ = ["MemoryIndex"]
