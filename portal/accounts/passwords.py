"""Passwords: argon2 hashing, the NIST SP 800-63B style policy (length, common and context
passwords, no composition rules), and single-use, expiring reset / activation links."""
from __future__ import annotations

import hashlib
import time

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.accounts.models import User
from portal.core.passwords import hasher

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
MIN_STRENGTH = 3  # zxcvbn score 0..4; 3 = about 10^8 guesses or more
RESET_HOURS = 2
ACTIVATION_HOURS = 72

# Words zxcvbn's (English) lists lack but Indonesian users reach for first; treated as common.
COMMON_WORDS = (
    "sayang", "rahasia", "indonesia", "bismillah", "merdeka", "jakarta", "bandung", "surabaya",
    "garuda", "pancasila", "cinta", "selamat", "katasandi", "sandi", "masuk", "admin", "bnsp",
    "portal", "sertifikasi", "kompetensi", "lisensi", "asesor", "alhamdulillah", "allahuakbar",
)
ADVICE = ("Gunakan sedikitnya 10 karakter; beberapa kata acak yang mudah Anda ingat "
          "(misalnya “kopi pagi di teras hujan”) lebih kuat daripada satu kata dengan angka atau simbol.")


class PasswordRefused(Exception):
    """The new password does not meet the policy; the message explains why (Indonesian)."""


_hasher = hasher  # the one argon2 hasher (portal.core.passwords), shared with the signing PINs


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _context_words(context) -> list[str]:
    words = []
    for value in context:
        value = (value or "").lower()
        words.append(value)
        words += [w for w in value.replace("@", " ").replace(".", " ").replace("_", " ").split() if len(w) > 2]
    return [w for w in words if w]


def check_new_password(password: str, confirm: str | None = None, *, context=()) -> None:
    """Refuse short, common or guessable passwords, with the reason in Indonesian. ``context``
    holds what an attacker knows of the person (username, name, e-mail)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(f"Kata sandi terlalu pendek: minimal {MIN_PASSWORD_LENGTH} karakter. {ADVICE}")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRefused(f"Kata sandi terlalu panjang: maksimal {MAX_PASSWORD_LENGTH} karakter.")
    if confirm is not None and password != confirm:
        raise PasswordRefused("Konfirmasi kata sandi tidak sama.")
    from zxcvbn import zxcvbn

    personal = _context_words(context)
    result = zxcvbn(password[:100], user_inputs=personal + list(COMMON_WORDS))
    if result["score"] >= MIN_STRENGTH:
        return
    matched = {m.get("matched_word") for m in result["sequence"] if m.get("pattern") == "dictionary"}
    patterns = {m.get("pattern") for m in result["sequence"]}
    if matched & set(personal):
        reason = "memuat nama, nama pengguna, atau alamat e-mail Anda sehingga mudah ditebak."
    elif any(m.get("dictionary_name") == "passwords" for m in result["sequence"]) or matched & set(COMMON_WORDS):
        reason = "termasuk kata sandi yang umum dipakai dan ada dalam daftar tebakan para peretas."
    elif patterns & {"sequence", "repeat", "spatial"}:
        reason = "memakai urutan atau pengulangan (seperti 12345, aaaa, atau qwerty) yang mudah ditebak."
    elif "date" in patterns:
        reason = "memakai tanggal atau tahun yang mudah ditebak."
    else:
        reason = "mudah ditebak."
    raise PasswordRefused(f"Kata sandi ini {reason} {ADVICE}")


# --- reset and activation links ------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    # Bound to the current hash: once the password is set, the link no longer matches (single use).
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def make_token(user: User, purpose: str = "reset") -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user), "p": purpose})


def user_for_token(token: str, *, purpose: str | None = None) -> User | None:
    """The user a still-valid, unused link belongs to (of this purpose, when given), else None.

    The one single-use, expiring link of the portal: password reset, account activation (a new
    CLSP contact, a participant approved on D7 A — portal/assessment/activation.py)."""
    from portal.extensions import db

    try:
        data, signed_at = _serializer().loads(token, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or (purpose is not None and data.get("p") != purpose):
        return None
    hours = ACTIVATION_HOURS if data.get("p") == "activation" else RESET_HOURS
    if time.time() - signed_at.timestamp() > hours * 3600:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_enabled or data.get("f") != _fingerprint(user):
        return None
    return user
