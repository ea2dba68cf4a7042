"""datapackages."""
