"""Screens of the assessment area: the scheme catalogue (admin), account activation (public link),
and the participant's own page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.services import AccountError
from portal.assessment import activation, catalogue
from portal.assessment.blueprint import bp
from portal.assessment.models import SCHEME_KINDS, Scheme
from portal.core.access import AUTHENTICATED, allow, public
from portal.extensions import db, htmx

MAX_CSV_BYTES = 2 * 1024 * 1024


@bp.get("/admin/skema")
@allow("admin")
def schemes():
    return render_template("assessment/schemes.html", schemes=catalogue.all_schemes(), kinds=SCHEME_KINDS,
                           errors=[], form={})


@bp.post("/admin/skema")
@allow("admin")
def save_scheme():
    form = request.form
    scheme = db.session.get(Scheme, form.get("id", type=int)) if form.get("id") else None
    try:
        saved = catalogue.save_scheme(form.get("number", ""), form.get("title", ""), form.get("kind", ""),
                                      form.get("active") == "1", current_user, scheme=scheme)
    except catalogue.CatalogueError as exc:
        db.session.rollback()
        return render_template("assessment/schemes.html", schemes=catalogue.all_schemes(), kinds=SCHEME_KINDS,
                               errors=exc.messages, form=form), 422
    db.session.commit()
    flash(f"Skema {saved.number} tersimpan.", "success")
    return redirect(url_for("assessment.schemes"))


@bp.post("/admin/skema/impor")
@allow("admin")
def import_schemes():
    upload = request.files.get("file")
    data = upload.read(MAX_CSV_BYTES + 1) if upload else b""
    try:
        if not data:
            raise catalogue.CatalogueError("Pilih berkas CSV katalog skema.")
        if len(data) > MAX_CSV_BYTES:
            raise catalogue.CatalogueError("Berkas CSV terlalu besar (maks. 2 MB).")
        imported = catalogue.import_csv(data, current_user)
    except catalogue.CatalogueError as exc:
        db.session.rollback()
        return render_template("assessment/schemes.html", schemes=catalogue.all_schemes(), kinds=SCHEME_KINDS,
                               errors=exc.messages, form={}), 422
    db.session.commit()
    flash(f"{len(imported)} skema diimpor: {', '.join(s.number for s in imported)}.", "success")
    return redirect(url_for("assessment.schemes"))


@bp.get("/admin/skema/<int:scheme_id>")
@allow("admin", "staf_sertifikasi", "koor_sertifikasi", "koor_sdm")
def scheme(scheme_id: int):
    found = db.session.get(Scheme, scheme_id)
    if found is None:
        abort(404)
    return render_template("assessment/scheme.html", scheme=found)


@bp.route("/aktivasi/<token>", methods=["GET", "POST"])
@public
def activate(token: str):
    try:
        found = activation.token_for(token)  # the account the link belongs to
    except activation.ActivationInvalid as exc:
        return render_template("assessment/activate.html", error=str(exc), invalid=True), 410
    if request.method == "POST":
        try:
            user = activation.activate(token, request.form.get("new", ""), request.form.get("confirm", ""))
        except AccountError as exc:
            db.session.rollback()
            return render_template("assessment/activate.html", error=str(exc), invalid=False, user=found), 422
        db.session.commit()
        flash(f"Kata sandi tersimpan. Silakan masuk sebagai {user.username}.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("assessment/activate.html", error=None, invalid=False, user=found)


@bp.get("/peserta")
@allow("peserta")
def my_page():
    from portal.assessment.mine import my_cases

    return render_template("assessment/mine.html", cases=my_cases(current_user))


@bp.post("/kasus/<number>/master-asesor")
@allow("staf_sertifikasi", "koor_sertifikasi", "koor_sdm", "admin")
def name_ma(number: str):
    """Name the MA for an SPT slot; a missing or wrong choice answers 422 with the case page (the
    picker kept, the message above it), never a redirect that loses it."""
    from portal.accounts.models import User
    from portal.assessment.people import name_master_assessor
    from portal.cases import engine, services
    from portal.cases.controllers import _render_case

    case = services.load_case_for(current_user, number)
    person = db.session.get(User, request.form.get("user_id", type=int) or 0)
    try:
        if person is None:
            raise engine.CaseError("Pilih Master Asesor yang ditugaskan.", 422)
        name_master_assessor(case, request.form.get("slot", ""), person, current_user)
    except engine.CaseError as exc:
        db.session.rollback()
        return _render_case(case, exc.message, 422 if exc.status == 400 else exc.status)
    db.session.commit()
    if htmx:
        return _render_case(case)
    flash(f"{person.full_name} ditugaskan.", "success")
    return redirect(url_for("cases.show", number=number))


@bp.get("/kasus/<number>/apl01/bukti/<int:evidence_id>")
@allow(AUTHENTICATED)
def apl01_evidence(number: str, evidence_id: int):
    """A basic-requirement PDF of an APL.01: for whoever may see that participant's APL.01 (D11)."""
    from portal import storage
    from portal.assessment.models import Apl01Evidence
    from portal.cases import engine, services

    case = services.load_case_for(current_user, number)
    evidence = db.session.get(Apl01Evidence, evidence_id)
    if evidence is None or evidence.file_key is None or evidence.apl01.participant.case_id != case.id:
        abort(404)
    participant = evidence.apl01.participant
    version = engine.latest_documents(case).get(("D11", f"item:{participant.case_item_id}"))
    own = participant.item.user_id == current_user.id
    if not own and (version is None or not services.can_view_document(current_user, case, version)):
        abort(404)
    return storage.send_stored(evidence.file_key, "application/pdf", evidence.file_name, evidence.file_sha256)
