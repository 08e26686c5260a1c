"""Step forms deciding per participant: the Koordinator's approval at "decision" (D3) and the MA's
recommended list at "recommendation" (D10). A participant not approved or not recommended leaves
the per-participant steps (their item stops being a walking participant) and sees why on their page."""
from __future__ import annotations

from datetime import datetime

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length

from portal.assessment.models import DECISIONS, Participant
from portal.assessment.render import FormRecordContext, FormTable, render_record
from portal.assessment.request import participants_of
from portal.audit.services import record as audit
from portal.core.dates import to_wib, utcnow
from portal.documents.contexts import Signatory
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form

OUT_KIND = "participant_out"  # a CaseItem that no longer walks the per-participant steps


def _facts(case) -> list[tuple[str, str]]:
    return [("Nomor kasus", case.number), ("Perihal", case.title),
            ("Pemohon", case.organisation.name if case.organisation else "-"),
            ("Skema", (case.data or {}).get("scheme_number", "-"))]


def take_out(participant) -> None:
    participant.item.kind = OUT_KIND
    participant.item.position = None


class DecisionForm(PortalForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        chosen = [f for f in self if f.name.startswith("keputusan_")]
        for field in chosen:
            reason = self[f"alasan_{field.name.split('_', 1)[1]}"]
            if field.data == "ditolak" and not reason.data:
                reason.errors.append(f"Alasan wajib diisi untuk peserta yang tidak disetujui ({field.label.text}).")
                valid = False
        if chosen and not any(f.data == "disetujui" for f in chosen):
            self.form_errors.append("Setujui sedikitnya satu peserta; bila tidak ada, pilih tindakan "
                                    "“Tidak setujui” untuk seluruh permohonan.")
            valid = False
        return valid


@register_form("keputusan_peserta")
class ParticipantDecision(StepForm):
    title = "Keputusan per peserta"
    template = "assessment/_record_form.html"
    models = (Participant,)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        class Form(DecisionForm):
            pass

        data = {}
        for p in participants_of(case):
            setattr(Form, f"keputusan_{p.id}", SelectField(p.person.full_name, choices=choices(DECISIONS)))
            setattr(Form, f"alasan_{p.id}", StringField(f"Alasan ({p.person.full_name})", [Length(max=500)]))
            data[f"keputusan_{p.id}"] = p.decision or "disetujui"
            data[f"alasan_{p.id}"] = p.decision_reason or ""
        return Form(formdata, data=None if formdata is not None else data, **kwargs)

    def submit(self, case, work, form, actor, now: datetime):
        people = participants_of(case)
        for p in people:
            p.decision = form[f"keputusan_{p.id}"].data
            p.decision_reason = form[f"alasan_{p.id}"].data or None
        db.session.flush()
        audit("assessment.decision", case, actor=actor,
              detail={p.person.nik: p.decision for p in people})
        return people

    def render(self, case, people):
        rows = [[str(n), p.person.full_name, p.person.institution, DECISIONS[p.decision], p.decision_reason or "-"]
                for n, p in enumerate(people, start=1)]
        return render_record(FormRecordContext(
            kode="D3", judul="Keputusan Koordinator atas Permohonan per Peserta", fakta=_facts(case),
            tabel=[FormTable(title="Keputusan per peserta", header=["No", "Nama", "Institusi", "Keputusan", "Alasan"],
                             rows=rows)],
            tanggal=to_wib(utcnow()).date(), penandatangan=Signatory(jabatan="Koordinator,", nama=_actor_name())))


def _actor_name() -> str:
    from flask import has_request_context
    from flask_login import current_user

    return current_user.full_name if has_request_context() and current_user.is_authenticated else ""


class RecommendationForm(PortalForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any(f.data for f in self if f.name.startswith("rekomendasi_")):
            self.form_errors.append("Pilih sedikitnya satu peserta yang direkomendasikan.")
            valid = False
        return valid


@register_form("rekomendasi")
class RecommendedList(StepForm):
    title = "Daftar peserta yang direkomendasi"
    template = "assessment/_record_form.html"
    models = (Participant,)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        class Form(RecommendationForm):
            pass

        data = {}
        for p in approved(case):
            setattr(Form, f"rekomendasi_{p.id}", BooleanField(f"{p.person.full_name} — {p.person.institution}"))
            setattr(Form, f"catatan_{p.id}", StringField(f"Catatan ({p.person.full_name})", [Length(max=500)]))
            data[f"rekomendasi_{p.id}"] = p.recommended is not False
        return Form(formdata, data=None if formdata is not None else data, **kwargs)

    def submit(self, case, work, form, actor, now: datetime):
        people = approved(case)
        for p in people:
            p.recommended = bool(form[f"rekomendasi_{p.id}"].data)
            if not p.recommended:
                p.result_notes = form[f"catatan_{p.id}"].data or "Tidak direkomendasikan oleh Master Asesor."
        db.session.flush()
        audit("assessment.recommendation", case, actor=actor,
              detail={p.person.nik: p.recommended for p in people})
        return people

    def render(self, case, people):
        rows = [[str(n), p.person.full_name, p.person.institution, "Ya" if p.recommended else "Tidak"]
                for n, p in enumerate(people, start=1)]
        return render_record(FormRecordContext(
            kode="D10", judul="Daftar Peserta yang Direkomendasi untuk Sertifikasi", fakta=_facts(case),
            tabel=[FormTable(title="Peserta", header=["No", "Nama", "Institusi", "Direkomendasi"], rows=rows)],
            tanggal=to_wib(utcnow()).date(), penandatangan=Signatory(jabatan="Master Asesor,", nama=_actor_name())))


def approved(case) -> list:
    return [p for p in participants_of(case) if p.decision == "disetujui"]


def settle_walkers(case) -> None:
    """Participants rejected by the Koordinator or not recommended stop walking the per-participant steps."""
    for p in participants_of(case):
        if p.decision == "ditolak" or p.recommended is False:
            take_out(p)
    db.session.flush()
