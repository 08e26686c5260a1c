"""The e-signature queue (Antrean Tanda Tangan): what awaits a signer, batches, and their effects.

A step that `signs` documents queues one SignatureRequest per document when its draft is present;
the signer selects many, confirms with their signing PIN, and a background task signs the batch.
Each signed PDF lands in its D-code slot, and once every document of the step is signed the step
advances by itself. Operations flush; callers commit (the batch task commits per document).
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, or_, select, update

from portal.accounts.models import User
from portal.audit.services import record
from portal.cases import engine
from portal.cases.models import Case, CaseItem, DocumentVersion, WorkItem
from portal.core.bulk import execute_in
from portal.core.dates import format_date_id, to_wib, utcnow
from portal.core.errors import UserError
from portal.core.passwords import hasher
from portal.extensions import db
from portal.flows.definition import DocKind, Kind
from portal.numbering.formats import series_key
from portal.signing.models import SignatureRequest, SigningBatch, SigningCredential

PIN_MAX_FAILURES = 5
PIN_LOCK_MINUTES = 15
OPEN_STATES = ("menunggu", "gagal")


class SigningQueueError(UserError):
    """Refused by the signing queue (wrong PIN, document no longer waiting, …)."""


# --- queueing --------------------------------------------------------------------------------

def signer_for(case: Case, work: WorkItem, step, document) -> tuple[str, int | None]:
    """The role and, when the case names one, the person whose queue the document waits in."""
    if work.assignee_id:
        user = db.session.get(User, work.assignee_id)
        if document.signer in user.role_codes:
            return document.signer, user.id
        role = "ketua" if "ketua" in user.role_codes else next(r for r in step.roles if r in user.role_codes)
        return role, user.id
    if document.signer in step.roles:
        return document.signer, None
    return ("ketua" if "ketua" in step.roles else step.roles[0]), None


def enqueue_step(case: Case, work: WorkItem) -> list[SignatureRequest]:
    """Queue every document this open step signs whose draft exists and is not queued yet."""
    flow = engine.flow_of(case)
    step = flow.step(work.step_key)
    if not step.signs or work.state != "open":
        return []
    created = []
    drafts = [v for v in engine.latest_documents(case).values()]
    for signed_code in step.signs:
        document = flow.document(signed_code)
        role, signer_id = signer_for(case, work, step, document)
        for version in drafts:
            if version.code != document.draft or version.content_type != "application/pdf":
                continue
            existing = db.session.scalar(select(SignatureRequest).where(
                SignatureRequest.work_item_id == work.id, SignatureRequest.code == signed_code,
                SignatureRequest.item_key == version.item_key, SignatureRequest.state.in_(OPEN_STATES + ("diproses",))))
            if existing is not None:
                if existing.source_version_id != version.id and existing.state != "diproses":
                    existing.source_version_id = version.id  # a corrected draft replaces the queued one
                continue
            created.append(_new_request(case, work, document, version, role, signer_id))
    db.session.flush()
    return created


def retarget_requests(case: Case, work: WorkItem) -> None:
    """The step's signer was (re)named: documents still waiting follow them to their queue."""
    flow = engine.flow_of(case)
    step = flow.step(work.step_key)
    for request in db.session.scalars(select(SignatureRequest).where(
            SignatureRequest.work_item_id == work.id, SignatureRequest.state.in_(OPEN_STATES))):
        request.signer_role, request.signer_user_id = signer_for(case, work, step, flow.document(request.code))


def _new_request(case, work, document, source: DocumentVersion, role, signer_id) -> SignatureRequest:
    request = SignatureRequest(
        public_id=secrets.token_urlsafe(18), case_id=case.id, work_item_id=work.id, code=document.code,
        item_key=source.item_key, doc_type=str(document.kind), signer_role=role, signer_user_id=signer_id,
        source_version_id=source.id, state="menunggu", title=document.short_name,
    )
    if source.item_key:
        item = db.session.get(CaseItem, int(source.item_key.split(":", 1)[1]))
        data = item.data or {}
        request.holder_name = item.label
        request.title = f"{document.short_name} — {item.label}"[:300]
        request.number = data.get("certificate_number")
        request.registration_number = data.get("registration_number")
        if data.get("valid_until"):
            from datetime import date

            request.valid_until = date.fromisoformat(data["valid_until"])
            request.valid_from = to_wib(utcnow()).date()
    elif document.kind == DocKind.LICENCE_CERTIFICATE and case.organisation:
        request.holder_name = case.organisation.name
        request.title = f"{document.short_name} — {case.organisation.name}"[:300]
        today = to_wib(utcnow()).date()
        years = int((case.data or {}).get("licence_valid_years") or 5)  # the plenary's decision (licensing.pleno)
        request.valid_from, request.valid_until = today, today + relativedelta(years=years)
    else:
        request.title = f"{document.short_name} — {case.title}"[:300]  # e.g. the letter's subject
    db.session.add(request)
    return request


def pending_for(user: User, ids: list[int] | None = None) -> list[SignatureRequest]:
    """Documents waiting for this user's signature (their role, or them by name), oldest first."""
    query = select(SignatureRequest).where(
        SignatureRequest.state.in_(OPEN_STATES),
        SignatureRequest.signer_role.in_(user.role_codes),
        or_(SignatureRequest.signer_user_id.is_(None), SignatureRequest.signer_user_id == user.id),
    ).order_by(SignatureRequest.created_at, SignatureRequest.id)
    if ids is not None:
        query = query.where(SignatureRequest.id.in_(ids))
    return list(db.session.scalars(query))


def load_request_for(user: User, request_id: int) -> SignatureRequest | None:
    request = db.session.get(SignatureRequest, request_id)
    if request is None:
        return None
    if request.signer_role not in user.role_codes:
        return None
    if request.signer_user_id not in (None, user.id):
        return None
    return request


# --- signing PIN ------------------------------------------------------------------------------

def set_pin(user: User, pin: str) -> None:
    if not pin.isdigit() or not 6 <= len(pin) <= 12:
        raise SigningQueueError("PIN tanda tangan harus 6–12 angka.")
    credential = db.session.scalar(select(SigningCredential).where(SigningCredential.user_id == user.id))
    if credential is None:
        credential = SigningCredential(user_id=user.id, pin_hash="")
        db.session.add(credential)
    credential.pin_hash = hasher().hash(pin)
    credential.failed_attempts = 0
    credential.locked_until = None
    credential.updated_at = utcnow()
    db.session.flush()
    record("signing.pin_set", user)


def check_pin(user: User, pin: str) -> None:
    credential = db.session.scalar(select(SigningCredential).where(SigningCredential.user_id == user.id))
    if credential is None:
        raise SigningQueueError("PIN tanda tangan belum diatur. Hubungi admin.", 403)
    now = utcnow()
    if credential.locked_until and credential.locked_until > now:
        raise SigningQueueError(_locked_message(credential.locked_until), 429)
    try:
        hasher().verify(credential.pin_hash, pin or "")
    except (VerificationError, InvalidHashError):
        credential.failed_attempts += 1
        record("signing.pin_failed", user)
        if credential.failed_attempts >= PIN_MAX_FAILURES:
            credential.locked_until = now + timedelta(minutes=PIN_LOCK_MINUTES)
            credential.failed_attempts = 0
            raise SigningQueueError(f"PIN tanda tangan salah {PIN_MAX_FAILURES} kali. "
                                    + _locked_message(credential.locked_until), 429)
        left = PIN_MAX_FAILURES - credential.failed_attempts
        raise SigningQueueError(f"PIN tanda tangan salah. Sisa {left} kali percobaan sebelum "
                                f"penandatanganan dikunci {PIN_LOCK_MINUTES} menit.", 403)
    credential.failed_attempts = 0


def _locked_message(until) -> str:
    local = to_wib(until)
    day = "" if local.date() == to_wib(utcnow()).date() else f" {format_date_id(local)}"
    return (f"Penandatanganan dikunci sampai pukul {local:%H.%M} WIB{day}; "
            "dokumen yang dipilih tetap tersimpan.")


# --- batches ---------------------------------------------------------------------------------

def start_batch(user: User, request_ids: list[int], pin: str, batch: SigningBatch | None = None) -> SigningBatch:
    """Claim the selected documents for one batch (a prepared one, or a new one); the caller
    commits, then enqueues the task."""
    if not request_ids:
        raise SigningQueueError("Pilih minimal satu dokumen untuk ditandatangani.")
    if current_app.config.get("SIGNING_BACKEND") != "tte":
        check_pin(user, pin)  # with TTE the passphrase goes to the national service, which checks it
    elif not pin:
        raise SigningQueueError("Passphrase TTE wajib diisi.", 403)
    requests = pending_for(user, request_ids)
    if len(requests) != len(set(request_ids)):
        raise SigningQueueError("Sebagian dokumen yang dipilih sudah diproses atau bukan untuk Anda. "
                                "Muat ulang antrean.", 409)
    if batch is None:
        batch = SigningBatch(signer_id=user.id)
        db.session.add(batch)
    batch.total, batch.state, batch.started_at = len(requests), "berjalan", utcnow()
    db.session.flush()
    for request in requests:
        request.state = "diproses"
        request.batch_id = batch.id
        request.error = None
    record("signing.batch_start", batch, detail={"documents": [r.id for r in requests]})
    return batch


def batch_progress(batch: SigningBatch) -> dict:
    counts = dict(db.session.execute(
        select(SignatureRequest.state, func.count()).where(SignatureRequest.batch_id == batch.id)
        .group_by(SignatureRequest.state)).all())
    done = counts.get("ditandatangani", 0)
    failed = counts.get("gagal", 0)
    return {"total": batch.total, "done": done, "failed": failed, "waiting": counts.get("diproses", 0),
            "finished": batch.state in ("selesai", "gagal"),
            "percent": int(100 * (done + failed) / batch.total) if batch.total else 100}


def reject(user: User, request: SignatureRequest, note: str) -> None:
    """The signer sends the document back to its step with a note (the step's return action)."""
    if not (note or "").strip():
        raise SigningQueueError("Catatan wajib diisi saat mengembalikan dokumen.")
    if request.state not in OPEN_STATES:
        raise SigningQueueError("Dokumen ini tidak sedang menunggu tanda tangan.", 409)
    case = request.case
    work = db.session.get(WorkItem, request.work_item_id)
    step = engine.flow_of(case).step(work.step_key)
    back = next((t for t in step.transitions if t.kind is Kind.RETURN), None)
    if back is None:
        raise SigningQueueError("Langkah ini tidak dapat dikembalikan.", 409)
    for other in db.session.scalars(select(SignatureRequest).where(
            SignatureRequest.work_item_id == work.id, SignatureRequest.state.in_(OPEN_STATES))):
        other.state = "ditolak"
        other.error = note.strip()
    try:
        engine.act(case, work.id, back.key, user, reason=note.strip())
    except engine.CaseError as exc:
        raise SigningQueueError(exc.message, exc.status)


# --- what signing does to the case (recording a signed document: portal/signing/recording.py) ----

def cancel_open_requests(work: WorkItem) -> None:
    """The step ended another way (returned, withdrawn, signed on paper): its queue entries go."""
    execute_in((SignatureRequest,), "signing.cancel_open_requests", [work.id], lambda work_ids: update(
        SignatureRequest).where(SignatureRequest.work_item_id.in_(work_ids), SignatureRequest.state.in_(OPEN_STATES))
        .values(state="dibatalkan").execution_options(synchronize_session=False))


def assign_numbers(case: Case, step, actor: User | None) -> list[str]:
    """PHU's registration and dispatch step: the signed documents of the step's `numbers` already
    carry the number signing gave them (inside the PDF and its QR); this records them in the
    agenda. Only a document signed without a number (before numbering moved to signing) is
    numbered here, from the same series."""
    from portal.cases.timeline import note
    from portal.numbering.at_signing import classification_for
    from portal.numbering.services import reserve_number

    numbers = []
    flow = engine.flow_of(case)
    for code in step.numbers:
        document = flow.document(code)
        if document.series is None:
            continue
        requests = db.session.scalars(select(SignatureRequest).where(
            SignatureRequest.case_id == case.id, SignatureRequest.code == code,
            SignatureRequest.state == "ditandatangani").order_by(SignatureRequest.id))
        for request in requests:
            if not request.number:
                _seq, request.number = reserve_number(series_key(document.series), utcnow(),
                                                      classification_for(request, document))
                record("signing.numbered", request, actor=actor, detail={"number": request.number,
                                                                          "at": "registrasi"})
            if document.kind == DocKind.LICENCE_CERTIFICATE and case.organisation:
                case.organisation.licence_number = request.number
            numbers.append(request.number)
            record("signing.registered", request, actor=actor, detail={"number": request.number})
    if numbers:
        note(case, actor, "Registrasi & pengiriman: nomor " + ", ".join(numbers) + " tercatat di agenda",
            step_key=getattr(step, "key", None))
    return numbers
