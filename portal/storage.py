"""Files on local disk under STORAGE_DIR, addressed by opaque keys; uploads checked by content."""
from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class UploadRefused(Exception):
    """The upload is not acceptable; the message is for the user (Indonesian)."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


def _root() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def path_for(key: str) -> Path:
    path = (_root() / key).resolve()
    if _root().resolve() not in path.parents:
        raise ValueError("storage key escapes the storage folder")
    return path


def save_bytes(data: bytes, folder: str, suffix: str = ".pdf") -> StoredFile:
    key = f"{folder}/{secrets.token_hex(16)}{suffix}"
    path = path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())  # on disk before the database commit that points at it
    os.replace(tmp, path)  # never a half-written file under the final name
    return StoredFile(key, len(data), hashlib.sha256(data).hexdigest())


def read_bytes(key: str) -> bytes:
    return path_for(key).read_bytes()


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
