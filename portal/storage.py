"""Stored documents addressed by opaque keys, on local disk or in an S3-compatible bucket
(portal/storage_backends.py); every read is checked against the SHA-256 recorded at write time.
Uploads are checked first by portal.uploads."""
from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file

from portal.storage_backends import StoredFileDamaged, backend_from_config, verified

__all__ = ["PendingWrites", "StoredFile", "StoredFileDamaged", "backend", "path_for", "read_bytes", "save_bytes",
           "save_many", "send_stored", "start_writes"]


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


def save_many(files: list[tuple[bytes, str, str | None]], suffix: str = ".pdf", threads: int = 4) -> list[StoredFile]:
    """Store several files at once, (data, folder, sha256 if already known) each: the writes (and
    their fsyncs, or bucket uploads) overlap instead of waiting for each other. In order."""
    writes = start_writes(files, suffix, threads)
    writes.wait()
    return writes.files


class PendingWrites:
    """Files being written in the background. Their records (key, size, hash) are known at once;
    :meth:`wait` for them before the commit that points at them."""

    def __init__(self, files: list[StoredFile], futures: list) -> None:
        self.files = files
        self._futures = dict(zip((file.key for file in files), futures))

    def wait(self, files: list[StoredFile] | None = None) -> None:
        """Until these files (all by default) are durably stored; a failed write raises here."""
        for file in self.files if files is None else files:
            self._futures[file.key].result()


def start_writes(files: list[tuple[bytes, str, str | None]], suffix: str = ".pdf",
                 threads: int = 4) -> PendingWrites:
    """Begin storing several files, (data, folder, sha256 if already known) each, on a few threads;
    the caller goes on with its own work meanwhile (a signing batch records the documents in the
    database while their files reach the disk or the bucket). In order."""
    from concurrent.futures import ThreadPoolExecutor

    store = backend()
    planned = [(f"{folder}/{secrets.token_hex(16)}{suffix}", data, sha256 or hashlib.sha256(data).hexdigest())
               for data, folder, sha256 in files]
    futures = []
    if planned:
        pool = ThreadPoolExecutor(max_workers=min(threads, len(planned)), thread_name_prefix="storage")
        futures = [pool.submit(store.put, *entry) for entry in planned]
        pool.shutdown(wait=False)  # the threads end once their writes are done
    return PendingWrites([StoredFile(key, len(data), sha256) for key, data, sha256 in planned], futures)


def read_bytes(key: str, sha256: str | None = None) -> bytes:
    """The stored bytes, checked against the hash kept beside them and the caller's (the database's)."""
    data, recorded = backend().get(key)
    return verified(key, data, recorded, sha256)


def send_stored(key: str, mimetype: str, download_name: str, sha256: str | None = None, **kwargs):
    return send_file(io.BytesIO(read_bytes(key, sha256)), mimetype=mimetype, download_name=download_name, **kwargs)
