"""Copy the documents on local disk (STORAGE_DIR) into the configured bucket and verify each copy."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.storage_backends import LocalDiskStorage, S3Storage, StoredFileDamaged, backend_from_config, verified


@dataclass
class MigrationReport:
    copied: int = 0
    already_there: int = 0
    damaged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damaged


def recorded_hashes() -> dict[str, str]:
    """storage key -> SHA-256 the database recorded for it (document versions)."""
    from portal.cases.models import DocumentVersion

    return {key: sha for key, sha in db.session.execute(select(DocumentVersion.storage_key, DocumentVersion.sha256))}


def migrate_to_bucket(echo=lambda _line: None) -> MigrationReport:
    source = LocalDiskStorage(current_app.config["STORAGE_DIR"])
    target = backend_from_config({**current_app.config, "STORAGE_BACKEND": "s3"})
    assert isinstance(target, S3Storage)
    expected = recorded_hashes()
    report = MigrationReport()
    for key in source.keys():
        try:
            data, sidecar = source.get(key)
            verified(key, data, sidecar, expected.get(key))
        except StoredFileDamaged:
            report.damaged.append(key)
            echo(f"RUSAK di disk (tidak disalin): {key}")
            continue
        sha256 = hashlib.sha256(data).hexdigest()
        if target.exists(key):
            copy, copy_hash = target.get(key)
            if copy_hash == sha256 and hashlib.sha256(copy).hexdigest() == sha256:
                report.already_there += 1
                continue
        target.put(key, data, sha256)
        try:
            copy, copy_hash = target.get(key)
            verified(key, copy, copy_hash, sha256)
        except StoredFileDamaged:
            report.damaged.append(key)
            echo(f"RUSAK setelah disalin ke bucket: {key}")
            continue
        report.copied += 1
    return report
