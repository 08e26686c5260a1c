"""Account operations: password hashing, login with throttling, users, self-registration.

Operations only flush; the caller (one request, one CLI command) commits once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from portal.accounts.models import LoginAttempt, Organisation, User, UserRole
from portal.audit.services import record
from portal.core.dates import utcnow
from portal.core.passwords import hasher
from portal.extensions import db
from portal.flows.roles import EXTERNAL_ROLES, ROLES



_hasher = hasher  # argon2, shared with the signing PINs

MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[a-z0-9_.-]{2,80}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(Exception):
    """A refusal with a message fit to show the user (Indonesian)."""


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, confirm: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    if confirm is not None and password != confirm:
        raise AccountError("Konfirmasi kata sandi tidak sama.")


# --- login throttling ---------------------------------------------------------------------

@dataclass
class LoginResult:
    user: User | None
    error: str | None = None
    locked: bool = False


def _recent_failures(username: str) -> int:
    window = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    return db.session.scalar(
        select(func.count(LoginAttempt.id))
        .where(LoginAttempt.username == username, LoginAttempt.at >= window)
    ) or 0


def authenticate(username: str, password: str, ip_address: str | None) -> LoginResult:
    username = (username or "").strip().lower()
    max_failures = current_app.config["LOGIN_MAX_FAILURES"]
    minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    locked_message = (
        f"Terlalu banyak percobaan masuk yang gagal. Akun dikunci sementara; "
        f"coba lagi dalam {minutes} menit."
    )
    if _recent_failures(username) >= max_failures:
        return LoginResult(None, locked_message, locked=True)

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not password_matches(user, password):
        db.session.add(LoginAttempt(username=username, ip_address=ip_address))
        db.session.flush()
        if _recent_failures(username) >= max_failures:
            record("auth.locked", object_type="user_account", object_id=username,
                   detail={"ip": ip_address})
            return LoginResult(None, locked_message, locked=True)
        return LoginResult(None, "Nama pengguna atau kata sandi salah.")
    if not user.is_enabled:
        return LoginResult(None, "Akun ini dinonaktifkan. Hubungi admin BNSP.")
    if user.email_confirmed_at is None:
        return LoginResult(None, "E-mail belum dikonfirmasi. Buka tautan konfirmasi di e-mail Anda.")

    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    user.last_login_at = utcnow()
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record("auth.login", user, actor=user)
    return LoginResult(user)


# --- users --------------------------------------------------------------------------------

def create_user(username: str, full_name: str, email: str, password: str, roles: list[str],
                organisation: Organisation | None = None, confirmed: bool = True) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("Nama pengguna 2–80 karakter: huruf kecil, angka, titik, garis bawah atau strip.")
    if not EMAIL_RE.match(email or ""):
        raise AccountError("Alamat e-mail tidak valid.")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Peran tidak dikenal: {', '.join(sorted(unknown))}.")
    check_new_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise AccountError("Nama pengguna sudah dipakai.")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        raise AccountError("Alamat e-mail sudah terdaftar.")
    user = User(
        username=username, full_name=full_name.strip(), email=email.strip().lower(),
        password_hash=hash_password(password), organisation=organisation,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    user.roles = [UserRole(role=code) for code in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    record("user.create", user, detail={"roles": sorted(set(roles))})
    return user


def set_roles(user: User, roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Peran tidak dikenal: {', '.join(sorted(unknown))}.")
    before = sorted(user.role_codes)
    keep = [r for r in user.roles if r.role in roles]
    user.roles = keep + [UserRole(role=c) for c in sorted(set(roles) - {r.role for r in keep})]
    db.session.flush()
    record("user.roles", user, detail={"before": before, "after": sorted(set(roles))})


def set_enabled(user: User, enabled: bool) -> None:
    user.is_enabled = enabled
    user.session_version += 1  # logs the user out everywhere
    db.session.flush()
    record("user.enable" if enabled else "user.disable", user)


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    if not password_matches(user, current):
        raise AccountError("Kata sandi saat ini salah.")
    check_new_password(new, confirm)
    user.password_hash = hash_password(new)
    user.session_version += 1
    db.session.flush()
    record("user.password_change", user)


def find_user_for_session(session_id: str) -> User | None:
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    return user


# --- self-registration of external organisations --------------------------------------------

def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def register_organisation(org_name: str, kind: str, org_email: str, phone: str,
                          full_name: str, username: str, email: str, password: str,
                          confirm: str) -> tuple[User, str]:
    """Create the organisation and its first (unconfirmed) account; returns the confirm token."""
    if not org_name.strip():
        raise AccountError("Nama lembaga wajib diisi.")
    if kind not in ("lsp", "clsp"):
        raise AccountError("Jenis lembaga harus LSP atau Calon LSP.")
    if not EMAIL_RE.match(org_email or ""):
        raise AccountError("Alamat e-mail lembaga tidak valid.")
    if not full_name.strip():
        raise AccountError("Nama penanggung jawab wajib diisi.")
    check_new_password(password, confirm)
    org = Organisation(name=org_name.strip(), kind=kind, email=org_email.strip().lower(),
                       phone=phone.strip() or None)
    db.session.add(org)
    db.session.flush()
    user = create_user(username, full_name, email, password, ["lsp"], organisation=org,
                       confirmed=False)
    record("organisation.register", org, actor=user)
    token = _confirm_serializer().dumps({"user": user.id, "email": user.email})
    return user, token


def confirm_email(token: str, max_age_seconds: int = 3 * 24 * 3600) -> User:
    try:
        data = _confirm_serializer().loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise AccountError("Tautan konfirmasi sudah kedaluwarsa. Daftar ulang atau hubungi BNSP.")
    except BadSignature:
        raise AccountError("Tautan konfirmasi tidak sah.")
    user = db.session.get(User, data.get("user"))
    if user is None or user.email != data.get("email"):
        raise AccountError("Tautan konfirmasi tidak sah.")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record("user.email_confirmed", user, actor=user)
    return user


def users_page(page: int, per_page: int = 50):
    return db.paginate(select(User).order_by(User.username), page=page, per_page=per_page,
                       error_out=False)


def is_external(user: User) -> bool:
    return bool(user.role_codes & set(EXTERNAL_ROLES))
