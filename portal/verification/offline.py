"""Offline check of a signed document: a compact Ed25519-signed payload carried in the QR code.

The QR of every signed document points at ``{PUBLIC_BASE_URL}/v/<public_id>#p=<payload>``. The
payload lets anyone confirm, without reaching the portal, that BNSP issued a document with this
id, number, type, holder and validity (``/v/offline`` does it in the browser with WebCrypto).

Canonical form (UTF-8, fields joined by ``|``; the Ed25519 signature covers exactly these bytes)::

    1|<public_id>|<type code>|<number>|<holder hash>|<valid from>|<valid until>|<key id>

- type code: one letter (see ``TYPE_CODES``); holder hash: base64url of the first 6 bytes of
  SHA-256 over the normalised holder name (NFKC, case-folded, single spaces), "" without holder;
- dates as YYYYMMDD or ""; key id: first 4 bytes of SHA-256 of the raw public key, in hex.

The payload is ``base64url(canonical || signature)`` without padding (the signature is the last
64 bytes). The signing key is generated on first use at ``OFFLINE_KEY_PATH`` (config), by default
``<STORAGE_DIR>/../signing/offline-ed25519.pem`` (mode 0600, never in the repository); its public
half is published at ``/v/kunci-publik``.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

FORMAT_VERSION = "1"
SEPARATOR = "|"
SIGNATURE_BYTES = 64
HOLDER_HASH_BYTES = 6
KEY_FILENAME = "offline-ed25519.pem"
# Short codes keep the QR small; the page shows the full label.
TYPE_CODES = {
    "letter": "L", "undangan": "U", "spt": "T", "sk": "K", "certificate": "C",
    "licence_certificate": "N",
}
CODE_TYPES = {code: kind for kind, code in TYPE_CODES.items()}
_DATE = re.compile(r"^(\d{8})?$")
_KID = re.compile(r"^[0-9a-f]{8}$")


@dataclass(frozen=True)
class OfflineKey:
    private: Ed25519PrivateKey
    public_raw: bytes
    key_id: str

    @property
    def public_pem(self) -> str:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    @property
    def public_b64(self) -> str:
        return b64url(self.public_raw)


_cache: dict[tuple, OfflineKey] = {}
_lock = threading.Lock()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("payload is not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_path() -> Path:
    configured = current_app.config.get("OFFLINE_KEY_PATH")
    if configured:
        return Path(configured)
    return Path(current_app.config["STORAGE_DIR"]).resolve().parent / "signing" / KEY_FILENAME


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:8]


def _generate(path: Path) -> None:
    """Write a new key without ever exposing a half-written file: several gunicorn workers may
    race here on first use; os.link() lets exactly one of them win, the others read its key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def signing_key() -> OfflineKey:
    """The portal's offline-payload key, created on first use.

    Cached per process by its configured location, so the QR landing page touches no file; a
    replaced key file is picked up on restart.
    """
    config = current_app.config
    cache_key = (config.get("OFFLINE_KEY_PATH"), config.get("STORAGE_DIR"))
    key = _cache.get(cache_key)
    if key is not None:
        return key
    with _lock:
        path = key_path()
        if not path.exists():
            _generate(path)
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise RuntimeError(f"{path} is not an Ed25519 private key")
        raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
        key = OfflineKey(private, raw, key_id_of(raw))
        _cache[cache_key] = key
        return key


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def holder_hash(name: str | None) -> str:
    if not name or not name.strip():
        return ""
    return b64url(hashlib.sha256(normalise_name(name).encode()).digest()[:HOLDER_HASH_BYTES])


def _date_field(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _parse_date(text: str) -> date | None:
    if not text:
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def canonical_fields(request, kid: str) -> list[str]:
    code = TYPE_CODES.get(request.doc_type)
    if code is None:
        raise ValueError(f"unknown document type {request.doc_type!r}")
    fields = [FORMAT_VERSION, request.public_id or "", code, (request.number or "").strip(),
              holder_hash(request.holder_name), _date_field(request.valid_from),
              _date_field(request.valid_until), kid]
    if not fields[1]:
        raise ValueError("the document has no public id yet")
    if any(SEPARATOR in f for f in fields):
        raise ValueError("a payload field contains the separator '|'")
    return fields


def make_payload(request) -> str:
    """The signed payload for the QR of ``request`` (a SignatureRequest): base64url text."""
    key = signing_key()
    message = SEPARATOR.join(canonical_fields(request, key.key_id)).encode("utf-8")
    return b64url(message + key.private.sign(message))


def verify_payload(payload: str) -> dict:
    """Check a payload against the published key; ValueError says why it is not acceptable.

    Returns ``{"public_id", "doc_type", "number", "holder_hash", "valid_from", "valid_until",
    "key_id", "version"}`` (dates as ``datetime.date`` or None).
    """
    if not isinstance(payload, str) or not payload or len(payload) > 1024:
        raise ValueError("empty or oversized payload")
    raw = b64url_decode(payload.strip())
    if len(raw) <= SIGNATURE_BYTES:
        raise ValueError("payload too short")
    message, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    try:
        fields = message.decode("utf-8").split(SEPARATOR)
    except UnicodeDecodeError:
        raise ValueError("payload is not UTF-8") from None
    if len(fields) != 8 or fields[0] != FORMAT_VERSION:
        raise ValueError("unknown payload format")
    version, public_id, code, number, hhash, valid_from, valid_until, kid = fields
    if code not in CODE_TYPES or not _KID.match(kid) or not (
            _DATE.match(valid_from) and _DATE.match(valid_until)):
        raise ValueError("malformed payload field")
    key = signing_key()
    if not secrets.compare_digest(kid, key.key_id):
        raise ValueError("payload signed with an unknown key")
    try:
        Ed25519PublicKey.from_public_bytes(key.public_raw).verify(signature, message)
    except InvalidSignature:
        raise ValueError("signature does not match") from None
    try:
        dates = _parse_date(valid_from), _parse_date(valid_until)
    except ValueError:
        raise ValueError("malformed date in payload") from None
    return {
        "version": int(version), "public_id": public_id, "doc_type": CODE_TYPES[code],
        "number": number, "holder_hash": hhash, "valid_from": dates[0], "valid_until": dates[1],
        "key_id": kid,
    }
