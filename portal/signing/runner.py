"""Runs a signing batch: signs its documents in chunks on both cores, committing each document.

Safe to run again after a crash: documents already signed are skipped, and a document is recorded
only if it is still 'diproses' (so never twice); a lease keeps two workers off the same batch.
"""
from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from portal import storage
from portal.core.dates import utcnow
from portal.extensions import db
from portal.signing.devpki import P12_FILENAME
from portal.signing.models import SignatureRequest, SigningBatch
from portal.signing.pades import SignRequest, SigningError
from portal.signing.queue import store_signed

CHUNK = 16


def signing_key() -> tuple[str, bytes]:
    """The PKCS#12 file and its passphrase (server configuration, not the signer's PIN)."""
    config = current_app.config
    p12 = config.get("SIGNING_P12_PATH") or str(Path(config["SIGNING_DIR"]) / P12_FILENAME)
    passphrase_file = config.get("SIGNING_P12_PASSPHRASE_FILE") or str(Path(config["SIGNING_DIR"]) / "p12-passphrase")
    try:
        passphrase = Path(passphrase_file).read_bytes().strip()
    except OSError:
        raise SigningError("Kunci tanda tangan belum disiapkan (jalankan flask setup-signing).")
    return p12, passphrase


def verify_url(request: SignatureRequest) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    url = f"{base}/v/{request.public_id}"
    try:
        from portal.verification.offline import make_payload
    except ImportError:
        return url
    return f"{url}#p={make_payload(request)}"


def _acquire(batch_id: int, token: str) -> bool:
    now = utcnow()
    lease = timedelta(seconds=current_app.config.get("SIGNING_LEASE_SECONDS", 60))
    claimed = db.session.execute(
        update(SigningBatch).where(
            SigningBatch.id == batch_id, SigningBatch.state == "berjalan",
            or_(SigningBatch.lease_token.is_(None), SigningBatch.lease_until < now, SigningBatch.lease_token == token))
        .values(lease_token=token, lease_until=now + lease).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def run_batch(batch_id: int) -> None:
    from portal.signing.batch import sign_many

    token = secrets.token_hex(8)
    if not _acquire(batch_id, token):
        return
    batch = db.session.get(SigningBatch, batch_id)
    signer = batch.signer
    config = current_app.config
    delay = float(os.environ.get("PORTAL_SIGNING_DRILL_DELAY", "0"))  # failure drills only
    try:
        p12, passphrase = signing_key()
    except SigningError as exc:
        p12, passphrase, key_error = None, None, exc
    else:
        key_error = None
    while True:
        pending = list(db.session.scalars(
            select(SignatureRequest).where(SignatureRequest.batch_id == batch_id,
                                           SignatureRequest.state == "diproses")
            .order_by(SignatureRequest.id).limit(config.get("SIGNING_CHUNK", CHUNK))))
        if not pending:
            break
        if key_error is not None:
            results = [key_error] * len(pending)
        else:
            items = [(storage.read_bytes(r.source_version.storage_key),
                      SignRequest(verify_url=verify_url(r), signer_name=signer.full_name)) for r in pending]
            results = sign_many(items, p12, passphrase, processes=config.get("SIGNING_PROCESSES", 2),
                                timestamper_url=config.get("SIGNING_TSA_URL") or None)
        for request, result in zip(pending, results):
            if isinstance(result, SigningError):
                db.session.execute(update(SignatureRequest).where(
                    SignatureRequest.id == request.id, SignatureRequest.state == "diproses")
                    .values(state="gagal", error=result.message).execution_options(synchronize_session=False))
            else:
                store_signed(request, result.data, result.level, result.sha256, signer)
            db.session.commit()
            if delay:
                time.sleep(delay)
        if not _acquire(batch_id, token):
            return  # the lease was lost: another worker carries on
    batch = db.session.get(SigningBatch, batch_id)
    batch.state = "selesai"
    batch.finished_at = utcnow()
    batch.lease_token = None
    db.session.commit()


def unfinished_batches() -> list[int]:
    return list(db.session.scalars(select(SigningBatch.id).where(SigningBatch.state == "berjalan")))
