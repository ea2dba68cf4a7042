"""Frozen copies of released schema versions, compared by ``datapackages schemas check``."""
