from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from portal import storage
from portal.core.access import allow
from portal.core.dates import utcnow
from portal.extensions import db, htmx
from portal.signing import queue
from portal.signing.blueprint import bp
from portal.signing.models import SigningBatch

SIGNERS = ("ketua", "kasek", "anggota")


def _queue_page(error: str | None = None, status: int = 200):
    return render_template("signing/queue.html", pending=queue.pending_for(current_user), error=error,
                           now=utcnow()), status


@bp.get("/", endpoint="queue")
@allow(*SIGNERS)
def queue_view():
    return _queue_page()


@bp.post("/batch")
@allow(*SIGNERS)
def start_batch():
    ids = [int(v) for v in request.form.getlist("requests") if v.isdigit()]
    try:
        batch = queue.start_batch(current_user, ids, request.form.get("pin", ""))
    except queue.SigningQueueError as exc:
        if exc.status in (403, 429):
            db.session.commit()  # keep the PIN failure count (nothing else was changed)
        else:
            db.session.rollback()
        return _queue_page(exc.message, exc.status)
    db.session.commit()
    from portal.signing.tasks import dispatch_batch

    dispatch_batch(batch.id, request.form.get("pin", ""))
    return redirect(url_for("signing.batch", batch_id=batch.id))


def _own_batch(batch_id: int) -> SigningBatch:
    batch = db.session.get(SigningBatch, batch_id)
    if batch is None or batch.signer_id != current_user.id:
        abort(404)
    return batch


@bp.get("/batch/<int:batch_id>")
@allow(*SIGNERS)
def batch(batch_id: int):
    batch = _own_batch(batch_id)
    return render_template("signing/batch.html", batch=batch, progress=queue.batch_progress(batch),
                           documents=_documents(batch))


@bp.get("/batch/<int:batch_id>/progres")
@allow(*SIGNERS)
def batch_progress(batch_id: int):
    batch = _own_batch(batch_id)
    return render_template("signing/_progress.html", batch=batch, progress=queue.batch_progress(batch),
                           documents=_documents(batch))


def _documents(batch: SigningBatch):
    from sqlalchemy import select

    from portal.signing.models import SignatureRequest

    return list(db.session.scalars(select(SignatureRequest).where(SignatureRequest.batch_id == batch.id)
                                   .order_by(SignatureRequest.id)))


@bp.get("/<int:request_id>/pratinjau")
@allow(*SIGNERS)
def preview(request_id: int):
    signature_request = queue.load_request_for(current_user, request_id)
    if signature_request is None:
        abort(404)
    version = signature_request.signed_version or signature_request.source_version
    response = make_response(storage.send_stored(version.storage_key, "application/pdf", version.filename,
                                                 version.sha256))
    # Shown inside the queue page's preview frame: same-origin framing only for this response.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:request_id>/panel")
@allow(*SIGNERS)
def preview_panel(request_id: int):
    signature_request = queue.load_request_for(current_user, request_id)
    if signature_request is None:
        abort(404)
    return render_template("signing/_preview.html", r=signature_request)


@bp.post("/<int:request_id>/kembalikan")
@allow(*SIGNERS)
def reject(request_id: int):
    signature_request = queue.load_request_for(current_user, request_id)
    if signature_request is None:
        abort(404)
    try:
        queue.reject(current_user, signature_request, request.form.get("note", ""))
    except queue.SigningQueueError as exc:
        db.session.rollback()
        return _queue_page(exc.message, exc.status)
    db.session.commit()
    if htmx:
        return _queue_page()
    return redirect(url_for("signing.queue"))
