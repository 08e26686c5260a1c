"""Berita acara apresiasi (D5) as the step form "berita_acara_apresiasi": date, place, attendees and
what was discussed; rendered as a berita acara. When the CLSP enters the access code, a new version
of D5 carries the receipt."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.cases import engine
from portal.cases.models import Case, WorkItem
from portal.core.dates import format_datetime_id, to_wib
from portal.documents.contexts import Attendee, BeritaAcaraContext, Signatory
from portal.documents.signatories import signatory_for
from portal.documents.pdf import RenderedPdf, render_pdf
from portal.extensions import db
from portal.forms.base import NotAfterToday, PortalForm
from portal.forms.registry import StepForm, register_form
from portal.licensing.models import ApresiasiMinutes


class MinutesForm(PortalForm):
    held_on = DateField("Tanggal apresiasi", [InputRequired(), NotAfterToday()])
    place = StringField("Tempat", [InputRequired(), Length(max=200)])
    attendees = TextAreaField("Yang hadir (satu per baris: nama — unsur)", [InputRequired(), Length(max=4000)])
    summary = TextAreaField("Pokok pembahasan dan hasil apresiasi", [InputRequired(), Length(max=4000)])


@register_form("berita_acara_apresiasi")
class BeritaAcaraApresiasi(StepForm):
    title = "Berita Acara Apresiasi"
    form_class = MinutesForm
    template = "licensing/_minutes_form.html"
    models = (ApresiasiMinutes,)

    def initial(self, case: Case, work: WorkItem) -> dict:
        given = latest_minutes(case)
        if given is None:
            return {"place": "Kantor BNSP, Jakarta"}
        return {"held_on": given.held_on, "place": given.place, "attendees": given.attendees, "summary": given.summary}

    def submit(self, case: Case, work: WorkItem, form: MinutesForm, actor, now: datetime) -> ApresiasiMinutes:
        minutes = ApresiasiMinutes(case_id=case.id, work_item_id=work.id, held_on=form.held_on.data,
                                   place=form.place.data, attendees=form.attendees.data, summary=form.summary.data,
                                   written_by_id=actor.id, written_at=now)
        db.session.add(minutes)
        db.session.flush()
        return minutes

    def render(self, case: Case, record: ApresiasiMinutes) -> RenderedPdf:
        return render_pdf("berita_acara", minutes_context(case, record))

    def filename(self, case: Case, record) -> str:
        return f"berita-acara-apresiasi-{case.number}.pdf"


def latest_minutes(case: Case) -> ApresiasiMinutes | None:
    return db.session.scalar(select(ApresiasiMinutes).where(ApresiasiMinutes.case_id == case.id)
                             .order_by(ApresiasiMinutes.id.desc()).limit(1))


def minutes_context(case: Case, minutes: ApresiasiMinutes) -> BeritaAcaraContext:
    from portal.licensing import access_code

    attendees = []
    for line in minutes.attendees.splitlines():
        if line.strip():
            name, _, role = line.replace("–", "—").partition("—")
            attendees.append(Attendee(nama=name.strip(), unsur=role.strip() or "-"))
    decisions = ["Calon LSP melanjutkan ke tahap pengajuan dokumen lisensi dengan kode akses yang "
                 "diterbitkan sistem BNSP."]
    received = access_code.entered_at(case)
    if received:
        when = format_datetime_id(to_wib(datetime.fromisoformat(received)))
        who = (case.data or {}).get("access_code", {}).get("entered_by", "CLSP")
        decisions.append(f"Tanda terima kode akses: kode akses telah diterima dan dimasukkan oleh {who} "
                         f"pada {when}.")
    return BeritaAcaraContext(
        judul="BERITA ACARA APRESIASI CALON LSP", kegiatan=f"apresiasi calon LSP {case.title}",
        nomor=f"BA-APR/{case.number}", tanggal=minutes.held_on, waktu="09.00 WIB", tempat_rapat=minutes.place,
        hadir=attendees, pembahasan=[line for line in minutes.summary.splitlines() if line.strip()],
        keputusan=decisions, penandatangan=[Signatory(jabatan="Bagian Lisensi,", nama=_writer(minutes)),
                                            signatory_for("kasek")])


def _writer(minutes: ApresiasiMinutes) -> str:
    from portal.accounts.models import User

    user = db.session.get(User, minutes.written_by_id) if minutes.written_by_id else None
    return user.full_name if user else "Staf Lisensi"


def rerender_minutes(case: Case, actor) -> None:
    """D5 again with the receipt of the access code (a new version; the first one stays)."""
    minutes = latest_minutes(case)
    if minutes is None:
        return
    rendered = render_pdf("berita_acara", minutes_context(case, minutes))
    box = rendered.signature_box
    engine.upload_document(case, "D5", f"berita-acara-apresiasi-{case.number}.pdf", rendered.data, actor,
                           note="Dengan tanda terima kode akses", check=False,
                           signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2])
