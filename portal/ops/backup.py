"""Backup and restore: the database (every table as gzipped JSON lines, portable between
PostgreSQL schemas, databases and SQLite), every stored document with its SHA-256, and where the
signing key material lives — paths and names only, never a key, passphrase, PIN or password.

A backup is a folder:

    manifest.json              when, which schema revision, table row counts, document hashes,
                               the key material's location
    database/<table>.jsonl.gz  one JSON object per row
    documents/<storage key>    the stored files, as read (and hash-checked) from storage

`restore` loads it into an empty database and the configured storage, then checks every stored
document against the hash the database recorded and the audit trail's hash chain.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import Integer, func, inspect, select, text

from portal.extensions import db

FORMAT = "bnsp-portal-backup/1"
# Where key material is configured: the backup names these, it never copies what they point at.
KEY_LOCATIONS = ("SIGNING_BACKEND", "SIGNING_DIR", "SIGNING_P12_PATH", "SIGNING_P12_PASSPHRASE_FILE",
                 "SIGNING_PKCS11_LIB", "SIGNING_PKCS11_TOKEN", "SIGNING_PKCS11_KEY", "SIGNING_PKCS11_PIN_FILE",
                 "SIGNING_TTE_URL", "SIGNING_ROOT_CERT_PATH", "SIGNING_TRUST_ROOTS", "OFFLINE_KEY_PATH")


class BackupError(Exception):
    """The backup cannot be made or restored; the message is for the operator (Indonesian)."""


@dataclass
class RestoreReport:
    rows: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    hashes_checked: int = 0
    audit_entries: int = 0


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, (bytes, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$d":
            return date.fromisoformat(raw)
        if tag == "$b":
            return base64.b64decode(raw)
        if tag == "$dec":
            return Decimal(raw)
    return value


def _schema_revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def make_backup(target: Path, echo=lambda _line: None) -> dict:
    from portal import storage

    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Folder tujuan {target} tidak kosong.")
    (target / "database").mkdir(parents=True)
    config = current_app.config
    manifest = {"format": FORMAT, "made_at": datetime.now().astimezone().isoformat(),
                "schema_revision": _schema_revision(), "tables": {}, "documents": {},
                "key_material": {name: config.get(name) for name in KEY_LOCATIONS if config.get(name)},
                "note": "Kunci penandatanganan, passphrase, PIN dan kata sandi tidak disalin; "
                        "pulihkan dari lokasi yang tercatat di key_material."}
    for table in db.metadata.sorted_tables:
        count = 0
        with gzip.open(target / "database" / f"{table.name}.jsonl.gz", "wt", encoding="utf-8") as out:
            order = list(table.primary_key.columns) or list(table.columns)
            for row in db.session.execute(select(table).order_by(*order)).mappings():
                out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                count += 1
        manifest["tables"][table.name] = count
    store = storage.backend()
    for key in store.keys():
        data = storage.read_bytes(key)  # checked against the hash kept beside it
        path = target / "documents" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest["documents"][key] = hashlib.sha256(data).hexdigest()
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    echo(f"{sum(manifest['tables'].values())} baris dari {len(manifest['tables'])} tabel, "
         f"{len(manifest['documents'])} dokumen.")
    return manifest


def restore_backup(source: Path, echo=lambda _line: None) -> RestoreReport:
    from portal import storage
    from portal.audit.services import verify_chain
    from portal.cases.models import DocumentVersion

    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"manifest.json tidak dapat dibaca: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("Bukan cadangan portal ini (format tidak dikenal).")
    revision = _schema_revision()
    if revision and manifest.get("schema_revision") and revision != manifest["schema_revision"]:
        raise BackupError(f"Skema basis data tujuan ({revision}) berbeda dari cadangan "
                          f"({manifest['schema_revision']}); jalankan migrasi yang sama lebih dulu.")
    tables = {t.name: t for t in db.metadata.sorted_tables}
    missing = [name for name in manifest["tables"] if not inspect(db.engine).has_table(name)]
    if missing:
        raise BackupError(f"Tabel belum ada di basis data tujuan: {', '.join(missing)} (jalankan db upgrade).")
    for name in manifest["tables"]:
        if db.session.scalar(select(func.count()).select_from(tables[name])):
            raise BackupError(f"Basis data tujuan tidak kosong (tabel {name} berisi data).")

    # Documents first: a database pointing at files that are not there is worse than the reverse.
    store = storage.backend()
    for key, sha256 in manifest["documents"].items():
        data = (source / "documents" / key).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BackupError(f"Dokumen dalam cadangan rusak (SHA-256 tidak cocok): {key}")
        store.put(key, data, sha256)
    report = RestoreReport(documents=len(manifest["documents"]))

    for name in manifest["tables"]:
        table = tables[name]
        with gzip.open(source / "database" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as rows_in:
            batch = []
            for line in rows_in:
                batch.append({k: _decode(v) for k, v in json.loads(line).items()})
                if len(batch) == 1000:
                    db.session.execute(table.insert(), batch)
                    batch = []
            if batch:
                db.session.execute(table.insert(), batch)
        report.rows[name] = manifest["tables"][name]
    _reset_sequences(tables.values())
    db.session.commit()

    for version in db.session.scalars(select(DocumentVersion)):
        storage.read_bytes(version.storage_key, version.sha256)  # raises StoredFileDamaged
        report.hashes_checked += 1
    chain = verify_chain()
    if not chain.ok:
        raise BackupError(f"Rantai audit putus pada entri #{chain.broken_at} ({chain.reason}).")
    report.audit_entries = chain.checked
    echo(f"Dipulihkan: {sum(report.rows.values())} baris, {report.documents} dokumen; "
         f"{report.hashes_checked} sidik jari dokumen cocok; rantai audit utuh ({report.audit_entries} entri).")
    return report


def _reset_sequences(tables) -> None:
    """PostgreSQL: the id sequences continue after the restored rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        id_column = table.c.get("id")
        if id_column is None or not id_column.primary_key or not isinstance(id_column.type, Integer):
            continue
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
