from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from portal import storage, uploads
from portal.accounts.models import User
from portal.cases import assignment_rules, draft_edits, engine, services
from portal.cases import inbox as inbox_service
from portal.cases.blueprint import bp
from portal.cases.drafts import can_generate
from portal.cases.models import DocumentVersion, WorkItem
from portal.core.access import AUTHENTICATED, allow
from portal.extensions import db, htmx
from portal.flows.definition import DocKind
from portal.flows.diagram import legend, render_flow_svg
from portal.forms import services as step_forms
from portal.forms.base import FormInvalid
from portal.forms.registry import form_for
from portal.flows.registry import FLOWS, get_flow
from portal.flows.roles import INTERNAL_ROLES


@bp.get("/kotak-kerja")
@allow(AUTHENTICATED)
def inbox():
    args = request.args
    pagination, rows = inbox_service.inbox_page(current_user, flow=args.get("alur", ""), status=args.get("status", ""),
                                        q=args.get("q", ""), page=args.get("page", 1, type=int))
    context = dict(pagination=pagination, rows=rows, flows=FLOWS, statuses=inbox_service.STATUS_FILTERS, args=args)
    if htmx and htmx.target == "inbox-list":
        return render_template("cases/_inbox_list.html", **context)
    return render_template("cases/inbox.html", **context)


@bp.get("/kasus")
@allow(AUTHENTICATED)
def my_cases():
    q = request.args.get("q", "")
    pagination = services.cases_for(current_user, q, request.args.get("page", 1, type=int))
    return render_template("cases/list.html", pagination=pagination, q=q, flows=FLOWS,
                           can_open=bool(services.flows_user_may_open(current_user)))


# Whoever performs the first step of some flow may open a case of it.
OPENER_ROLES = sorted({role for flow in FLOWS.values() for role in flow.steps[0].roles} - {"system"})


@bp.route("/kasus/baru", methods=["GET", "POST"])
@allow(*OPENER_ROLES)
def new_case():
    from portal.assessment.request import COLUMNS, RequestInvalid, open_from_screen, request_choices

    flows = services.flows_user_may_open(current_user)
    if not flows:
        abort(403)
    form = request.form
    page = dict(flows=flows, form=form, columns=COLUMNS, **request_choices())
    if request.method == "POST":
        code = form.get("flow", "")
        if code not in {f.code for f in flows}:
            return render_template("cases/new.html", error="Pilih jenis layanan yang tersedia untuk Anda.", **page), 422
        try:
            if get_flow(code).has_participants:
                # People, not lines of text: the scheme and a checked participant list (rows or CSV/XLSX).
                case = open_from_screen(code, current_user, form, request.files.get("participant_file"))
            else:
                case = engine.open_case(code, current_user, form.get("title", ""),
                                        organisation=current_user.organisation)
        except RequestInvalid as exc:
            db.session.rollback()
            return render_template("cases/new.html", error="Daftar peserta belum dapat diterima; tidak ada yang "
                                   "disimpan.", row_errors=exc.messages, **page), 422
        except engine.CaseError as exc:
            db.session.rollback()
            return render_template("cases/new.html", error=exc.message, **page), exc.status
        db.session.commit()
        flash(f"Kasus {case.number} dibuat. Lengkapi dokumen pada langkah pertama.", "success")
        return redirect(url_for("cases.show", number=case.number))
    return render_template("cases/new.html", error=None, **page)


def _case_context(case, error: str | None = None, forms: dict | None = None):
    flow = get_flow(case.flow_code)
    open_work = engine.open_work(case)
    mine = []
    for work in open_work:
        actions = engine.actions_for(current_user, case, work)
        slot = flow.step(work.step_key).named_actor
        if actions or (slot and assignment_rules.may_assign(case, slot, current_user)):
            mine.append((work, flow.step(work.step_key), actions))
    # Steps that declare a form show it to whoever may fill it in (a re-displayed one keeps its input).
    filled = {work.id: (forms or {}).get(work.id) or step_forms.blank_form(case, work, current_user)
              for work, step, _ in mine
              if step.form and form_for(step).may_fill(current_user, case, work)}
    documents = engine.latest_documents(case)
    all_versions = db.session.scalars(
        db.select(DocumentVersion).where(DocumentVersion.case_id == case.id)
        .order_by(DocumentVersion.code, DocumentVersion.item_key, DocumentVersion.version.desc())
    ).all()
    visible_versions = [v for v in all_versions if services.can_view_document(current_user, case, v)]
    return dict(
        case=case, flow=flow, open_work=open_work, mine=mine, documents=documents,
        versions=visible_versions, events=engine.timeline(case), error=error,
        diagram=render_flow_svg(flow, current=set(case.active_steps), done=engine.done_steps(case)),
        legend=legend(flow), candidates=services.candidates_for, items={i.id: i for i in case.items},
        due_info=_due_info(open_work), is_internal_user=services.is_internal(current_user),
        draftable=lambda code: can_generate(case, code), step_forms=filled,
        editable_drafts=lambda work: draft_edits.drafts_user_may_edit(current_user, case, work, documents),
        form_codes={code for _, step, _ in mine if step.form for code in form_for(step).document_codes(step)}
        | _record_codes(flow),
        may_assign=lambda slot: assignment_rules.may_assign(case, slot, current_user),
    )


def _record_codes(flow) -> set[str]:
    """Documents declared as form records: rendered from their form, never uploaded in their place."""
    return {document.code for document in flow.documents if document.kind == DocKind.FORM_RECORD}


def _due_info(open_work):
    from portal.calendar.services import work_calendar
    from portal.core.dates import utcnow

    calendar, now = work_calendar(), utcnow()
    return {w.id: (calendar.status(now, w.due_at), calendar.format_sla_left(now, w.due_at))
            for w in open_work if w.due_at}


def _render_case(case, error: str | None = None, status: int = 200, forms: dict | None = None):
    template = "cases/_case_body.html" if htmx else "cases/case.html"
    return render_template(template, **_case_context(case, error, forms)), status


@bp.get("/kasus/<number>")
@allow(AUTHENTICATED)
def show(number: str):
    return _render_case(services.load_case_for(current_user, number))


def _work_of(case, work_id: int) -> WorkItem:
    work = db.session.get(WorkItem, work_id)
    if work is None or work.case_id != case.id:
        abort(404)
    return work


def _perform(case, operation: Callable[[], object], success: str, *, work: WorkItem | None = None):
    """One commit per request: a refusal rolls back and shows the case again saying why (a refused
    step form keeps what was typed); success commits, then a fragment (HTMX) or a redirect."""
    try:
        operation()
    except FormInvalid as exc:
        db.session.rollback()
        return _render_case(case, " ".join(exc.errors), exc.status, forms={work.id: exc.form} if work else None)
    except engine.CaseError as exc:
        db.session.rollback()
        return _render_case(case, exc.message, exc.status)
    db.session.commit()
    if not htmx:
        flash(success, "success")
        return redirect(url_for("cases.show", number=case.number))
    return _render_case(case)


@bp.post("/kasus/<number>/kerja/<int:work_id>/unggah")
@allow(AUTHENTICATED)
def upload(number: str, work_id: int):
    case = services.load_case_for(current_user, number)
    work = _work_of(case, work_id)
    upload_file = request.files.get("file")
    code = request.form.get("code", "")
    if upload_file is None or not upload_file.filename:
        return _render_case(case, "Pilih berkas PDF yang akan diunggah.", 422)
    flow = get_flow(case.flow_code)
    step = flow.step(work.step_key)
    if step.form and code in form_for(step).document_codes(step):
        return _render_case(case, f"{code} dibuat dari formulir {form_for(step).title}; isi formulirnya.", 422)
    if code in _record_codes(flow):
        return _render_case(case, f"{code} adalah rekaman yang dibuat dari formulirnya, bukan berkas unggahan.", 422)
    data = upload_file.read(uploads.max_bytes() + 1)
    return _perform(case, lambda: engine.upload_document(case, code, upload_file.filename, data, current_user,
                                                         work=work, note=request.form.get("note")),
                    "Dokumen diunggah.")


@bp.post("/kasus/<number>/kerja/<int:work_id>/draf")
@allow(AUTHENTICATED)
def generate_draft(number: str, work_id: int):
    from portal.cases.drafts import generate_draft as make_draft

    case = services.load_case_for(current_user, number)
    work = _work_of(case, work_id)
    return _perform(case, lambda: make_draft(case, work, request.form.get("code", ""), current_user),
                    "Draf dibuat dari templat.")


@bp.post("/kasus/<number>/kerja/<int:work_id>/formulir")
@allow(AUTHENTICATED)
def submit_form(number: str, work_id: int):
    """The step's form (access rule of its component): stored and rendered into the step's document."""
    case = services.load_case_for(current_user, number)
    work = _work_of(case, work_id)
    formdata = CombinedMultiDict((request.form, request.files))  # a form may carry a file (evidence)
    return _perform(case, lambda: step_forms.submit(case, work, formdata, current_user),
                    "Formulir tersimpan; dokumennya diperbarui.", work=work)


@bp.post("/kasus/<number>/kerja/<int:work_id>/formulir/draf")
@allow(AUTHENTICATED)
def save_form_draft(number: str, work_id: int):
    """Autosave of a long step form while it is filled in (HTMX, answers a status line)."""
    case = services.load_case_for(current_user, number)
    work = _work_of(case, work_id)
    try:
        saved_at = step_forms.save_draft(case, work, request.form, current_user)
    except engine.CaseError as exc:
        db.session.rollback()
        return render_template("forms/_autosave_status.html", error=exc.message), exc.status
    db.session.commit()
    return render_template("forms/_autosave_status.html", saved_at=saved_at)


@bp.post("/kasus/<number>/kerja/<int:work_id>/tindakan")
@allow(AUTHENTICATED)
def act(number: str, work_id: int):
    case = services.load_case_for(current_user, number)
    _work_of(case, work_id)
    return _perform(case, lambda: engine.act(
        case, work_id, request.form.get("action", ""), current_user, reason=request.form.get("reason"),
        expected_version=request.form.get("version", type=int)), "Tindakan tercatat.")


@bp.post("/kasus/<number>/tugaskan")
@allow(*INTERNAL_ROLES)
def assign(number: str):
    case = services.load_case_for(current_user, number)
    person = db.session.get(User, request.form.get("user_id", type=int) or 0)
    if person is None:
        return _render_case(case, "Pilih orang yang ditugaskan.", 422)
    return _perform(case, lambda: engine.assign(case, request.form.get("slot", ""), person, current_user),
                    f"Ditugaskan kepada {person.full_name}.")


@bp.get("/kasus/<number>/dokumen/<int:version_id>")
@allow(AUTHENTICATED)
def download(number: str, version_id: int):
    case = services.load_case_for(current_user, number)
    version = db.session.get(DocumentVersion, version_id)
    if version is None or version.case_id != case.id or not services.can_view_document(current_user, case, version):
        abort(404)
    return storage.send_stored(version.storage_key, version.content_type, version.filename, version.sha256,
                               as_attachment=request.args.get("unduh") == "1")
