"""API tokens: ``<id>.<secret>``, of which only a SHA-256 of the secret is stored.

The secret has 256 bits of entropy, so a fast hash is right here (unlike passwords): lookups stay cheap on
every API call and a stolen table still yields no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from portal.models import ApiToken, User, new_id, utcnow

PREFIX = "nyy_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    secret = secrets.token_urlsafe(32)
    token = ApiToken(id=new_id(), user_id=user.id, name=name, secret_hash=_digest(secret))
    session.add(token)
    session.flush()
    return token, f"{PREFIX}{token.id}.{secret}"


def split(raw: str) -> tuple[str, str] | None:
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw.startswith(PREFIX) or "." not in raw:
        return None
    token_id, secret = raw[len(PREFIX) :].split(".", 1)
    return token_id, secret


def authenticate(session: Session, raw: str) -> User | None:
    """The token's active user, or ``None`` for a missing, malformed, revoked or wrong token."""
    parts = split(raw)
    if parts is None:
        return None
    token = session.get(ApiToken, parts[0])
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(parts[1])):
        return None
    if token.user.state != "active":
        return None
    now = utcnow()
    if token.last_access is None or (now - token.last_access).total_seconds() > 60:
        token.last_access = now  # coarse, so a busy token does not write on every call
    return token.user
