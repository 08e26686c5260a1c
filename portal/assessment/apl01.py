"""FR.APL.01 permohonan sertifikasi as a step form ("apl01"), not an upload slot.

Bagian 1 (data pribadi, data pekerjaan) starts from the person record of the request, Bagian 2 is the
purpose of the assessment with the units of the participant's scheme, Bagian 3 the basic requirements,
each proved by an uploaded PDF (portal/uploads.py) and checked Memenuhi / Tidak memenuhi by the
reviewer (portal/assessment/apl01_review.py). The rendered record fills the step's slots.

RCC: the decree's D7 A says that once the approval letter is numbered the participant may *see* the
APL.01 but not edit it. There the record is the request as approved (the LSP's data, purpose PKT, the
registration recorded on the request, checked at D2/D3); the participant reads it and confirms it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict
from wtforms import (
    BooleanField, DateField, FileField, RadioField, SelectChoice, SelectField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from portal import storage, uploads
from portal.assessment.models import APL01_PURPOSES, SEXES, Apl01, Apl01Evidence, Participant
from portal.assessment.people import PHONE_RE, email_problem, nik_problem
from portal.audit.services import record as audit
from portal.core.dates import format_date_id
from portal.extensions import db
from portal.forms.base import NotAfterToday, PortalForm
from portal.forms.fields import choices
from portal.forms.registry import StepForm, register_form

EDUCATION = {"sma": "SMA / SMK / sederajat", "d3": "Diploma III", "d4": "Diploma IV / Sarjana Terapan",
             "s1": "Sarjana (S1)", "s2": "Magister (S2)", "s3": "Doktor (S3)"}
# Basic requirements of the Asesor Kompetensi scheme (Pedoman BNSP 303; the list is an assumption the
# catalogue may later carry per scheme).
BASIC_REQUIREMENTS = (
    "Ijazah pendidikan terakhir (minimal Diploma III atau sederajat)",
    "Sertifikat kompetensi teknis pada bidang yang akan diases",
    "Surat rekomendasi dari LSP pengusul",
    "Pas foto berwarna terbaru",
)
RCC_REQUIREMENTS = (
    "Sertifikat Asesor Kompetensi yang masih berlaku (tercatat pada permohonan, D1)",
    "Persetujuan Koordinator atas peserta (D3)",
)
# Flows where the participant sees APL.01 read-only once the step numbering D7 A is done (the decree).
READ_ONLY_AFTER = {"RCC": "number_approval"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
POSTCODE = Regexp(r"^\d{5}$", message="Kode pos harus 5 angka.")


def participant_of(work) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.case_item_id == work.item_id))


def apl01_of(participant) -> Apl01 | None:
    return db.session.scalar(select(Apl01).where(Apl01.participant_id == participant.id))


def read_only_for_participant(case) -> bool:
    from portal.cases import engine

    step = READ_ONLY_AFTER.get(case.flow_code)
    return step is not None and step in engine.done_steps(case)


def from_request(participant) -> Apl01:
    """An APL.01 holding what the request says of this person (not added to the session)."""
    p = participant.person
    record = Apl01(participant_id=participant.id, full_name=p.full_name, nik=p.nik, birth_place=p.birth_place,
                   birth_date=p.birth_date, sex=p.sex, nationality="Indonesia", address="", postal_code="",
                   phone_home="", phone_office="", phone_mobile=p.phone, email=p.email, education="",
                   institution=p.institution, position="", office_address="", office_postal_code="",
                   office_phone="", office_fax="", office_email="", purpose_other="",
                   purpose="pkt" if participant.item.case.flow_code == "RCC" else "sertifikasi")
    record.participant = participant
    return record


def rcc_evidence(participant) -> list[Apl01Evidence]:
    p = participant.person
    expiry = f", berlaku s.d. {format_date_id(p.certificate_expiry)}" if p.certificate_expiry else ""
    approved = participant.decision == "disetujui"
    return [Apl01Evidence(position=1, requirement=RCC_REQUIREMENTS[0], detail=f"{p.met_number or '-'}{expiry}",
                          review="memenuhi" if p.met_number else "tidak_memenuhi"),
            Apl01Evidence(position=2, requirement=RCC_REQUIREMENTS[1],
                          detail=participant.decision_reason or ("Disetujui" if approved else "-"),
                          review="memenuhi" if approved else "tidak_memenuhi")]


PERSONAL = ("full_name", "birth_place", "birth_date", "sex", "nationality", "address", "postal_code",
            "phone_home", "phone_office", "phone_mobile", "email", "education", "institution", "position",
            "office_address", "office_postal_code", "office_phone", "office_fax", "office_email", "purpose",
            "purpose_other")


class Apl01Form(PortalForm):
    # Bagian 1a: data pribadi (the NIK is the request's and is shown, not edited)
    full_name = StringField("Nama lengkap", [InputRequired(), Length(max=200)])
    birth_place = StringField("Tempat lahir", [InputRequired(), Length(max=100)])
    birth_date = DateField("Tanggal lahir", [InputRequired(), NotAfterToday()])
    sex = RadioField("Jenis kelamin", choices=choices(SEXES), validators=[InputRequired("Pilih jenis kelamin.")])
    nationality = StringField("Kebangsaan", [InputRequired(), Length(max=60)])
    address = TextAreaField("Alamat rumah", [InputRequired(), Length(max=500)])
    postal_code = StringField("Kode pos", [Optional(), POSTCODE])
    phone_home = StringField("Telepon rumah", [Optional(), Length(max=30)])
    phone_office = StringField("Telepon kantor", [Optional(), Length(max=30)])
    phone_mobile = StringField("Nomor HP", [InputRequired(), Length(max=30)])
    email = StringField("E-mail", [InputRequired(), Length(max=254)])
    education = SelectField("Kualifikasi pendidikan", choices=[SelectChoice("", "— pilih —"), *choices(EDUCATION)],
                            validators=[InputRequired("Pilih kualifikasi pendidikan.")])
    # Bagian 1b: data pekerjaan sekarang
    institution = StringField("Nama institusi / perusahaan", [InputRequired(), Length(max=200)])
    position = StringField("Jabatan", [InputRequired(), Length(max=200)])
    office_address = TextAreaField("Alamat kantor", [Optional(), Length(max=500)])
    office_postal_code = StringField("Kode pos kantor", [Optional(), POSTCODE])
    office_phone = StringField("Telepon institusi", [Optional(), Length(max=30)])
    office_fax = StringField("Faks", [Optional(), Length(max=30)])
    office_email = StringField("E-mail kantor", [Optional(), Length(max=254)])
    # Bagian 2: tujuan asesmen
    purpose = RadioField("Tujuan asesmen", choices=choices(APL01_PURPOSES),
                         validators=[InputRequired("Pilih tujuan asesmen.")])
    purpose_other = StringField("Tujuan lainnya", [Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in (self.email, self.office_email):
            problem = email_problem(field.data) if field.data else None
            if problem:
                field.errors.append(problem)
                valid = False
        if self.phone_mobile.data and not PHONE_RE.match(self.phone_mobile.data):
            self.phone_mobile.errors.append(f"Nomor HP “{self.phone_mobile.data}” tidak valid.")
            valid = False
        if self.birth_date.data and self.sex.data in SEXES and not self.birth_date.errors:
            problem = nik_problem(self.nik, self.birth_date.data, self.sex.data)  # the NIK is the request's
            if problem:
                self.birth_date.errors.append(f"{problem} Periksa tanggal lahir dan jenis kelamin.")
                valid = False
        if self.purpose.data == "lainnya" and not self.purpose_other.data:
            self.purpose_other.errors.append("Sebutkan tujuan asesmen lainnya.")
            valid = False
        return self._check_files() and valid

    def _check_files(self) -> bool:
        """Every basic requirement needs its PDF: uploaded now (checked by portal/uploads.py) or kept
        from an earlier submission."""
        valid, self.uploaded = True, {}
        kept = {e.position: e for e in (self.record.evidence if self.record else []) if e.file_key}
        for position, requirement in enumerate(BASIC_REQUIREMENTS, start=1):
            field = self[f"bukti_{position}"]
            upload = field.data if isinstance(field.data, FileStorage) and field.data.filename else None
            if upload is None:
                if position not in kept:
                    field.errors.append(f"Unggah bukti “{requirement}” (PDF).")
                    valid = False
                continue
            data = upload.read(MAX_EVIDENCE_BYTES + 1)
            try:
                uploads.check_pdf(data, limit=MAX_EVIDENCE_BYTES)
            except uploads.UploadRefused as exc:
                field.errors.append(f"Bukti “{requirement}”: {exc.message}")
                valid = False
                continue
            self.uploaded[position] = (upload.filename[-255:], data)
        return valid


class Apl01Confirmation(PortalForm):
    statement = BooleanField("Saya telah membaca APL.01 ini dan menyatakan datanya benar.",
                             [InputRequired("Centang pernyataan bahwa Anda telah membaca APL.01.")])


@register_form("apl01")
class PermohonanSertifikasi(StepForm):
    title = "Permohonan sertifikasi (FR.APL.01)"
    template = "assessment/_apl01_form.html"
    models = (Apl01, Apl01Evidence)
    autosave = True  # filled in on a phone, often in several sittings

    def may_fill(self, user, case, work) -> bool:
        record = apl01_of(participant_of(work))
        return super().may_fill(user, case, work) and (record is None or record.status == "dikembalikan")

    def document_codes(self, step) -> tuple[str, ...]:
        """ASKOM's D11 (Aplikasi) and D12 (Rekaman) are the same record; RCC has only D11."""
        return tuple(step.produces)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs):
        participant = participant_of(work)
        record = apl01_of(participant)
        read_only = read_only_for_participant(case)
        if read_only:
            form = Apl01Confirmation(formdata, **kwargs)
        else:
            class Form(Apl01Form):
                pass

            for position, requirement in enumerate(BASIC_REQUIREMENTS, start=1):
                setattr(Form, f"bukti_{position}", FileField(requirement))
            if formdata is None and draft:
                formdata = MultiDict([(k, v) for k, values in draft.items() for v in values])
            formdata = _with_files(formdata)
            shown = record or from_request(participant)
            data = None if formdata is not None else {name: getattr(shown, name) for name in PERSONAL}
            form = Form(formdata, data=data, **kwargs)
            form.nik = participant.person.nik
        form.participant, form.record, form.read_only = participant, record, read_only
        form.preview = record or from_request(participant)
        form.requirements = RCC_REQUIREMENTS if read_only else BASIC_REQUIREMENTS
        form.preview_evidence = (record.evidence if record else []) if not read_only else rcc_evidence(participant)
        return form

    def submit(self, case, work, form, actor, now: datetime) -> Apl01:
        participant = participant_of(work)
        record = apl01_of(participant)
        if record is None:
            record = from_request(participant)
            db.session.add(record)
        if form.read_only:
            record.evidence = rcc_evidence(participant)
            record.status = "dikonfirmasi"
        else:
            for name in PERSONAL:
                setattr(record, name, form[name].data if form[name].data is not None else "")
            if record.purpose != "lainnya":
                record.purpose_other = ""
            kept = {e.position: e for e in record.evidence}
            for position, requirement in enumerate(BASIC_REQUIREMENTS, start=1):
                item = kept.get(position) or Apl01Evidence(position=position, requirement=requirement)
                if position in form.uploaded:
                    name, data = form.uploaded[position]
                    stored = storage.save_bytes(data, f"cases/{case.id}/apl01")
                    item.file_key, item.file_name, item.file_sha256 = stored.key, name, stored.sha256
                item.review, item.review_note = None, None
                if position not in kept:
                    record.evidence.append(item)
            record.status, record.recommendation = "diajukan", None
        record.submitted_at = now
        db.session.flush()
        audit("assessment.apl01_submit", case, actor=actor, detail={"participant": participant.id,
                                                                   "status": record.status})
        return record

    def render(self, case, record: Apl01):
        from portal.assessment.apl01_render import render_apl01

        return render_apl01(case, record)

    def filename(self, case, record) -> str:
        return f"FR.APL.01-{record.full_name.lower().replace(' ', '-')}.pdf"


def _with_files(formdata):
    """The request's uploaded files beside its fields (a test may pass FileStorage values directly)."""
    from flask import has_request_context, request

    if formdata is not None and has_request_context() and request.files:
        return CombinedMultiDict([formdata, request.files])
    return formdata

