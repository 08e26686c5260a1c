"""Who may see a signed document in full: whoever holds its QR code. The QR's address carries
``?k=<token>``, an HMAC of the public id under a key derived from the portal's offline signing
key (kept on the server, never in the database). Walking ids or registry numbers gives no token,
so it gives only the masked page: never the unmasked name, never the PDF."""
from __future__ import annotations

import hashlib
import hmac
import re

from cryptography.hazmat.primitives import serialization

from portal.verification import offline

TOKEN_LENGTH = 22  # base64url characters: 132 bits
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{%d}$" % TOKEN_LENGTH)
_keys: dict[str, bytes] = {}


def _key() -> bytes:
    signing = offline.signing_key()
    key = _keys.get(signing.key_id)
    if key is None:
        raw = signing.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                            serialization.NoEncryption())
        key = hashlib.sha256(b"bnsp-qr-access|" + raw).digest()
        _keys[signing.key_id] = key
    return key


def derived_key(purpose: bytes) -> bytes:
    """A key of its own for another use of the same secret (e.g. sealing upload results)."""
    return hmac.new(_key(), b"purpose|" + purpose, hashlib.sha256).digest()


def token_for(public_id: str) -> str:
    digest = hmac.new(_key(), f"qr|{public_id}".encode(), hashlib.sha256).digest()
    return offline.b64url(digest)[:TOKEN_LENGTH]


def holds_qr(public_id: str, token: str | None) -> bool:
    if not token or not _TOKEN.match(token):
        return False
    return hmac.compare_digest(token_for(public_id), token)
