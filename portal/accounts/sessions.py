"""Server-side login sessions: the signed cookie holds only a random token; the row it points at
decides whether the session still exists. Logout ends the row, a password change ends them all."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import delete, or_, select, update

from portal.accounts.models import User, UserSession
from portal.core.dates import utcnow
from portal.extensions import db

SESSION_TOKEN_KEY = "_sid"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, ip_address: str | None) -> None:
    """Begin a fresh session for ``user``: whatever the cookie held before (a planted session id,
    the anonymous CSRF token) is dropped, so nothing from before the login carries over."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_digest(token), user_id=user.id, ip_address=ip_address))
    db.session.flush()
    session[SESSION_TOKEN_KEY] = token


def _oldest_valid(now=None):
    """Sessions started before this have ended on their own (SESSION_MAX_HOURS)."""
    return (now or utcnow()) - timedelta(hours=current_app.config.get("SESSION_MAX_HOURS", 12))


def current_row() -> UserSession | None:
    token = session.get(SESSION_TOKEN_KEY)
    if not token:
        return None
    # An absolute lifetime too: a forgotten browser does not stay signed in for ever.
    oldest = _oldest_valid()
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token),
                                                       UserSession.ended_at.is_(None),
                                                       UserSession.created_at >= oldest))


def end_current() -> None:
    row = current_row()
    if row is not None:
        row.ended_at = utcnow()
        db.session.flush()
    session.clear()


def end_all(user: User) -> None:
    """End every session of ``user`` (password change, reset, account disabled)."""
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def user_of_current_session(user_id: int) -> User | None:
    row = current_row()
    if row is None or row.user_id != user_id:
        return None
    return db.session.get(User, user_id)


def prune_expired(now=None) -> int:
    """Delete the session rows that can never sign anyone in again: ended (logout, password change)
    or past their absolute lifetime. Returns how many were removed (run nightly by the worker)."""
    result = db.session.execute(delete(UserSession).where(or_(UserSession.ended_at.is_not(None),
                                                              UserSession.created_at < _oldest_valid(now))))
    return result.rowcount or 0
