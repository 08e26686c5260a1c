"""Runs a signing batch: signs its documents in chunks on both cores, committing each document.

Safe to run again after a crash: documents already signed are skipped, and a document is recorded
only if it is still 'diproses' (so never twice); a lease keeps two workers off the same batch.
"""
from __future__ import annotations

import secrets
from collections import deque
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from portal import storage
from portal.core.collector import batch_collection
from portal.core.dates import utcnow
from portal.extensions import db
from portal.numbering.at_signing import number_many, takes_number, void_unsigned
from portal.signing.devpki import P12_FILENAME, ROOT_FILENAME
from portal.cases.models import WorkItem
from portal.signing.models import SignatureRequest, SigningBatch
from portal.signing.pades import SignRequest, SigningError
from portal.signing.recording import advance_completed, store_signed_group

# Documents signed per round on the other cores (the next rounds are signed while this one is
# stored); the first round is small so the first signed document shows at once.
CHUNK = 16
FIRST_CHUNK = 2
# Chunks handed to the signing processes before the one being stored: with two, they go on
# signing while a slow group is recorded instead of waiting for the next chunk to be handed over.
CHUNKS_AHEAD = 2
# Documents per transaction: the batch page moves by this many at a time, never by a whole chunk.
PROGRESS_STEP = 4
KEY_CHANGED = ("Sertifikat tanda tangan berubah (atau tidak dapat dibaca) di tengah batch; penandatanganan "
               "dihentikan. Dokumen yang belum ditandatangani kembali ke antrean dan dapat ditandatangani lagi "
               "dalam batch baru.")


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
        from portal.verification.access import token_for
        from portal.verification.offline import make_payload
    except ImportError:
        return url
    # ?k= is the secret that opens the full document (unmasked name, PDF) to whoever holds the QR.
    url = f"{url}?k={token_for(request.public_id)}"
    return f"{url}#p={make_payload(request)}"


def sign_request_for(request: SignatureRequest, signer) -> SignRequest:
    """Stamp where the template reserved room for it; elsewhere (uploaded drafts) bottom right.
    A generated draft that takes a number gets it written over its placeholders by the signing
    process; an uploaded PDF carries its number in the registry and the QR only."""
    box = request.source_version.signature_box
    placement = {"page_index": int(box[0]), "box": tuple(float(v) for v in box[1:5])} if box else {}
    boxes = request.source_version.number_boxes
    if boxes and request.number and takes_number(request):
        placement.update(number=request.number, number_boxes=tuple(boxes))
    return SignRequest(verify_url=verify_url(request), signer_name=signer.full_name, **placement)


def key_fingerprint() -> str | None:
    """SHA-256 of the signing certificate the configured backend would sign with now; None where
    the portal cannot see the certificate before signing (the national TTE service)."""
    import hashlib

    backend = backend_name()
    if backend == "pkcs12":
        from portal.signing.pades import load_pkcs12_signer

        p12, passphrase = signing_key()
        return hashlib.sha256(load_pkcs12_signer(p12, passphrase).signing_cert.dump()).hexdigest()
    if backend == "pkcs11":
        from portal.signing.pkcs11_backend import open_pkcs11_signer

        config = current_app.config
        pin = Path(config["SIGNING_PKCS11_PIN_FILE"]).read_text().strip()
        with open_pkcs11_signer(config["SIGNING_PKCS11_LIB"], config["SIGNING_PKCS11_TOKEN"],
                                config["SIGNING_PKCS11_KEY"], pin) as token_signer:
            return hashlib.sha256(token_signer.signing_cert.dump()).hexdigest()
    return None


def _current_fingerprint() -> str | None:
    try:
        return key_fingerprint()
    except SigningError:
        return None  # unreadable now: signing reports it per document


def _fail(request: SignatureRequest, message: str) -> None:
    db.session.execute(update(SignatureRequest).where(
        SignatureRequest.id == request.id, SignatureRequest.state == "diproses")
        .values(state="gagal", error=message).execution_options(synchronize_session=False))


def _number(requests: list[SignatureRequest]) -> list[SignatureRequest]:
    """Reserve the chunk's numbers before their QR and PDF are made (committed with the group that
    stores each signed PDF); a series that cannot number a document fails that request, not the
    batch. Returns the requests to sign."""
    _numbered, refused = number_many(requests)
    for request, exc in refused:
        _fail(request, str(exc))
    failed = {request.id for request, _exc in refused}
    return [request for request in requests if request.id not in failed]


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


def backend_name() -> str:
    return current_app.config.get("SIGNING_BACKEND") or "pkcs12"


def _sign_items(items, signer_id: int, secret: str | None):
    """Sign (pdf, SignRequest) pairs with the configured backend; one result per item, in order."""
    import hashlib

    from portal.signing.batch import sign_many
    from portal.signing.pades import SignOutcome, sign_pdf

    config = current_app.config
    backend = backend_name()
    if backend == "pkcs12" and config.get("SIGNING_REVOCATION_INFO") and config.get("SIGNING_TSA_URL"):
        return _sign_long_term(items)
    if backend == "pkcs12":
        p12, passphrase = signing_key()
        return sign_many(items, p12, passphrase, processes=config.get("SIGNING_PROCESSES", 2),
                         timestamper_url=config.get("SIGNING_TSA_URL") or None)
    results = []
    if backend == "pkcs11":
        from portal.signing.pkcs11_backend import open_pkcs11_signer

        pin = Path(config["SIGNING_PKCS11_PIN_FILE"]).read_text().strip()
        with open_pkcs11_signer(config["SIGNING_PKCS11_LIB"], config["SIGNING_PKCS11_TOKEN"],
                                config["SIGNING_PKCS11_KEY"], pin) as token_signer:
            for pdf, req in items:
                try:
                    results.append(sign_pdf(pdf, token_signer, req))
                except SigningError as exc:
                    results.append(exc)
        return results
    if backend == "tte":
        from sqlalchemy import select

        from portal.signing.models import SigningCredential
        from portal.signing.tte import TteClient, sign_pdf_with_tte

        nik = db.session.scalar(select(SigningCredential.tte_nik).where(SigningCredential.user_id == signer_id))
        if not secret or not nik:
            error = SigningError("Sesi tanda tangan TTE terputus atau NIK belum terdaftar; pilih dokumen "
                                 "dan masukkan passphrase lagi.", retryable=True)
            return [error] * len(items)
        client = TteClient(config["SIGNING_TTE_URL"], timeout=config.get("SIGNING_TTE_TIMEOUT", 20))
        for pdf, req in items:
            try:
                data = sign_pdf_with_tte(pdf, req, client, nik, secret)
                results.append(SignOutcome(data, "B-B", hashlib.sha256(data).hexdigest()))
            except SigningError as exc:
                results.append(exc)
        return results
    raise SigningError(f"SIGNING_BACKEND tidak dikenal: {backend}")


def _sign_long_term(items):
    """PAdES B-LT: timestamp plus the signer's revocation info (OCSP/CRL) embedded, one by one;
    a responder that cannot be reached leaves the document at B-T (recorded as such)."""
    from cryptography import x509
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from portal.signing.pades import load_pkcs12_signer, lt_validation_context, sign_pdf

    config = current_app.config
    p12, passphrase = signing_key()
    signer = load_pkcs12_signer(p12, passphrase)
    root_path = config.get("SIGNING_ROOT_CERT_PATH") or str(Path(config["SIGNING_DIR"]) / ROOT_FILENAME)
    roots = [x509.load_pem_x509_certificate(Path(root_path).read_bytes())]
    timestamper = HTTPTimeStamper(config["SIGNING_TSA_URL"])
    results = []
    for pdf, req in items:
        try:
            results.append(sign_pdf(pdf, signer, req, timestamper=timestamper,
                                    validation_context=lt_validation_context(roots)))
        except SigningError as exc:
            results.append(exc)
    return results


def run_batch(batch_id: int, secret: str | None = None) -> None:
    """Sign every document of the batch still 'diproses'.

    `secret`: the TTE passphrase, held in memory for this run only (never stored). Chunks are
    pipelined: while one chunk's results are stored (a transaction every PROGRESS_STEP documents:
    each claim and signed version commit together, so a crash re-signs at most the unfinished
    chunks and never records a document twice), the next chunks are already being signed on the
    other cores. The batch is bound to the signing certificate it started with.
    """
    from concurrent.futures import ThreadPoolExecutor

    token = secrets.token_hex(8)
    if not _acquire(batch_id, token):
        return
    session = db.session()
    # Objects stay loaded across the per-chunk commits; reloading them all each time costs more
    # than the signing itself on large batches.
    session.expire_on_commit = False
    try:
        with batch_collection():
            _run_chunks(batch_id, token, secret, ThreadPoolExecutor(max_workers=1, thread_name_prefix="signing"))
    finally:
        session.expire_on_commit = True


def _run_chunks(batch_id: int, token: str, secret: str | None, pool) -> None:
    batch = db.session.get(SigningBatch, batch_id)
    signer = batch.signer
    config = current_app.config
    app = current_app._get_current_object()
    size = int(config.get("SIGNING_CHUNK") or CHUNK)
    ids = list(db.session.scalars(select(SignatureRequest.id).where(
        SignatureRequest.batch_id == batch_id, SignatureRequest.state == "diproses").order_by(SignatureRequest.id)))
    first = min(size, FIRST_CHUNK)
    chunks = [ids[:first]] + [ids[i:i + size] for i in range(first, len(ids), size)] if ids else []
    step = int(config.get("SIGNING_PROGRESS_STEP") or PROGRESS_STEP)

    def prepare(chunk_ids):
        requests = list(db.session.scalars(select(SignatureRequest).where(SignatureRequest.id.in_(chunk_ids))
                                           .options(selectinload(SignatureRequest.case),
                                                    selectinload(SignatureRequest.source_version))
                                           .order_by(SignatureRequest.id)))
        requests = _number(requests)
        # Held with the chunk: each step's work item stays in the session while its documents are
        # stored and the step moves on (no reload per document).
        works = list(db.session.scalars(select(WorkItem).where(
            WorkItem.id.in_({r.work_item_id for r in requests if r.work_item_id}))))
        items = [(_read_source(r.source_version), sign_request_for(r, signer)) for r in requests]
        return (requests, works), items

    # The batch is bound to the certificate it started with; recorded before the first signature.
    if batch.key_fingerprint is None:
        batch.key_fingerprint = _current_fingerprint()
        db.session.commit()
    bound = batch.key_fingerprint

    def sign(items):
        results = [pdf if isinstance(pdf, SigningError) else None for pdf, _req in items]
        readable = [item for item in items if not isinstance(item[0], SigningError)]
        with app.app_context():
            if bound and _current_fingerprint() != bound:
                return None
            try:
                signed = iter(_sign_items(readable, signer.id, secret) if readable else [])
            except SigningError as exc:
                signed = iter([exc] * len(readable))
            # The key may have changed while this chunk was signed: none of it may be kept then.
            if bound and _current_fingerprint() != bound:
                return None
        return [result if result is not None else next(signed) for result in results]

    def submit(chunk_ids):
        chunk_requests, chunk_items = prepare(chunk_ids)
        upcoming.append((chunk_requests, pool.submit(sign, chunk_items)))

    try:
        upcoming = deque()
        for chunk_ids in chunks[:CHUNKS_AHEAD]:
            submit(chunk_ids)
        for index in range(len(chunks)):
            (requests, _works), future = upcoming.popleft()
            results = future.result()
            if results is None:
                pool.shutdown(wait=True, cancel_futures=True)
                _stop_for_key_change(batch_id)
                return
            if index + CHUNKS_AHEAD < len(chunks):
                submit(chunks[index + CHUNKS_AHEAD])
            pairs = list(zip(requests, results))
            # The chunk's signed files go to storage in the background while the database records
            # them; each group waits for its own files just before the commit that points at them.
            signed = [(request, result) for request, result in pairs if not isinstance(result, SigningError)]
            writes = storage.start_writes([(result.data, f"cases/{request.case_id}", result.sha256)
                                           for request, result in signed])
            stored = dict(zip((request.id for request, _ in signed), writes.files))
            for start in range(0, len(pairs), step):
                group = pairs[start:start + step]
                _store_group(group, signer, stored)
                writes.wait([stored[request.id] for request, _ in group if request.id in stored])
                db.session.commit()  # each document's claim and signed version commit together
            if not _acquire(batch_id, token):
                return  # the lease was lost: another worker carries on
    finally:
        pool.shutdown(wait=True)
    batch = db.session.get(SigningBatch, batch_id)
    batch.state = "selesai"
    batch.finished_at = utcnow()
    batch.lease_token = None
    db.session.commit()


def _store_group(pairs, signer, stored) -> None:
    """Record a few signed documents (or their failures) in one transaction (`stored`: each signed
    request's file in storage); each step they complete moves on once, after the last of them."""
    signed = [(request, result) for request, result in pairs if not isinstance(result, SigningError)]
    for request, result in pairs:
        if isinstance(result, SigningError):
            void_unsigned(request, result.message)
            db.session.execute(update(SignatureRequest).where(
                SignatureRequest.id == request.id, SignatureRequest.state == "diproses")
                .values(state="gagal", error=result.message).execution_options(synchronize_session=False))
    recorded = store_signed_group([(request, result, stored[request.id]) for request, result in signed], signer)
    advance_completed(recorded, signer)


def _read_source(version) -> bytes | SigningError:
    """The document to sign, checked against its recorded hash: a damaged file fails alone."""
    try:
        return storage.read_bytes(version.storage_key, version.sha256)
    except storage.StoredFileDamaged:
        return SigningError("Berkas sumber rusak (sidik jari SHA-256 tidak cocok); unggah ulang dokumennya.")
    except FileNotFoundError:
        return SigningError("Berkas sumber tidak ditemukan di penyimpanan.")


def _stop_for_key_change(batch_id: int) -> None:
    """Fail the batch cleanly: what was signed with the bound certificate stays signed, every other
    document goes back to waiting (none is recorded with the other certificate)."""
    db.session.rollback()
    db.session.execute(update(SignatureRequest).where(
        SignatureRequest.batch_id == batch_id, SignatureRequest.state == "diproses")
        .values(state="menunggu", error=KEY_CHANGED).execution_options(synchronize_session=False))
    batch = db.session.get(SigningBatch, batch_id)
    batch.state, batch.message = "gagal", KEY_CHANGED
    batch.finished_at = utcnow()
    batch.lease_token = None
    from portal.audit.services import record

    record("signing.batch_key_changed", batch, detail={"bound": batch.key_fingerprint,
                                                      "now": _current_fingerprint()})
    db.session.commit()


def unfinished_batches() -> list[int]:
    return list(db.session.scalars(select(SigningBatch.id).where(SigningBatch.state == "berjalan")))
