"""Files on local disk under STORAGE_DIR, addressed by opaque keys (uploads are checked first by
portal.uploads)."""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app


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
