"""Password hashing with werkzeug's salted scrypt; never stored or returned in clear."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored, password)
