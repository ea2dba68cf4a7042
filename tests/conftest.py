"""Shared fixtures: the catalogue fixtures serve tests/portal, tests/web, tests/storage and tests/deploy alike."""

pytest_plugins = ["tests.catalogue_fixtures"]
