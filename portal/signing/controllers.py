"""The signer's desk: the queue (grouped, filtered, paged), previews, returning a document, and
turning a selection into a prepared batch. The batch pages are in batch_controllers.py."""
from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import storage
from portal.core.access import allow
from portal.extensions import db, htmx
from portal.signing import desk, preview as previews, queue, review
from portal.signing.blueprint import bp

SIGNERS = ("ketua", "kasek", "anggota")


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _queue_page(error: str | None = None, status: int = 200, selected: set[int] = frozenset(),
                groups: set[str] = frozenset(), filters: desk.DeskFilters | None = None):
    filters = filters or desk.DeskFilters.from_args(request.args)
    page = desk.desk_page(current_user, filters)
    template = "signing/_desk.html" if htmx and not error and htmx.target == "desk" else "signing/queue.html"
    return render_template(template, desk=page, error=error, selected=selected, chosen_groups=groups,
                           groupings=desk.GROUPINGS), status


@bp.get("/", endpoint="queue")
@allow(*SIGNERS)
def queue_view():
    return _queue_page()


@bp.post("/siapkan")
@allow(*SIGNERS)
def prepare():
    """The ticked documents and groups become a prepared batch; the PIN comes on the next page."""
    filters = desk.DeskFilters.from_args(request.form)
    ids, groups = _ids(request.form.getlist("requests")), request.form.getlist("groups")
    try:
        batch = review.prepare_batch(current_user, desk.resolve_selection(current_user, ids, groups, filters))
    except queue.SigningQueueError as exc:
        db.session.rollback()
        return _queue_page(exc.message, exc.status, set(ids), set(groups), filters)
    db.session.commit()
    return redirect(url_for("signing.confirm", batch_id=batch.id))


@bp.post("/batch")
@allow(*SIGNERS)
def start_batch():
    """Selection and PIN in one request (forms that carry both); the desk's own pages go through
    the prepared batch and its confirmation instead."""
    filters = desk.DeskFilters.from_args(request.form)
    ids, groups = _ids(request.form.getlist("requests")), request.form.getlist("groups")
    pin = request.form.get("pin", "")
    try:
        batch = review.prepare_batch(current_user, desk.resolve_selection(current_user, ids, groups, filters))
        review.start(current_user, batch, pin)
    except queue.SigningQueueError as exc:
        if exc.status in (403, 429):
            db.session.commit()  # the PIN failure count, and the selection as a prepared batch
        else:
            db.session.rollback()
        return _queue_page(exc.message, exc.status, set(ids), set(groups), filters)
    db.session.commit()
    from portal.signing.tasks import dispatch_batch

    dispatch_batch(batch.id, pin)
    return redirect(url_for("signing.batch", batch_id=batch.id))


def _request_or_404(request_id: int):
    signature_request = queue.load_request_for(current_user, request_id)
    if signature_request is None:
        abort(404)
    return signature_request


@bp.get("/<int:request_id>/pratinjau")
@allow(*SIGNERS)
def preview(request_id: int):
    signature_request = _request_or_404(request_id)
    version = signature_request.signed_version or signature_request.source_version
    response = make_response(storage.send_stored(version.storage_key, "application/pdf", version.filename,
                                                 version.sha256))
    # Shown inside the desk's preview frame: same-origin framing only for this response.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:request_id>/halaman/<int:page>")
@allow(*SIGNERS)
def page_image(request_id: int, page: int):
    signature_request = _request_or_404(request_id)
    version = signature_request.signed_version or signature_request.source_version
    path = previews.page_png(version, page)
    if path is None:
        abort(404)
    response = make_response(send_file(path, mimetype="image/png", max_age=3600))
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/<int:request_id>/panel")
@allow(*SIGNERS)
def preview_panel(request_id: int):
    signature_request = _request_or_404(request_id)
    version = signature_request.signed_version or signature_request.source_version
    row = desk.rows_for(current_user, [signature_request.id])
    return render_template("signing/_preview.html", r=signature_request, row=row[0] if row else None,
                           pages=previews.page_count(version))


@bp.post("/<int:request_id>/kembalikan")
@allow(*SIGNERS)
def reject(request_id: int):
    signature_request = _request_or_404(request_id)
    try:
        queue.reject(current_user, signature_request, request.form.get("note", ""))
    except queue.SigningQueueError as exc:
        db.session.rollback()
        return _queue_page(exc.message, exc.status)
    db.session.commit()
    return redirect(url_for("signing.queue"))


from portal.signing import batch_controllers  # noqa: E402,F401  (the batch pages)
