"""Test helpers: a throw-away SoftHSM2 token holding a signing key + certificate, and a sample PDF.

The token is set up the way an administrator would do it by hand: ``softhsm2-util`` creates the
token and imports the key, ``pkcs11-tool`` (OpenSC) writes the certificates.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from portal.signing import devpki
from portal.signing.pkcs11_backend import DEFAULT_SOFTHSM2_LIB


def softhsm_missing_reason() -> str | None:
    """Why a SoftHSM2 token cannot be made on this machine, or None when it can."""
    if not shutil.which("softhsm2-util") or not Path(DEFAULT_SOFTHSM2_LIB).exists():
        return "softhsm2-util / libsofthsm2.so not installed (Debian package softhsm2)"
    if not shutil.which("pkcs11-tool"):
        return "pkcs11-tool not installed (Debian package opensc)"
    return None


@dataclass(frozen=True)
class SoftHsmToken:
    conf_path: Path
    lib_path: str
    label: str
    pin: str
    key_label: str


def create_softhsm_token(directory: Path, signer: devpki.Issued, chain: list[x509.Certificate],
                         *, label: str = "BNSP-TEST", pin: str = "123456",
                         key_label: str = "ketua") -> SoftHsmToken:
    """Make a token under ``directory`` holding ``signer``'s key and certificates.

    Points ``SOFTHSM2_CONF`` at it in ``os.environ``: SoftHSM reads it once, when the module is
    first initialised in this process, so every test in a run must share the same token.
    """
    tokens = directory / "tokens"
    tokens.mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", label,
        "--pin", pin, "--so-pin", "so-" + pin)
    key_pem = directory / "key.pem"  # only until imported; the token keeps it afterwards
    key_pem.write_bytes(signer.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    try:
        run("softhsm2-util", "--import", str(key_pem), "--token", label,
            "--label", key_label, "--id", "01", "--pin", pin)
    finally:
        key_pem.unlink()
    for index, (cert, cert_label) in enumerate(
            [(signer.cert, key_label)] + [(c, f"ca-{i}") for i, c in enumerate(chain)], 1):
        der = directory / f"cert-{index}.der"
        der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        run("pkcs11-tool", "--module", DEFAULT_SOFTHSM2_LIB, "--token-label", label,
            "--login", "--pin", pin, "--write-object", str(der), "--type", "cert",
            "--label", cert_label, "--id", f"{index:02x}")
    return SoftHsmToken(conf, DEFAULT_SOFTHSM2_LIB, label, pin, key_label)


def sample_pdf(text: str = "Surat Keputusan Ketua BNSP") -> bytes:
    """A one-page A4 PDF with a line of text."""
    writer = PdfFileWriter()
    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"),
        pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"),
    }))
    content = generic.StreamObject(
        stream_data=f"BT /F1 16 Tf 72 770 Td ({text}) Tj ET".encode("latin-1"))
    resources = generic.DictionaryObject({
        pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font}),
    })
    writer.insert_page(PageObject(writer.add_object(content), (0, 0, 595, 842), resources))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
