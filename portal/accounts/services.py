"""Account operations: password hashing, login with throttling, users, self-registration.

Operations only flush; the caller (one request, one CLI command) commits once.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.accounts import passwords, sessions
from portal.accounts.passwords import _hasher, hash_password, password_matches  # noqa: F401
from portal.accounts.models import LoginAttempt, Organisation, User, UserRole
from portal.audit.services import record
from portal.core.dates import utcnow
from portal.extensions import db
from portal.flows.roles import EXTERNAL_ROLES, ROLES



USERNAME_RE = re.compile(r"^[a-z0-9_.-]{2,80}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(Exception):
    """A refusal with a message fit to show the user (Indonesian)."""


class AlreadyRegistered(AccountError):
    """The username or e-mail of a registration is taken. The page must not say so (that would
    list accounts); the owner of the e-mail address is told instead."""

    def __init__(self, email: str, reason: str):
        super().__init__(reason)
        self.email = email
        self.reason = reason


def check_new_password(password: str, confirm: str | None = None, context=()) -> None:
    try:
        passwords.check_new_password(password, confirm, context=context)
    except passwords.PasswordRefused as exc:
        raise AccountError(str(exc)) from None


# --- login throttling ---------------------------------------------------------------------

@dataclass
class LoginResult:
    user: User | None
    error: str | None = None
    locked: bool = False


MSG_WRONG = "Nama pengguna atau kata sandi salah."
MSG_CLIENT_LOCKED = ("Terlalu banyak percobaan masuk yang gagal dari alamat Anda. Tunggu {} menit "
                     "lalu coba lagi.")
MSG_ACCOUNT_LOCKED = ("Terlalu banyak percobaan masuk yang gagal. Akun dikunci sementara; "
                      "coba lagi dalam {} menit.")


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                          parallelism=parallelism).hash(secrets.token_urlsafe(16))


def _spend_like_a_check(password: str) -> None:
    """An unknown user costs the same argon2 work as a known one: no usernames by timing."""
    hasher = _hasher()
    try:
        hasher.verify(_dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism), password)
    except (VerificationError, InvalidHashError):
        pass


def _attempts(*condition) -> int:
    window = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    return db.session.scalar(select(func.count(LoginAttempt.id))
                             .where(LoginAttempt.at >= window, *condition)) or 0


def _record_lock(username: str, ip_address: str | None) -> None:
    # Parallel guesses may both reach this line; on SQLite (no chain lock) the second append
    # collides with the first or finds the file locked, and one entry for the lock is enough.
    try:
        with db.session.begin_nested():
            record("auth.locked", object_type="user_account", object_id=username,
                   detail={"ip": ip_address})
    except (IntegrityError, OperationalError):
        pass


def authenticate(username: str, password: str, ip_address: str | None) -> LoginResult:
    """Check a login. The attempt is committed *before* the password is checked, and the limits
    are read after: with N parallel guesses the k-th committed one sees at least k attempts, so
    no more than the limit are ever checked, whatever the number of workers."""
    username = (username or "").strip().lower()[:80]
    config = current_app.config
    minutes = config["LOGIN_LOCK_MINUTES"]
    attempt = LoginAttempt(username=username, ip_address=ip_address)
    db.session.add(attempt)
    db.session.commit()  # deliberate: the count must be visible to every worker at once
    if ip_address and _attempts(LoginAttempt.ip_address == ip_address) > config["LOGIN_CLIENT_MAX_FAILURES"]:
        # This client is over its own limit: refused without touching the account's counter,
        # so one client cannot lock everyone out.
        db.session.delete(attempt)
        db.session.commit()
        return LoginResult(None, MSG_CLIENT_LOCKED.format(minutes), locked=True)
    failures = _attempts(LoginAttempt.username == username)
    if failures > config["LOGIN_MAX_FAILURES"]:
        if failures == config["LOGIN_MAX_FAILURES"] + 1:
            _record_lock(username, ip_address)
        return LoginResult(None, MSG_ACCOUNT_LOCKED.format(minutes), locked=True)

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        _spend_like_a_check(password)
        return LoginResult(None, MSG_WRONG)
    if not password_matches(user, password):
        return LoginResult(None, MSG_WRONG)
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
                organisation: Organisation | None = None, confirmed: bool = True,
                enforce_policy: bool = True) -> User:
    """``enforce_policy=False`` only for the documented demo accounts and random passwords."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("Nama pengguna 2–80 karakter: huruf kecil, angka, titik, garis bawah atau strip.")
    if not EMAIL_RE.match(email or ""):
        raise AccountError("Alamat e-mail tidak valid.")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Peran tidak dikenal: {', '.join(sorted(unknown))}.")
    if enforce_policy:
        check_new_password(password, context=(username, full_name, email))
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
    sessions.end_all(user)
    db.session.flush()
    record("user.enable" if enabled else "user.disable", user)


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    if not password_matches(user, current):
        raise AccountError("Kata sandi saat ini salah.")
    _set_password(user, new, confirm)
    record("user.password_change", user)


def _set_password(user: User, new: str, confirm: str) -> None:
    check_new_password(new, confirm, context=(user.username, user.full_name, user.email))
    user.password_hash = hash_password(new)
    user.session_version += 1
    sessions.end_all(user)  # the caller starts a fresh session for this browser, if any
    db.session.flush()


def request_password_reset(login_or_email: str) -> tuple[User, str] | None:
    """(user, link token) for an enabled account with this username or e-mail, else None.
    The caller answers the same either way, so the page reveals no account."""
    wanted = (login_or_email or "").strip().lower()[:254]
    if not wanted:
        return None
    user = db.session.scalar(select(User).where(
        (User.username == wanted) | (func.lower(User.email) == wanted)))
    if user is None or not user.is_enabled:
        return None
    record("user.password_reset_requested", user, actor=user)
    return user, passwords.make_token(user)


def activation_token(user: User) -> str:
    """The link a new account (participant, CLSP contact) sets its first password with."""
    return passwords.make_token(user, "activation")


def reset_password(token: str, new: str, confirm: str) -> User:
    user = passwords.user_for_token(token)
    if user is None:
        raise AccountError("Tautan atur ulang kata sandi tidak sah, sudah dipakai, atau sudah "
                           "kedaluwarsa. Minta tautan baru.")
    _set_password(user, new, confirm)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link reached the mailbox: it is confirmed
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == user.username))
    record("user.password_reset", user, actor=user)
    return user


def find_user_for_session(session_id: str) -> User | None:
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = sessions.user_of_current_session(user_id)
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
    username, email = username.strip().lower(), (email or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("Nama pengguna 2–80 karakter: huruf kecil, angka, titik, garis bawah atau strip.")
    if not EMAIL_RE.match(email):
        raise AccountError("Alamat e-mail tidak valid.")
    check_new_password(password, confirm, context=(username, full_name, email, org_name))
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        hash_password(password)  # the same work as a registration that goes through
        raise AlreadyRegistered(email, "alamat e-mail ini sudah terdaftar pada akun lain")
    if db.session.scalar(select(User.id).where(User.username == username)):
        hash_password(password)
        raise AlreadyRegistered(email, f"nama pengguna “{username}” sudah dipakai; daftar ulang "
                                       "dengan nama pengguna lain")
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
