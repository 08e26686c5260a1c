"""A batch's pages: confirmation with the PIN, review one document at a time, progress."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.access import allow
from portal.extensions import db
from portal.signing import desk, preview as previews, queue, review
from portal.signing.blueprint import bp
from portal.signing.controllers import SIGNERS
from portal.signing.models import SignatureRequest, SigningBatch


def _own_batch(batch_id: int) -> SigningBatch:
    batch = db.session.get(SigningBatch, batch_id)
    if batch is None or batch.signer_id != current_user.id:
        abort(404)
    return batch


def _confirm_page(batch: SigningBatch, error: str | None = None, status: int = 200):
    entries = review.selection(batch)
    chosen = [e for e in entries if e.returned_at is None]
    rows = desk.rows_for(current_user, [e.request_id for e in chosen])
    state = {e.request_id: e for e in entries}
    return render_template("signing/confirm.html", batch=batch, rows=rows, state=state,
                           counts=desk.kind_counts(rows), returned=len(entries) - len(chosen),
                           opened=sum(1 for e in chosen if e.opened_at), error=error), status


@bp.get("/batch/<int:batch_id>/konfirmasi")
@allow(*SIGNERS)
def confirm(batch_id: int):
    batch = _own_batch(batch_id)
    if batch.state != "disiapkan":
        return redirect(url_for("signing.batch", batch_id=batch.id))
    return _confirm_page(batch)


@bp.post("/batch/<int:batch_id>/mulai")
@allow(*SIGNERS)
def start(batch_id: int):
    batch = _own_batch(batch_id)
    pin = request.form.get("pin", "")
    try:
        review.start(current_user, batch, pin)
    except queue.SigningQueueError as exc:
        if exc.status in (403, 429):
            db.session.commit()  # keep the PIN failure count (nothing else was changed)
        else:
            db.session.rollback()
        return _confirm_page(batch, exc.message, exc.status)
    db.session.commit()
    from portal.signing.tasks import dispatch_batch

    dispatch_batch(batch.id, pin)
    return redirect(url_for("signing.batch", batch_id=batch.id))


def _entry_at(batch: SigningBatch, position: int):
    entries = review.selection(batch)
    if not 1 <= position <= len(entries):
        abort(404)
    return entries, entries[position - 1]


@bp.get("/batch/<int:batch_id>/tinjau/<int:position>")
@allow(*SIGNERS)
def review_document(batch_id: int, position: int):
    """Review mode: one document of the selection, large, with keys for next / return / keep."""
    batch = _own_batch(batch_id)
    if batch.state != "disiapkan":
        return redirect(url_for("signing.batch", batch_id=batch.id))
    entries, entry = _entry_at(batch, position)
    review.mark_opened(batch, entry)
    db.session.commit()
    version = entry.request.signed_version or entry.request.source_version
    rows = desk.rows_for(current_user, [entry.request_id])
    return render_template("signing/review.html", batch=batch, entry=entry, row=rows[0] if rows else None,
                           position=position, count=len(entries), pages=previews.page_count(version),
                           error=request.args.get("galat"))


def _next(batch: SigningBatch, position: int, count: int):
    if position < count:
        return redirect(url_for("signing.review_document", batch_id=batch.id, position=position + 1))
    return redirect(url_for("signing.confirm", batch_id=batch.id))


@bp.post("/batch/<int:batch_id>/tinjau/<int:position>/simpan")
@allow(*SIGNERS)
def keep_document(batch_id: int, position: int):
    batch = _own_batch(batch_id)
    entries, entry = _entry_at(batch, position)
    try:
        review.keep(batch, entry)
    except queue.SigningQueueError as exc:
        db.session.rollback()
        abort(exc.status, exc.message)
    db.session.commit()
    return _next(batch, position, len(entries))


@bp.post("/batch/<int:batch_id>/tinjau/<int:position>/kembalikan")
@allow(*SIGNERS)
def return_document(batch_id: int, position: int):
    batch = _own_batch(batch_id)
    entries, entry = _entry_at(batch, position)
    try:
        review.return_document(current_user, batch, entry, request.form.get("note", ""))
    except queue.SigningQueueError as exc:
        db.session.rollback()
        return redirect(url_for("signing.review_document", batch_id=batch.id, position=position,
                                galat=exc.message))
    db.session.commit()
    return _next(batch, position, len(entries))


@bp.get("/batch/<int:batch_id>")
@allow(*SIGNERS)
def batch(batch_id: int):
    batch = _own_batch(batch_id)
    if batch.state == "disiapkan":
        return redirect(url_for("signing.confirm", batch_id=batch.id))
    return render_template("signing/batch.html", **_progress(batch))


@bp.get("/batch/<int:batch_id>/progres")
@allow(*SIGNERS)
def batch_progress(batch_id: int):
    return render_template("signing/_progress.html", **_progress(_own_batch(batch_id)))


def _progress(batch: SigningBatch) -> dict:
    """While the batch runs a poll costs two small queries; the full list comes once it ends."""
    progress = queue.batch_progress(batch)
    in_batch = select(SignatureRequest).where(SignatureRequest.batch_id == batch.id)
    if not progress["finished"]:
        last = db.session.scalar(in_batch.where(SignatureRequest.state == "ditandatangani")
                                 .order_by(SignatureRequest.signed_at.desc(), SignatureRequest.id.desc()).limit(1))
        return {"batch": batch, "progress": progress, "documents": [], "last_signed": last}
    documents = db.session.scalars(in_batch.options(selectinload(SignatureRequest.case))
                                   .order_by(SignatureRequest.id))
    return {"batch": batch, "progress": progress, "documents": list(documents), "last_signed": None}
