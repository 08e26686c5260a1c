"""Local development PKI: a throw-away root CA and a "Ketua BNSP (DEV)" signing certificate.

Only for development and tests. Production keys come from a real CA (PKCS#12 file, HSM via
PKCS#11, or the remote TTE service). The passphrase is supplied by the caller and never written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

ROOT_NAME = "BNSP Dev Root CA"
SIGNER_NAME = "Ketua BNSP (DEV)"
P12_FILENAME = "ketua-bnsp-dev.p12"
ROOT_FILENAME = "bnsp-dev-root-ca.pem"


@dataclass(frozen=True)
class DevPki:
    """Where the development PKI files live (the passphrase is deliberately not part of it)."""

    directory: Path
    p12_path: Path
    root_cert_path: Path

    def root_cert(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.root_cert_path.read_bytes())


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key, kept in memory only."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Badan Nasional Sertifikasi Profesi"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def make_root_ca(common_name: str = ROOT_NAME, *, key_size: int = 2048,
                 valid_days: int = 3650) -> Issued:
    """Self-signed root CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = _name(common_name)
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Backdated a little so a freshly made PKI is not "not yet valid" on a skewed clock.
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def issue_cert(issuer: Issued, common_name: str, *, purpose: str = "signing",
               key_size: int = 2048, valid_days: int = 730,
               ocsp_url: str | None = None, key_type: str = "rsa") -> Issued:
    """Issue an end-entity certificate.

    ``purpose``: "signing" (digitalSignature + nonRepudiation, for PAdES), "tsa" (critical
    timeStamping EKU) or "ocsp" (OCSPSigning EKU with id-pkix-ocsp-nocheck).
    ``ocsp_url`` adds an Authority Information Access entry so validators can fetch revocation
    status (needed for PAdES B-LT). ``key_type`` "ec" gives a P-256 key (test TSA/OCSP
    responders use it: EC keys load fast, so per-response signing is cheap).
    """
    if key_type == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    elif key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    else:
        raise ValueError(f"unknown key type {key_type!r}")
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.key.public_key()), critical=False)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=(purpose == "signing"),
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
    )
    if purpose == "tsa":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    elif purpose == "ocsp":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    elif purpose != "signing":
        raise ValueError(f"unknown certificate purpose {purpose!r}")
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                   x509.UniformResourceIdentifier(ocsp_url)),
        ]), critical=False)
    return Issued(builder.sign(issuer.key, hashes.SHA256()), key)


def pkcs12_bytes(leaf: Issued, chain: list[x509.Certificate], passphrase: bytes,
                 friendly_name: str = SIGNER_NAME) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(), leaf.key, leaf.cert, chain,
        serialization.BestAvailableEncryption(passphrase),
    )


def _write_private(path: Path, data: bytes) -> None:
    # Create with 0600 from the start: the file holds an (encrypted) private key.
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(data)


def create_dev_pki(directory: str | Path, passphrase: bytes | str, *,
                   signer_name: str = SIGNER_NAME, root_name: str = ROOT_NAME,
                   key_size: int = 2048, ocsp_url: str | None = None) -> DevPki:
    """Create (once) the dev root CA PEM and the signer PKCS#12 in ``directory``.

    Idempotent: when both files already exist they are left as they are and reused, so
    documents signed earlier keep validating against the same root.
    """
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    if not passphrase:
        raise ValueError("a PKCS#12 passphrase is required")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pki = DevPki(directory, directory / P12_FILENAME, directory / ROOT_FILENAME)
    if pki.p12_path.exists() and pki.root_cert_path.exists():
        return pki
    root = make_root_ca(root_name, key_size=key_size)
    signer = issue_cert(root, signer_name, key_size=key_size, ocsp_url=ocsp_url)
    _write_private(pki.p12_path, pkcs12_bytes(signer, [root.cert], passphrase, signer_name))
    # The root key is not kept: nothing else is ever issued by the dev root.
    pki.root_cert_path.write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    return pki
