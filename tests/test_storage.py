"""The storage contract, run against local disk and against an S3-protocol server (moto) alike."""
from __future__ import annotations

import hashlib

import boto3
import pytest

from portal import storage
from portal.storage_backends import LocalDiskStorage
from tests.services import S3_CREDENTIALS

PDF = b"%PDF-1.7\n% dokumen uji\n" + bytes(range(256)) * 40


@pytest.fixture(params=["local", "s3"])
def backend_name(request, app, db):
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return request.param


def _tamper(app, key: str, data: bytes) -> None:
    """Change the stored bytes behind the portal's back (disk rot, an operator's mistake)."""
    if app.config.get("STORAGE_BACKEND") == "s3":
        client = boto3.client("s3", endpoint_url=app.config["S3_ENDPOINT_URL"], region_name="us-east-1",
                              aws_access_key_id="uji", aws_secret_access_key="uji")
        head = client.head_object(Bucket=app.config["S3_BUCKET"], Key=key)
        client.put_object(Bucket=app.config["S3_BUCKET"], Key=key, Body=data, Metadata=head["Metadata"])
    else:
        storage.path_for(key).write_bytes(data)


def test_saved_bytes_read_back_with_their_hash(backend_name):
    stored = storage.save_bytes(PDF, "cases/7")
    assert stored.key.startswith("cases/7/") and stored.key.endswith(".pdf")
    assert stored.size == len(PDF) and stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert storage.read_bytes(stored.key) == PDF
    assert storage.read_bytes(stored.key, stored.sha256) == PDF
    other = storage.save_bytes(b"lain", "cases/7", ".txt")
    assert other.key != stored.key
    assert set(storage.backend().keys()) == {stored.key, other.key}
    assert storage.backend().name == backend_name


def test_damaged_file_is_refused_on_read(app, backend_name):
    stored = storage.save_bytes(PDF, "cases/1")
    _tamper(app, stored.key, PDF[:-1] + b"X")
    with pytest.raises(storage.StoredFileDamaged):
        storage.read_bytes(stored.key)


def test_read_checks_the_hash_the_database_recorded(backend_name):
    stored = storage.save_bytes(PDF, "cases/1")
    with pytest.raises(storage.StoredFileDamaged):
        storage.read_bytes(stored.key, hashlib.sha256(b"dokumen lain").hexdigest())


def test_missing_and_escaping_keys(backend_name):
    with pytest.raises(FileNotFoundError):
        storage.read_bytes("cases/1/tidak-ada.pdf")
    with pytest.raises(ValueError):
        storage.read_bytes("../../etc/passwd")


def test_case_document_downloads_from_the_store_and_damage_is_never_served(app, db, backend_name, login_as):
    from sqlalchemy import select

    from portal.cases import engine
    from portal.cases.models import Case, WorkItem
    from tests.factories import sample_pdf

    lsp = login_as("lsp")
    number = lsp.post("/kasus/baru", data={"flow": "LIS", "title": "Permohonan lisensi"}).headers["Location"].rsplit("/", 1)[1]
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open"))
    pdf = sample_pdf()
    version = engine.upload_document(db.session.get(Case, work.case_id), "D1", "a.pdf", pdf, lsp.user, work=work)
    db.session.commit()
    with lsp.get(f"/kasus/{number}/dokumen/{version.id}") as download:
        assert download.status_code == 200 and download.data == pdf
    _tamper(app, version.storage_key, pdf.replace(b"%PDF", b"%PDX", 1))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        damaged = lsp.get(f"/kasus/{number}/dokumen/{version.id}")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert damaged.status_code == 500 and not damaged.data.startswith(b"%PDX")


def test_storage_migrate_copies_local_files_to_the_bucket_and_verifies_them(app, runner, s3_endpoint, monkeypatch):
    from tests.services import make_bucket

    local = [storage.save_bytes(PDF + bytes([n]), f"cases/{n}") for n in range(3)]
    damaged = storage.save_bytes(PDF, "cases/9")
    storage.path_for(damaged.key).write_bytes(b"%PDF-1.7 busuk")
    bucket = "migrasi-uji"
    make_bucket(s3_endpoint, bucket)
    for key, value in {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint, **S3_CREDENTIALS}.items():
        monkeypatch.setitem(app.config, key, value)

    result = runner.invoke(args=["storage-migrate"])
    assert result.exit_code == 1  # the damaged file is named and not copied
    assert "Disalin dan diverifikasi: 3" in result.output and damaged.key in result.output

    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    assert sorted(storage.backend().keys()) == sorted(s.key for s in local)
    for item in local:
        assert storage.read_bytes(item.key, item.sha256) == LocalDiskStorage(app.config["STORAGE_DIR"]).get(item.key)[0]

    again = runner.invoke(args=["storage-migrate"])
    assert "sudah ada dan cocok: 3" in again.output
