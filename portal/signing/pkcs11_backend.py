"""Signing with a key held on a PKCS#11 token (an HSM, a smart card, or SoftHSM2 in development).

The key never leaves the token; pyHanko asks the token to sign. The PIN is passed straight to
the token login and kept nowhere else: not on the signer, not in logs, not in error messages.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pkcs11 import exceptions as p11_exc
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from portal.signing.pades import SigningError

DEFAULT_SOFTHSM2_LIB = "/usr/lib/softhsm/libsofthsm2.so"


class Pkcs11Error(SigningError):
    """A token problem explained to the signer in Bahasa Indonesia."""


@contextmanager
def open_pkcs11_signer(lib_path: str, token_label: str, key_label: str, pin: str,
                       cert_label: str | None = None) -> Iterator[PKCS11Signer]:
    """Log in to the token labelled ``token_label`` and yield a pyHanko signer for its key.

    The certificate is looked up under ``cert_label`` (default: the key's label); every other
    certificate on the token is offered as part of the chain. The session is closed on exit.
    """
    try:
        session = open_pkcs11_session(
            lib_path, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except (p11_exc.PinIncorrect, p11_exc.PinInvalid, p11_exc.PinLenRange):
        raise Pkcs11Error("PIN token salah.") from None
    except p11_exc.PinLocked:
        raise Pkcs11Error("PIN token terkunci. Hubungi admin keamanan.") from None
    except (p11_exc.PKCS11Error, RuntimeError, OSError):
        # RuntimeError/OSError: the module itself could not be loaded.
        # Retryable: with a network HSM this is usually an outage, not a configuration error.
        raise Pkcs11Error(f"Token PKCS#11 \"{token_label}\" tidak dapat dibuka.",
                          retryable=True) from None
    try:
        signer = PKCS11Signer(
            session, cert_label=cert_label or key_label, key_label=key_label,
            other_certs_to_pull=None,  # None: pull every certificate, so the chain is embedded
        )
        signer.signing_cert  # load key and certificate now, so a wrong label fails here
    except (p11_exc.PKCS11Error, PyHankoSigningError):
        session.close()
        raise Pkcs11Error(
            f"Kunci atau sertifikat \"{key_label}\" tidak ditemukan pada token.") from None
    try:
        yield signer
    finally:
        session.close()
