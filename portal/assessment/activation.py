"""Account activation for participants: a single-use link that expires, with which the person sets
their own password. No password ever travels by e-mail.

One token mechanism for the whole portal: the link carries the accounts area's signed token
(portal/accounts/passwords.py, purpose "activation"): it expires after ACTIVATION_HOURS and is bound
to the account's current password hash, so it stops working the moment a password is set (single
use). Nothing about it is stored; this module only words the participant's page around it."""
from __future__ import annotations

from datetime import datetime

from portal.accounts import passwords
from portal.audit.services import record as audit
from portal.core.dates import utcnow
from portal.extensions import db

VALID_HOURS = passwords.ACTIVATION_HOURS


class ActivationInvalid(Exception):
    pass


def activation_link(user) -> str:
    """The participant's link to set their own password (portal/accounts/passwords.make_token)."""
    from flask import current_app

    token = passwords.make_token(user, "activation")
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/aktivasi/{token}"


def token_for(token: str):
    """The account a still-valid, unused activation link belongs to, else ActivationInvalid."""
    user = passwords.user_for_token(token or "", purpose="activation")
    if user is None:
        raise ActivationInvalid(f"Tautan aktivasi tidak berlaku: sudah dipakai atau sudah kedaluwarsa (berlaku "
                                f"{VALID_HOURS // 24} hari). Minta tautan baru kepada LSP Anda atau petugas BNSP, "
                                "atau pakai “Lupa kata sandi” di halaman masuk.")
    return user


def activate(token: str, password: str, confirm: str, *, now: datetime | None = None):
    """Set the person's own password, which spends the link; returns the user."""
    from portal.accounts.services import check_new_password, hash_password

    now = now or utcnow()
    user = token_for(token)
    check_new_password(password, confirm)
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.email_confirmed_at = user.email_confirmed_at or now
    db.session.flush()
    audit("user.activate", user, actor=user)
    return user
