"""Mail screens (thin views): load (404) → check who may (403) → call a service → commit once."""
from __future__ import annotations

from typing import Callable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import storage
from portal.calendar.services import work_calendar
from portal.cases import engine
from portal.cases.engine import CaseError
from portal.cases.models import Case
from portal.core.access import allow
from portal.core.dates import WIB, format_date_id, format_datetime_id, utcnow
from portal.correspondence import forms, letters, reports, screens, services
from portal.correspondence import monitoring as sla
from portal.correspondence.blueprint import bp
from portal.correspondence.chart import sla_chart_svg
from portal.correspondence.disposition import DispositionForm
from portal.correspondence.forms import FollowUpForm, IncomingLetterForm, OutgoingDraftForm
from portal.correspondence.letters import MAIL_FLOWS
from portal.documents.pdf import render_pdf
from portal.extensions import db, htmx
from portal.flows.roles import INTERNAL_ROLES
from portal.forms import services as step_forms
from portal.forms.base import FormInvalid
from portal.flows.surat_keluar_sekretariat import UNIT_PENGONSEP
from portal.flows.surat_masuk import UNIT_TUJUAN
from portal.numbering.formats import CLASSIFICATIONS

MONITORS = ("phu", "kasek", "ketua", "kabag")
DRAFTERS = (*UNIT_PENGONSEP, "anggota")


def _today():
    return utcnow().astimezone(WIB).date()


def _choices() -> dict:
    return dict(classifications=CLASSIFICATIONS, sifat_options=letters.SIFAT, matters=letters.MATTERS,
                addressees=letters.ADDRESSEES, signers=letters.SIGNERS, units=letters.DISPOSITION_UNITS,
                channels=services.DISPATCH_CHANNELS, mail_flows=MAIL_FLOWS,
                sla_states=sla.SLA_STATES, case_states=sla.CASE_STATES)


# --- lists ---------------------------------------------------------------------------------------

def _list_page(template: str, title: str, *, created_by: int | None = None, extra: dict | None = None):
    filters = sla.Filters.from_args(request.args)
    page, counts = sla.letters_page(current_user, filters, request.args.get("page", 1, type=int),
                                    created_by=created_by, with_counts=template == "correspondence/monitoring.html")
    context = dict(filters=filters, page=page, counts=counts, title=title,
                   endpoint=request.endpoint, can_draft=bool(current_user.role_codes & set(DRAFTERS)),
                   **_choices(), **(extra or {}))
    if htmx and htmx.target == "letter-list":
        return render_template("correspondence/_letter_list.html", **context)
    return render_template(template, **context)


@bp.get("/")
@allow(*INTERNAL_ROLES)
def index():
    return _list_page("correspondence/index.html", "Agenda & Pencarian Surat")


@bp.get("/saya")
@allow(*DRAFTERS)
def mine():
    return _list_page("correspondence/mine.html", "Surat Saya", created_by=current_user.id)


@bp.get("/monitoring")
@allow(*MONITORS)
def monitoring():
    return _list_page("correspondence/monitoring.html", "Monitoring Surat")


@bp.get("/monitoring.csv")
@allow(*MONITORS)
def monitoring_csv():
    filters = sla.Filters.from_args(request.args)
    if filters.errors:
        abort(400, description=" ".join(filters.errors))
    body = sla.to_csv(reports.export_statuses(current_user, filters))
    name = f"monitoring-surat-{_today().isoformat()}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/monitoring/grafik")
@allow(*MONITORS)
def sla_chart():
    year = request.args.get("tahun", _today().year, type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    figures = reports.monthly_figures(current_user, year)
    charts = [(code, MAIL_FLOWS[code], sla_chart_svg(f"grafik-{code.lower()}", MAIL_FLOWS[code], year, months),
               months) for code, months in figures.items()]
    return render_template("correspondence/chart.html", year=year, charts=charts, printed_at=utcnow())


# --- Surat Masuk: registration -------------------------------------------------------------------

@bp.route("/masuk/baru", methods=["GET", "POST"])
@allow("phu")
def register():
    now = utcnow()
    form = IncomingLetterForm(request.form if request.method == "POST" else None, today=_today(),
                              data=None if request.method == "POST" else {"received_on": _today()})
    context = dict(form=form, errors=[], due_hint=work_calendar().due_disposition(now), today=_today(), **_choices())
    if request.method == "GET":
        return render_template("correspondence/register.html", **context)
    try:
        messages = [] if form.validate() else form.messages()
        scan_file = request.files.get("scan")
        if scan_file is None or not scan_file.filename:
            messages.append("Pindaian surat: pilih berkas PDF.")
        if messages:
            raise FormInvalid(messages, form)
        scan = forms.read_upload(scan_file, "Pindaian surat", required=True)
        case = services.register_incoming(form.letter(), scan, current_user, now=now,
                                          attachments=forms.read_uploads(request.files.getlist("attachments")))
    except FormInvalid as exc:
        db.session.rollback()
        return render_template("correspondence/register.html", **{**context, "errors": exc.errors}), 422
    except CaseError as exc:
        db.session.rollback()
        return render_template("correspondence/register.html", **{**context, "errors": [exc.message]}), exc.status
    db.session.commit()
    flash(f"Surat masuk dicatat dengan nomor agenda {case.data.get('agenda_number')}: "
          f"{letters.state_text(case, case.active_steps)}.", "success")
    return redirect(url_for(".show", number=case.number))


# --- Surat Keluar: drafting ----------------------------------------------------------------------

def _outgoing_kinds(user) -> list[str]:
    kinds = []
    if user.role_codes & set(UNIT_PENGONSEP):
        kinds.append("SKS")
    if "anggota" in user.role_codes:
        kinds.append("SKA")
    return kinds


@bp.route("/keluar/baru", methods=["GET", "POST"])
@allow(*DRAFTERS)
def new_outgoing():
    kinds = _outgoing_kinds(current_user)
    flow_code = request.values.get("jenis", "")
    flow_code = flow_code if flow_code in kinds else kinds[0]
    reply_to = request.values.get("balasan", "")
    posted = request.method == "POST"
    upload = forms.read_upload(request.files.get("konsep"), "Konsep surat") if posted else None
    form = OutgoingDraftForm(request.form if posted else None, flow_code=flow_code, uploaded=upload is not None,
                             data=None if posted else {"reply_to": reply_to})
    context = dict(form=form, errors=[], kinds=kinds, flow_code=flow_code, reply_to=reply_to, **_choices())
    if not posted:
        return render_template("correspondence/outgoing_new.html", **context)
    try:
        form.check()
        case = services.draft_outgoing(flow_code, form.draft(), current_user, upload=upload,
                                       attachments=forms.read_uploads(request.files.getlist("attachments")))
        if request.form.get("then") == "ajukan" and flow_code == "SKS":
            services.submit_draft(case, current_user)
    except FormInvalid as exc:
        db.session.rollback()
        return render_template("correspondence/outgoing_new.html", **{**context, "errors": exc.errors}), 422
    except CaseError as exc:
        db.session.rollback()
        return render_template("correspondence/outgoing_new.html", **{**context, "errors": [exc.message]}), exc.status
    db.session.commit()
    flash(f"Konsep surat {case.number} disimpan: {letters.state_text(case, case.active_steps)}.", "success")
    return redirect(url_for(".show", number=case.number))


# --- the letter page and its forms ---------------------------------------------------------------

def _letter(number: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.number == number))
    if case is None or not letters.is_letter(case) or not engine.can_view(current_user, case):
        abort(404)  # a secret letter's existence is not revealed either
    return case


# The forms of the letter page (the ones this user may fill in are shown), by the key a refused
# submission re-displays them under.
FORM_KEYS = {IncomingLetterForm: "incoming", DispositionForm: "disposition", OutgoingDraftForm: "draft",
             FollowUpForm: "follow_up"}


def _letter_forms(case: Case) -> dict:
    return {"incoming": IncomingLetterForm.of_case(case, today=_today()) if case.flow_code == "SM" else None,
            "draft": OutgoingDraftForm.of_case(case) if case.flow_code in letters.OUTGOING_FLOWS else None,
            "follow_up": FollowUpForm()}


def _render_letter(case: Case, *, errors: list[str] | None = None, message: str = "", status: int = 200,
                   form=None):
    context = screens.letter_context(case, current_user, utcnow())
    letter_forms = _letter_forms(case)
    work = context["mine"].get("disposisi")
    letter_forms["disposition"] = step_forms.blank_form(case, work, current_user) if work else None
    if form is not None:
        letter_forms[FORM_KEYS[type(form)]] = form
    context.update(errors=errors or [], message=message, forms=letter_forms, disposition_form=letter_forms["disposition"],
                   raw=request.form if errors else {}, today=_today(),
                   can_draft_reply=bool(current_user.role_codes & set(UNIT_PENGONSEP)), **_choices())
    template = "correspondence/_letter_body.html" if htmx else "correspondence/letter.html"
    return render_template(template, **context), status


@bp.get("/<number>")
@allow(*INTERNAL_ROLES)
def show(number: str):
    return _render_letter(_letter(number))


def _perform(number: str, operation: Callable[[Case], object], success: str):
    case = _letter(number)
    try:
        operation(case)
    except FormInvalid as exc:
        db.session.rollback()
        return _render_letter(case, errors=exc.errors, status=422, form=exc.form)
    except CaseError as exc:
        db.session.rollback()
        return _render_letter(case, errors=[exc.message], status=exc.status)
    db.session.commit()
    if htmx:
        return _render_letter(case, message=success)
    flash(success, "success")
    return redirect(url_for(".show", number=case.number))


@bp.post("/<number>/arahkan")
@allow("phu")
def route(number: str):
    form = request.form
    return _perform(number, lambda case: services.route_incoming(
        case, current_user, matter=form.get("matter", ""), addressed_to=form.get("addressed_to", "kasek")),
        "Surat diarahkan.")


@bp.post("/<number>/pencatatan")
@allow("phu")
def correct(number: str):
    def operation(case):
        form = IncomingLetterForm(request.form, today=_today())
        form.check()
        scan = forms.read_upload(request.files.get("scan"), "Pindaian surat")
        services.correct_registration(case, form.letter(), current_user, scan=scan)

    return _perform(number, operation, "Pencatatan diperbaiki dan surat diarahkan kembali.")


@bp.post("/<number>/disposisi")
@allow("kasek", "ketua")
def dispose(number: str):
    return _perform(number, lambda case: services.dispose(case, current_user, request.form),
                    "Disposisi dikirim; lembar disposisi tersimpan.")


@bp.get("/<number>/lembar-disposisi.pdf")
@allow(*INTERNAL_ROLES)
def disposition_sheet(number: str):
    case = _letter(number)
    if case.flow_code != "SM":
        abort(404)
    stored = engine.latest_documents(case).get(("DISPOSISI", ""))
    name = f"lembar-disposisi-{case.data.get('agenda_number', case.number).replace('/', '-')}.pdf"
    if stored is not None:
        return storage.send_stored(stored.storage_key, "application/pdf", name, stored.sha256)
    # Not disposed yet: a sheet with the letter's data and empty boxes, to fill in by hand.
    pdf = render_pdf("lembar_disposisi", services.disposition_sheet(case)).data
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.post("/<number>/tindak-lanjut")
@allow(*UNIT_TUJUAN)
def follow_up(number: str):
    def operation(case):
        form = FollowUpForm(request.form)
        form.check()
        services.record_follow_up(case, current_user, note=form.note.data or "", archive=form.then.data == "arsip")

    return _perform(number, operation, "Tindak lanjut dicatat.")


@bp.post("/<number>/arsip")
@allow(*UNIT_TUJUAN)
def archive(number: str):
    return _perform(number, lambda case: services.archive_letter(case, current_user), "Surat diarsipkan.")


@bp.post("/<number>/kembalikan")
@allow(*INTERNAL_ROLES)
def send_back(number: str):
    return _perform(number, lambda case: services.return_letter(
        case, current_user, reason=request.form.get("reason", "")[:2000]), "Surat dikembalikan dengan catatan.")


@bp.post("/<number>/konsep")
@allow(*DRAFTERS)
def revise(number: str):
    def operation(case):
        upload = forms.read_upload(request.files.get("konsep"), "Konsep surat")
        form = OutgoingDraftForm(request.form, flow_code=case.flow_code, uploaded=upload is not None)
        form.check()
        services.revise_draft(case, current_user, form.draft(), upload=upload)
        if request.form.get("then") == "ajukan" and case.flow_code == "SKS":
            services.submit_draft(case, current_user)

    return _perform(number, operation, "Konsep diperbarui.")


@bp.post("/<number>/ajukan")
@allow(*DRAFTERS)
def submit(number: str):
    return _perform(number, lambda case: services.submit_draft(case, current_user), "Konsep diajukan.")


@bp.post("/<number>/paraf")
@allow("kabag", "kasek")
def review(number: str):
    form = request.form
    approve = form.get("decision") == "paraf"
    return _perform(number, lambda case: services.review_draft(
        case, current_user, approve=approve, note=form.get("note", "")[:2000]),
        "Konsep diparaf." if approve else "Konsep dikembalikan kepada pengonsep dengan catatan.")


@bp.post("/<number>/penandatangan")
@allow(*DRAFTERS, "kasek")
def signer(number: str):
    role = request.form.get("signer_role", "")
    return _perform(number, lambda case: services.choose_signer(case, current_user, role), "Penandatangan diperbarui.")


@bp.post("/<number>/kirim")
@allow("phu")
def dispatch(number: str):
    def operation(case):
        receipt = forms.read_upload(request.files.get("receipt"), "Bukti kirim")
        services.dispatch_letter(case, current_user, channel=request.form.get("channel", ""),
                                 note=request.form.get("note", "")[:500], receipt=receipt)

    return _perform(number, operation, "Surat diberi nomor dan dicatat terkirim.")


@bp.get("/<number>/lampiran/<int:index>")
@allow(*INTERNAL_ROLES)
def attachment(number: str, index: int):
    case = _letter(number)
    attachments = letters.facts(case).get("attachments", [])
    if not 0 <= index < len(attachments):
        abort(404)
    item = attachments[index]
    return storage.send_stored(item["key"], "application/pdf", item["filename"], item.get("sha256"))


# --- template filters for the ISO dates kept in case.data ----------------------------------------

@bp.app_template_filter("tanggal_iso")
def _date_from_iso(value: str | None) -> str:
    return format_date_id(letters.parse_day(value[:10])) if value else ""


@bp.app_template_filter("waktu_iso")
def _moment_from_iso(value: str | None) -> str:
    return format_datetime_id(letters.parse_moment(value)) if value else ""


@bp.app_template_filter("jatuh_tempo")
def _due(value) -> str:
    """Rabu, 11 Maret 2026 pukul 15.00 WIB."""
    return letters.format_due(value)
