"""publishers."""
