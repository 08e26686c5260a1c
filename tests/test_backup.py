"""Backup and restore: a portal with signed documents in a bucket is backed up, restored into a
fresh database (its own PostgreSQL schema, or SQLite file) and a fresh bucket, and verified."""
from __future__ import annotations

import gzip
import json
import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app, storage
from portal.extensions import db as _db
from tests.conftest import login
from tests.services import S3_CREDENTIALS, make_bucket
from tests.test_signing_queue import PIN, _rcc_at_signing, signing  # noqa: F401 - fixture

S3_SECRET = "rahasia-s3-uji-987654"


@pytest.fixture()
def fresh_target(app, tmp_path, s3_endpoint):
    """An empty database of its own and an empty bucket, as on a machine being rebuilt."""
    base = os.environ.get("TEST_DATABASE_URL")
    drop = None
    if base:
        from portal.core.scratch import scratch_schema

        url, drop = scratch_schema(base, "restore")
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    bucket = f"pulih-{uuid.uuid4().hex[:10]}"
    make_bucket(s3_endpoint, bucket)
    target = create_app({"TESTING": True, "DATABASE_URL": url, "STORAGE_DIR": str(tmp_path / "t-storage"),
                         "MAIL_OUTBOX_DIR": str(tmp_path / "t-outbox"), "SIGNING_DIR": str(tmp_path / "t-signing"),
                         "STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint,
                         **S3_CREDENTIALS})
    with target.app_context():
        _db.create_all()
    yield target
    with target.app_context():
        _db.engine.dispose()
    if drop:
        drop()


def _invoke(target, *args):
    """A CLI command of the target app (its own app context: the test holds the source app's)."""
    with target.app_context():
        return target.test_cli_runner().invoke(args=list(args))


def _signed_portal(app, db):
    case, _cast, ketua = _rcc_at_signing(db)
    client = app.test_client()
    login(client, ketua.username)
    from portal.signing.models import SignatureRequest

    ids = db.session.scalars(select(SignatureRequest.id)).all()
    assert client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN}).status_code == 302
    db.session.expire_all()
    assert {r.state for r in db.session.scalars(select(SignatureRequest))} == {"ditandatangani"}


def test_backup_restores_into_a_fresh_database_and_bucket_with_every_hash_and_the_audit_chain(
        app, db, runner, signing, s3_storage, fresh_target, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "S3_SECRET_ACCESS_KEY", S3_SECRET)
    _signed_portal(app, db)
    from portal.audit.models import AuditEntry
    from portal.cases.models import DocumentVersion

    source_counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in _db.metadata.sorted_tables}
    versions = {v.storage_key: v.sha256 for v in db.session.scalars(select(DocumentVersion))}
    assert len(versions) >= 6 and source_counts["audit_entry"] > 0

    backup_dir = tmp_path / "cadangan"
    made = runner.invoke(args=["backup", "--to", str(backup_dir)])
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["key_material"]["SIGNING_DIR"] == app.config["SIGNING_DIR"]
    assert set(versions) <= set(manifest["documents"])
    # Never a secret: not the session key, the key passphrase, the storage secret, nor the key itself.
    passphrase = (Path(app.config["SIGNING_DIR"]) / "p12-passphrase").read_text().strip()
    everything = b"".join(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
                          for p in backup_dir.rglob("*") if p.is_file())
    for secret in (app.config["SECRET_KEY"], passphrase, S3_SECRET):
        assert secret.encode() not in everything
    assert not list(backup_dir.rglob("*.p12")) and b"PRIVATE KEY" not in everything

    restore = _invoke(fresh_target, "restore", str(backup_dir))
    assert restore.exit_code == 0, restore.output
    assert re.search(rf"{len(versions)} sidik jari dokumen cocok; rantai audit utuh", restore.output)
    with fresh_target.app_context():
        restored = {t.name: _db.session.scalar(select(func.count()).select_from(t)) for t in _db.metadata.sorted_tables}
        assert restored == source_counts
        for key, sha256 in versions.items():
            assert storage.read_bytes(key, sha256)  # from the new bucket, checked against the database
        assert storage.backend().bucket != app.config["S3_BUCKET"]
        newest = _db.session.scalar(select(func.max(AuditEntry.id)))
        from portal.audit.services import record

        record("restore.check", None, detail={"after": newest})  # ids continue after the restored rows
        _db.session.commit()
    verified = _invoke(fresh_target, "audit-verify")
    assert verified.exit_code == 0 and "rantai hash utuh" in verified.output

    again = _invoke(fresh_target, "restore", str(backup_dir))
    assert again.exit_code == 1 and "tidak kosong" in again.output  # never on top of live data


def test_restore_refuses_a_damaged_backup(app, db, runner, tmp_path, fresh_target):
    stored = storage.save_bytes(b"%PDF-1.7 dokumen", "cases/1")
    made = runner.invoke(args=["backup", "--to", str(tmp_path / "cadangan")])
    assert made.exit_code == 0, made.output
    (tmp_path / "cadangan" / "documents" / stored.key).write_bytes(b"%PDF-1.7 diubah")
    result = _invoke(fresh_target, "restore", str(tmp_path / "cadangan"))
    assert result.exit_code == 1 and "rusak" in result.output and stored.key in result.output
