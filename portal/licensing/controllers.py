"""Licensing screens beside the case page: a file per requirement, the access code, LKS findings,
and the admin's requirement checklist. Load (404) → check access (403, in the services) → process;
one commit per request."""
from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from portal import storage, uploads
from portal.cases import services as case_services
from portal.cases.errors import CaseError
from portal.core.access import AUTHENTICATED, allow, public
from portal.extensions import db
from portal.forms.base import FormInvalid
from portal.licensing import access_code, application, checklist, evidence, lks, register, teams
from portal.licensing.blueprint import bp
from portal.licensing.models import STAGES, FindingAnswer, LksFinding, Requirement, RequirementFile


def _case(number: str):
    case = case_services.load_case_for(current_user, number)
    if case.flow_code != "LIS":
        abort(404)
    return case


def _perform(case, operation: Callable[[], object], success: str):
    """Success: commit and back to the case page. Refused: roll back and show the case page saying why."""
    from portal.cases.controllers import _render_case

    try:
        operation()
    except FormInvalid as exc:
        db.session.rollback()
        return _render_case(case, " ".join(exc.errors), exc.status)
    except CaseError as exc:
        db.session.rollback()
        return _render_case(case, exc.message, exc.status)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("cases.show", number=case.number))


@bp.post("/kasus/<number>/persyaratan/<int:requirement_id>")
@allow("lsp")
def upload_requirement(number: str, requirement_id: int):
    case = _case(number)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        from portal.cases.controllers import _render_case

        return _render_case(case, "Pilih berkas PDF untuk persyaratan ini.", 422)
    data = upload.read(uploads.max_bytes() + 1)
    return _perform(case, lambda: checklist.upload_file(case, requirement_id, upload.filename, data, current_user),
                    "Berkas persyaratan diunggah.")


@bp.get("/kasus/<number>/persyaratan/berkas/<int:file_id>")
@allow(AUTHENTICATED)
def requirement_file(number: str, file_id: int):
    case = _case(number)
    row = db.session.get(RequirementFile, file_id)
    if row is None or row.case_id != case.id:
        abort(404)
    return storage.send_stored(row.storage_key, "application/pdf", row.filename, row.sha256)


@bp.post("/kasus/<number>/kode-akses")
@allow("lsp")
def enter_access_code(number: str):
    case = _case(number)
    return _perform(case, lambda: access_code.enter(case, request.form.get("code", ""), current_user),
                    "Kode akses diterima. Unggahan dokumen lisensi terbuka.")


@bp.post("/kasus/<number>/temuan")
@allow("asesor_lisensi")
def add_finding(number: str):
    case = _case(number)
    formdata = CombinedMultiDict((request.form, request.files))
    return _perform(case, lambda: lks.add_finding(case, formdata, current_user), "Temuan dicatat pada LKS.")


@bp.get("/kasus/<number>/temuan/<int:finding_id>/bukti")
@allow(AUTHENTICATED)
def finding_evidence(number: str, finding_id: int):
    """The assessor's evidence file on a finding (the team and staff; the CLSP once the LKS is sent)."""
    case = _case(number)
    finding = db.session.get(LksFinding, finding_id)
    if finding is None or finding.case_id != case.id or finding.evidence_key is None:
        abort(404)
    if not evidence.may_open_finding(current_user, case, finding):
        abort(403)
    return evidence.send(finding)


@bp.get("/kasus/<number>/jawaban/<int:answer_id>/bukti")
@allow(AUTHENTICATED)
def answer_evidence(number: str, answer_id: int):
    """The CLSP's evidence file of a correction (the CLSP, the team and staff)."""
    case = _case(number)
    answer = db.session.get(FindingAnswer, answer_id)
    finding = db.session.get(LksFinding, answer.finding_id) if answer else None
    if finding is None or finding.case_id != case.id or answer.evidence_key is None:
        abort(404)
    if not evidence.may_open_answer(current_user, case, answer, finding):
        abort(403)
    return evidence.send(answer)


@bp.post("/kasus/<number>/temuan/<int:finding_id>/hapus")
@allow("asesor_lisensi")
def remove_finding(number: str, finding_id: int):
    case = _case(number)
    return _perform(case, lambda: lks.remove_finding(case, finding_id, current_user), "Temuan dihapus.")


@bp.route("/kasus/<number>/tim", methods=["GET", "POST"])
@allow("staf_lisensi", "kabag", "admin")
def team(number: str):
    """One screen to name the assessor team (lead, members, conflict-of-interest declarations)."""
    case = _case(number)
    error, status = None, 200
    assessment = request.values.get("asesmen", "penuh")
    if request.method == "POST":
        form = request.form
        try:
            teams.assign_team(case, assessment, form.get("lead", type=int),
                              [int(v) for v in form.getlist("members") if v.isdigit()],
                              {int(v) for v in form.getlist("no_conflict") if v.isdigit()}, current_user)
        except CaseError as exc:
            db.session.rollback()
            error, status = exc.message, exc.status
        else:
            db.session.commit()
            flash("Tim asesor ditetapkan; Surat Tugas akan menyebutkan seluruh anggotanya.", "success")
            return redirect(url_for("cases.show", number=case.number))
    current = {key: teams.current_team(case, key) for key in teams.ASSESSMENTS}
    return render_template("licensing/team.html", case=case, assessments=teams.ASSESSMENTS, chosen=assessment,
                           candidates=teams.candidates(), current=current, error=error,
                           form=request.form if error else {}), status


@bp.route("/permohonan", methods=["GET", "POST"])
@allow("lsp")
def apply():
    """The licence application: type of LSP, schemes applied for, address."""
    form = application.ApplicationForm(request.form if request.method == "POST" else None,
                                       data=None if request.method == "POST" else
                                       {"address": current_user.organisation.address if current_user.organisation else ""})
    if request.method == "POST":
        if current_user.organisation is None:
            return render_template("licensing/apply.html", form=form, error="Akun Anda belum terhubung ke lembaga."), 422
        try:
            case = application.apply(form, current_user)
        except FormInvalid as exc:
            db.session.rollback()
            return render_template("licensing/apply.html", form=form, error=" ".join(exc.errors)), 422
        db.session.commit()
        flash(f"Permohonan lisensi {case.number} dibuat. Unggah persyaratan apresiasi per item.", "success")
        return redirect(url_for("cases.show", number=case.number))
    return render_template("licensing/apply.html", form=form, error=None)


@bp.get("/saya")
@allow("lsp")
def my_licences():
    """The LSP's own page: each application, what to do next and by when, findings, documents."""
    return render_template("licensing/mine.html", standings=application.standings(current_user))


@bp.get("/register")
@public
def public_register():
    """Public register of licensed LSPs: name, number, scope, valid until, status; searchable."""
    q = request.args.get("q", "")[:100]
    return render_template("licensing/register.html", entries=register.entries(q), q=q, internal=False)


@bp.get("/register/internal")
@allow("staf_lisensi", "kabag", "kasek", "ketua", "anggota", "admin")
def internal_register():
    q = request.args.get("q", "")[:100]
    return render_template("licensing/register.html", entries=register.entries(q), q=q, internal=True,
                           may_change="staf_lisensi" in current_user.role_codes or "kabag" in current_user.role_codes
                           or "admin" in current_user.role_codes, statuses=register.STATUSES)


@bp.post("/register/<number>/status")
@allow("staf_lisensi", "kabag", "admin")
def change_licence_status(number: str):
    case = _case(number)
    try:
        register.change_status(case, request.form.get("status", ""), request.form.get("reason", ""), current_user)
    except CaseError as exc:
        db.session.rollback()
        return render_template("licensing/register.html", entries=register.entries(), q="", internal=True,
                               may_change=True, statuses=register.STATUSES, error=exc.message), exc.status
    db.session.commit()
    flash("Status lisensi diperbarui.", "success")
    return redirect(url_for("licensing.internal_register"))


@bp.route("/persyaratan", methods=["GET", "POST"])
@allow("admin")
def requirements():
    error, status = None, 200
    if request.method == "POST":
        form = request.form
        try:
            checklist.save_requirement(
                current_user, requirement_id=form.get("id", type=int), stage=form.get("stage", ""),
                item=form.get("item", ""), description=form.get("description", ""),
                required=form.get("required") == "1", active=form.get("active", "1") == "1",
                position=form.get("position", type=int))
        except CaseError as exc:
            db.session.rollback()
            error, status = exc.message, exc.status
        else:
            db.session.commit()
            flash("Daftar persyaratan disimpan.", "success")
            return redirect(url_for("licensing.requirements"))
    checklist.ensure_default_requirements()
    db.session.commit()
    rows = {stage: checklist.requirements(stage, include_inactive=True) for stage in STAGES}
    return render_template("licensing/requirements.html", rows=rows, stages=STAGES, error=error,
                           form=request.form if error else {}), status


__all__ = ["Requirement"]
