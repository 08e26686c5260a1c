"""Stored documents addressed by opaque keys, on local disk or in an S3-compatible bucket
(portal/storage_backends.py); every read is checked against the SHA-256 recorded at write time.
Uploads are checked by content (check_pdf)."""
from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file

from portal.storage_backends import StoredFileDamaged, backend_from_config, verified

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

__all__ = ["StoredFile", "StoredFileDamaged", "UploadRefused", "backend", "check_pdf", "path_for",
           "read_bytes", "save_bytes", "send_stored"]


class UploadRefused(Exception):
    """The upload is not acceptable; the message is for the user (Indonesian)."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


def backend():
    """The app's storage backend, made once per configuration (boto3 clients are thread-safe)."""
    config = current_app.config
    settings = tuple(config.get(name) for name in (
        "STORAGE_BACKEND", "STORAGE_DIR", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_PREFIX"))
    cached = current_app.extensions.get("portal_storage")
    if cached is None or cached[0] != settings:
        cached = (settings, backend_from_config(config))
        current_app.extensions["portal_storage"] = cached
    return cached[1]


def path_for(key: str) -> Path:
    """Local-disk path of a key (embedded default only; downloads go through send_stored)."""
    store = backend()
    if not hasattr(store, "path_for"):
        raise RuntimeError("documents are in object storage, not on local disk")
    return store.path_for(key)


def save_bytes(data: bytes, folder: str, suffix: str = ".pdf") -> StoredFile:
    key = f"{folder}/{secrets.token_hex(16)}{suffix}"
    sha256 = hashlib.sha256(data).hexdigest()
    backend().put(key, data, sha256)
    return StoredFile(key, len(data), sha256)


def read_bytes(key: str, sha256: str | None = None) -> bytes:
    """The stored bytes, checked against the hash kept beside them and the caller's (the database's)."""
    data, recorded = backend().get(key)
    return verified(key, data, recorded, sha256)


def send_stored(key: str, mimetype: str, download_name: str, sha256: str | None = None, **kwargs):
    return send_file(io.BytesIO(read_bytes(key, sha256)), mimetype=mimetype, download_name=download_name, **kwargs)


def check_pdf(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Refuse anything that is not a readable, unencrypted PDF of acceptable size."""
    if not data:
        raise UploadRefused("Berkas kosong. Pilih berkas PDF yang akan diunggah.")
    if len(data) > max_bytes:
        raise UploadRefused(f"Berkas terlalu besar (maksimal {max_bytes // (1024 * 1024)} MB).")
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise UploadRefused("Berkas bukan PDF. Unggah dokumen dalam format PDF.")
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise UploadRefused("PDF terenkripsi atau berkata sandi tidak dapat diterima. Unggah PDF tanpa kata sandi.")
        pages = int(reader.root["/Pages"]["/Count"])
    except UploadRefused:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError):
        raise UploadRefused("PDF rusak atau tidak lengkap sehingga tidak dapat dibaca.")
    if pages < 1:
        raise UploadRefused("PDF tidak berisi halaman.")
