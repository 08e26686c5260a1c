"""A batch before the PIN: the signer's selection is kept as a prepared batch, which they may step
through one document at a time (keep it, or return it to its step with a note); the batch keeps
which documents were opened. Operations flush; the request handler commits."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.dates import utcnow
from portal.extensions import db
from portal.signing import queue
from portal.signing.models import SignatureRequest, SigningBatch, SigningBatchDocument
from portal.signing.queue import SigningQueueError


def prepare_batch(user: User, request_ids: list[int]) -> SigningBatch:
    """Keep the selection (in desk order) as a batch waiting for the PIN."""
    if not request_ids:
        raise SigningQueueError("Pilih minimal satu dokumen untuk ditandatangani.")
    waiting = {r.id for r in queue.pending_for(user, request_ids)}
    if len(waiting) != len(set(request_ids)):
        raise SigningQueueError("Sebagian dokumen yang dipilih sudah diproses atau bukan untuk Anda. "
                                "Muat ulang antrean.", 409)
    batch = SigningBatch(signer_id=user.id, state="disiapkan", total=len(waiting))
    db.session.add(batch)
    db.session.flush()
    seen = set()
    for position, request_id in enumerate(request_ids):
        if request_id not in seen:
            seen.add(request_id)
            db.session.add(SigningBatchDocument(batch_id=batch.id, request_id=request_id, position=position))
    db.session.flush()
    return batch


def selection(batch: SigningBatch) -> list[SigningBatchDocument]:
    return list(db.session.scalars(select(SigningBatchDocument).where(SigningBatchDocument.batch_id == batch.id)
                                   .order_by(SigningBatchDocument.position)))


def chosen_ids(batch: SigningBatch) -> list[int]:
    """The documents still in the selection (not returned during review)."""
    return list(db.session.scalars(select(SigningBatchDocument.request_id).where(
        SigningBatchDocument.batch_id == batch.id, SigningBatchDocument.returned_at.is_(None))
        .order_by(SigningBatchDocument.position)))


def entry(batch: SigningBatch, request_id: int) -> SigningBatchDocument | None:
    return db.session.scalar(select(SigningBatchDocument).where(
        SigningBatchDocument.batch_id == batch.id, SigningBatchDocument.request_id == request_id))


def mark_opened(batch: SigningBatch, document: SigningBatchDocument) -> None:
    if batch.state == "disiapkan" and document.opened_at is None:
        document.opened_at = utcnow()


def keep(batch: SigningBatch, document: SigningBatchDocument) -> None:
    _editable(batch)
    document.opened_at = document.opened_at or utcnow()
    document.kept_at = utcnow()


def return_document(user: User, batch: SigningBatch, document: SigningBatchDocument, note: str) -> None:
    """Send the document back to its step with a note; its step's other documents go back with it
    and leave the selection too."""
    _editable(batch)
    queue.reject(user, document.request, note)
    now = utcnow()
    returned = set(db.session.scalars(select(SignatureRequest.id).where(
        SignatureRequest.work_item_id == document.request.work_item_id, SignatureRequest.state == "ditolak")))
    for other in selection(batch):
        if other.request_id in returned and other.returned_at is None:
            other.returned_at = now
            other.opened_at = other.opened_at or (now if other.id == document.id else None)
    batch.total = len(chosen_ids(batch))


def start(user: User, batch: SigningBatch, pin: str) -> SigningBatch:
    """The PIN confirms the prepared selection: the documents are claimed and the batch runs."""
    if batch.state != "disiapkan":
        raise SigningQueueError("Batch ini sudah dimulai.", 409)
    ids = chosen_ids(batch)
    queue.start_batch(user, ids, pin, batch=batch)
    opened = [d.request_id for d in selection(batch) if d.opened_at and d.returned_at is None]
    record("signing.batch_reviewed", batch, detail={"opened_before_pin": opened, "selected": len(ids)})
    return batch


def _editable(batch: SigningBatch) -> None:
    if batch.state != "disiapkan":
        raise SigningQueueError("Batch ini sudah dimulai; dokumennya tidak dapat diubah lagi.", 409)
