"""Account activation for participants: a single-use link that expires, with which the person sets
their own password. No password ever travels by e-mail.

`activation_link(user)` is the one entry point (the lead will unify it with the password reset tokens
of the security branch); only the token's SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.assessment.models import ActivationToken
from portal.audit.services import record as audit
from portal.core.dates import utcnow
from portal.extensions import db

VALID_FOR = timedelta(days=7)


class ActivationInvalid(Exception):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def activation_link(user, *, now: datetime | None = None) -> str:
    """A new single-use link for `user` (earlier unused links of theirs stop working)."""
    from flask import current_app

    now = now or utcnow()
    db.session.execute(update(ActivationToken).where(ActivationToken.user_id == user.id,
                                                     ActivationToken.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    db.session.add(ActivationToken(token_hash=_hash(token), user_id=user.id, created_at=now,
                                   expires_at=now + VALID_FOR))
    db.session.flush()
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/aktivasi/{token}"


def token_for(token: str, *, now: datetime | None = None) -> ActivationToken:
    found = db.session.scalar(select(ActivationToken).where(ActivationToken.token_hash == _hash(token or "")))
    if found is None or found.used_at is not None:
        raise ActivationInvalid("Tautan aktivasi tidak berlaku atau sudah dipakai. Minta tautan baru kepada "
                                "LSP Anda atau petugas BNSP.")
    if found.expires_at <= (now or utcnow()):
        raise ActivationInvalid("Tautan aktivasi sudah kedaluwarsa (berlaku 7 hari). Minta tautan baru.")
    return found


def activate(token: str, password: str, confirm: str, *, now: datetime | None = None):
    """Set the person's own password and spend the link; returns the user."""
    from portal.accounts.models import User
    from portal.accounts.services import check_new_password, hash_password

    now = now or utcnow()
    found = token_for(token, now=now)
    check_new_password(password, confirm)
    user = db.session.get(User, found.user_id)
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.email_confirmed_at = user.email_confirmed_at or now
    found.used_at = now
    db.session.flush()
    audit("user.activate", user, actor=user)
    return user
