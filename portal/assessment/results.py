"""Step forms of the result: the MA Penguji's assessment result per participant ("hasil_asesmen",
Rekaman asesmen) and the pleno's decision per participant ("pleno", its berita acara with attendance)."""
from __future__ import annotations

from datetime import datetime

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.assessment.decisions import _actor_name, _facts
from portal.assessment.models import PLENO, RESULTS, Participant
from portal.assessment.render import FormRecordContext, FormTable, render_record
from portal.assessment.request import participants_of
from portal.audit.services import record as audit
from portal.core.dates import to_wib, utcnow
from portal.documents.contexts import Attendee, BeritaAcaraContext, Signatory
from portal.documents.pdf import render_pdf
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.forms.fields import LinesField, choices
from portal.forms.registry import StepForm, register_form
from sqlalchemy import select


class ResultForm(PortalForm):
    result = SelectField("Hasil asesmen", choices=choices(RESULTS), validators=[InputRequired()])
    notes = TextAreaField("Catatan asesor", [Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.result.data in ("BK", "TH") and not self.notes.data:
            self.notes.errors.append("Catatan wajib diisi untuk hasil Belum Kompeten atau tidak hadir: "
                                     "peserta membaca alasannya.")
            valid = False
        return valid


def _participant_of(work) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.case_item_id == work.item_id))


@register_form("hasil_asesmen")
class AssessmentResult(StepForm):
    title = "Hasil asesmen"
    form_class = ResultForm
    template = "assessment/_record_form.html"
    models = (Participant,)

    def initial(self, case, work) -> dict:
        p = _participant_of(work)
        return {"result": p.result or "K", "notes": p.result_notes or ""} if p else {}

    def submit(self, case, work, form, actor, now: datetime) -> Participant:
        p = _participant_of(work)
        p.result, p.result_notes = form.result.data, form.notes.data or None
        db.session.flush()
        audit("assessment.result", case, actor=actor, detail={"nik": p.person.nik, "result": p.result})
        return p

    def render(self, case, p: Participant):
        return render_record(FormRecordContext(
            kode="Rekaman Asesmen", judul=f"Hasil Asesmen — {p.person.full_name}",
            fakta=[*_facts(case), ("Peserta", p.person.full_name), ("Skema", f"{p.scheme.title} ({p.scheme.number})")],
            tabel=[FormTable(title="Hasil", header=["Keputusan", "Catatan"],
                             rows=[[p.result_label, p.result_notes or "-"]])],
            tanggal=to_wib(utcnow()).date(),
            penandatangan=Signatory(jabatan="Master Asesor Penguji,", nama=_actor_name())))

    def filename(self, case, p) -> str:
        return f"hasil-asesmen-{p.person.full_name.lower().replace(' ', '-')}.pdf"


def assessed(case) -> list[Participant]:
    """The participants who reached the assessment: approved, recommended, with a result."""
    return [p for p in participants_of(case) if p.decision == "disetujui" and p.recommended is not False
            and p.result is not None]


class PlenoForm(PortalForm):
    place = StringField("Tempat rapat", [InputRequired(), Length(max=200)])
    attendance = LinesField("Daftar hadir (satu per baris: Nama — Unsur)", [InputRequired()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.name.startswith("pleno_"):
                reason = self[f"alasan_{field.name.split('_', 1)[1]}"]
                if field.data == "BK" and not reason.data:
                    reason.errors.append(f"Alasan wajib diisi untuk peserta Belum Kompeten ({field.label.text}).")
                    valid = False
        return valid


@register_form("pleno")
class PlenoDecision(StepForm):
    title = "Keputusan pleno per peserta"
    template = "assessment/_record_form.html"
    models = (Participant,)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        class Form(PlenoForm):
            pass

        data = {"place": "Ruang Rapat BNSP, Jakarta", "attendance": [], **(case.data or {}).get("pleno_facts", {})}
        for p in assessed(case):
            setattr(Form, f"pleno_{p.id}", SelectField(f"{p.person.full_name} (hasil asesmen: {p.result_label})",
                                                       choices=choices(PLENO)))
            setattr(Form, f"alasan_{p.id}", StringField(f"Alasan ({p.person.full_name})", [Length(max=500)]))
            data[f"pleno_{p.id}"] = p.pleno or ("K" if p.result == "K" else "BK")
            data[f"alasan_{p.id}"] = p.pleno_reason or ("" if p.result == "K" else (p.result_notes or ""))
        return Form(formdata, data=None if formdata is not None else data, **kwargs)

    def submit(self, case, work, form, actor, now: datetime):
        people = assessed(case)
        for p in people:
            p.pleno = form[f"pleno_{p.id}"].data
            p.pleno_reason = form[f"alasan_{p.id}"].data or None
        case.data = {**(case.data or {}), "pleno_facts": {"place": form.place.data,
                                                          "attendance": form.attendance.data}}
        db.session.flush()
        audit("assessment.pleno", case, actor=actor, detail={p.person.nik: p.pleno for p in people})
        return people

    def render(self, case, people):
        facts = case.data["pleno_facts"]
        body = "Panitia Teknis" if case.flow_code == "RCC" else "Komisi Teknis"
        hadir = []
        for line in facts["attendance"]:
            name, _, role = line.partition("—")
            hadir.append(Attendee(nama=name.strip(), unsur=role.strip() or "Anggota"))
        now = to_wib(utcnow())
        return render_pdf("berita_acara", BeritaAcaraContext(
            judul=f"BERITA ACARA RAPAT PLENO {body.upper()}", kegiatan=f"Rapat Pleno {body} atas {case.title}",
            nomor=f"BA/{case.number}", tanggal=now.date(), waktu=f"{now:%H.%M} WIB", tempat_rapat=facts["place"],
            hadir=hadir,
            pembahasan=[f"Hasil asesmen {len(people)} peserta yang direkomendasikan Master Asesor Penguji "
                        f"({case.number})."],
            keputusan=[f"{p.person.full_name} ({p.person.institution}): {p.pleno_label}"
                       + (f" — {p.pleno_reason}" if p.pleno_reason else "") for p in people],
            penandatangan=[Signatory(jabatan=f"Ketua {body},", nama=hadir[0].nama if hadir else _actor_name())]))

    def filename(self, case, people) -> str:
        return f"berita-acara-pleno-{case.number}.pdf"
