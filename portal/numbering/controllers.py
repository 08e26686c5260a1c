"""Admin screens of the number series: list, edit with a live preview, record a void."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core.access import allow
from portal.core.dates import to_wib, utcnow
from portal.extensions import db, htmx
from portal.numbering import services
from portal.numbering.blueprint import bp
from portal.numbering.formats import CLASSIFICATIONS, PLACEHOLDERS, PatternError, render_pattern
from portal.numbering.models import RESET_CONTINUOUS, RESET_YEARLY

RESETS = {RESET_YEARLY: "Diulang dari 1 setiap tahun", RESET_CONTINUOUS: "Berlanjut terus (tidak diulang)"}


def _view(code: str) -> services.SeriesView:
    try:
        return services.describe(code)
    except services.NumberingError:
        abort(404)


def _edit_page(view: services.SeriesView, *, form=None, error=None, status=200):
    return render_template("numbering/edit.html", view=view, form=form, error=error, resets=RESETS,
                           classifications=CLASSIFICATIONS, placeholders=PLACEHOLDERS,
                           voids=services.voids_of(view.definition.code)), status


@bp.get("/")
@allow("admin")
def index():
    views = [services.describe(d.code) for d in services.all_definitions()]
    db.session.commit()  # series first seen here are saved with their defaults
    return render_template("numbering/index.html", views=views, resets=RESETS)


@bp.route("/<code>", methods=["GET", "POST"])
@allow("admin")
def edit(code: str):
    view = _view(code)
    if request.method == "GET":
        return _edit_page(view)
    form = request.form
    try:
        next_sequence = int(form.get("next_sequence", ""))
    except ValueError:
        return _edit_page(view, form=form, error="Nomor berikutnya harus berupa angka.", status=422)
    try:
        services.update_series(code, name=form.get("name", ""), pattern=form.get("pattern", ""),
                               classification=form.get("classification", ""), reset=form.get("reset", ""),
                               next_sequence=next_sequence, actor=current_user._get_current_object())
    except services.NumberingError as exc:
        db.session.rollback()
        return _edit_page(_view(code), form=form, error=str(exc), status=422)
    db.session.commit()
    flash("Seri nomor disimpan.", "success")
    return redirect(url_for("numbering.index"))


@bp.get("/<code>/pratinjau")
@allow("admin")
def preview(code: str):
    """The next number as the pattern being typed would write it (HTMX fragment)."""
    view = _view(code)
    args = request.args
    pattern = args.get("pattern", view.definition.pattern)
    classification = args.get("classification", view.definition.classification)
    next_sequence = args.get("next_sequence", view.next_sequence, type=int) or view.next_sequence
    try:
        text, error = render_pattern(pattern, next_sequence, to_wib(utcnow()).date(), classification), None
    except PatternError as exc:
        text, error = None, str(exc)
    fragment = render_template("numbering/_preview.html", text=text, error=error)
    if htmx:
        return fragment
    return _edit_page(view)


@bp.post("/<code>/batal")
@allow("admin")
def void(code: str):
    view = _view(code)
    form = request.form
    try:
        services.void_number(code, form.get("sequence", 0, type=int) or 0,
                             year=form.get("year", to_wib(utcnow()).year, type=int) or 0,
                             reason=form.get("reason", ""), actor=current_user._get_current_object())
    except services.NumberingError as exc:
        db.session.rollback()
        return _edit_page(view, error=str(exc), status=422)
    db.session.commit()
    flash("Nomor dicatat batal.", "success")
    return redirect(url_for("numbering.edit", code=code))
