"""The members' plenary on a licence as the step form "pleno_lisensi": attendance, the decision with
its reasons, scope (schemes) and validity; the minutes (D21) are rendered from it. The decision
must match the action taken ("Lisensi diberikan" / "Lisensi ditolak"). The rejection letter, the
SK Lisensi and the licence certificate are drafted from the record (templates registered below)."""
from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from wtforms import DateField, IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.accounts.models import User, UserRole
from portal.cases import signals
from portal.cases.drafts import TEMPLATES, _addressee, _ketua, _placeholder, _today
from portal.cases.errors import CaseError
from portal.cases.models import Case, WorkItem
from portal.core.dates import roman_month
from portal.documents.contexts import (
    Attendee, BeritaAcaraContext, CertificateContext, Diktum, LetterContext, Signatory, SkContext,
)
from portal.documents.pdf import RenderedPdf, render_pdf
from portal.extensions import db
from portal.forms.base import NotAfterToday, PortalForm, today_wib
from portal.forms.fields import CheckboxListField, choices
from portal.forms.registry import StepForm, register_form
from portal.licensing.models import PlenoRecord

DECISIONS = {"diberikan": "Lisensi diberikan", "ditolak": "Lisensi ditolak"}
MEMBER_ROLES = ("anggota", "ketua")
QUORUM = 2  # assumption: a plenary is a meeting, not one member's click


def members() -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role.in_(MEMBER_ROLES), User.is_enabled.is_(True)).order_by(User.full_name).distinct()))


class PlenoForm(PortalForm):
    held_on = DateField("Tanggal rapat pleno", [InputRequired(), NotAfterToday()])
    attendees = CheckboxListField("Anggota yang hadir")
    decision = RadioField("Keputusan", choices=choices(DECISIONS), validators=[InputRequired("pilih keputusan.")])
    reasons = TextAreaField("Pertimbangan / alasan keputusan", [InputRequired(), Length(max=4000)])
    schemes = TextAreaField("Ruang lingkup: skema yang dilisensi (satu per baris)", [Length(max=4000)])
    valid_years = IntegerField("Masa berlaku (tahun)", [InputRequired(), NumberRange(1, 5)], default=5)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if len(set(self.attendees.data or [])) < QUORUM:
            self.form_errors.append(f"Rapat pleno dihadiri sedikitnya {QUORUM} anggota; centang yang hadir.")
            valid = False
        if self.decision.data == "diberikan" and not (self.schemes.data or "").strip():
            self.form_errors.append("Tuliskan skema yang dilisensi (ruang lingkup) untuk lisensi yang diberikan.")
            valid = False
        return valid


@register_form("pleno_lisensi")
class PlenoLisensi(StepForm):
    title = "Berita acara rapat pleno"
    form_class = PlenoForm
    template = "licensing/_pleno_form.html"
    models = (PlenoRecord,)

    def form(self, case, work, formdata=None, *, draft=None, **kwargs) -> PortalForm:
        form = super().form(case, work, formdata, draft=draft, **kwargs)
        form.attendees.choices = choices({str(u.id): u.full_name for u in members()})
        return form

    def initial(self, case: Case, work: WorkItem) -> dict:
        schemes = (case.data or {}).get("schemes") or []
        return {"held_on": today_wib(), "valid_years": 5, "schemes": "\n".join(schemes)}

    def submit(self, case: Case, work: WorkItem, form: PlenoForm, actor, now: datetime) -> PlenoRecord:
        people = [db.session.get(User, int(uid)) for uid in dict.fromkeys(form.attendees.data)]
        record = PlenoRecord(
            case_id=case.id, work_item_id=work.id, held_on=form.held_on.data, attendee_ids=[p.id for p in people],
            attendee_names=[p.full_name for p in people], decision=form.decision.data, reasons=form.reasons.data,
            schemes=[line.strip() for line in (form.schemes.data or "").splitlines() if line.strip()],
            valid_years=form.valid_years.data, written_by_id=actor.id, written_at=now)
        db.session.add(record)
        # The validity the plenary decided, on the case where the signing queue reads it for the
        # licence certificate's valid_until (its QR payload and verification page).
        case.data = {**(case.data or {}), "licence_valid_years": record.valid_years}
        db.session.flush()
        return record

    def render(self, case: Case, record: PlenoRecord) -> RenderedPdf:
        return render_pdf("berita_acara", minutes(case, record))

    def filename(self, case: Case, record) -> str:
        return f"berita-acara-pleno-{case.number}.pdf"


def latest(case: Case) -> PlenoRecord | None:
    return db.session.scalar(select(PlenoRecord).where(PlenoRecord.case_id == case.id)
                             .order_by(PlenoRecord.id.desc()).limit(1))


def minutes(case: Case, record: PlenoRecord) -> BeritaAcaraContext:
    name = case.organisation.name if case.organisation else case.title
    decisions = [f"{DECISIONS[record.decision]} kepada {name}."]
    if record.decision == "diberikan":
        decisions.append("Ruang lingkup: " + "; ".join(record.schemes) + ".")
        decisions.append(f"Masa berlaku lisensi {record.valid_years} tahun sejak SK ditetapkan.")
    return BeritaAcaraContext(
        judul="BERITA ACARA RAPAT PLENO LISENSI", kegiatan=f"rapat pleno anggota BNSP atas permohonan lisensi {name}",
        nomor=f"BA-PLENO/{case.number}", tanggal=record.held_on, waktu="09.00 WIB", tempat_rapat="Kantor BNSP, Jakarta",
        hadir=[Attendee(nama=n, unsur="Anggota BNSP") for n in record.attendee_names],
        pembahasan=[line for line in record.reasons.splitlines() if line.strip()], keputusan=decisions,
        penandatangan=[Signatory(jabatan="Pimpinan rapat,", nama=record.attendee_names[0])])


@signals.step_closed.connect
def decision_matches_the_action(case, work, actor=None, forward=False, **_) -> None:
    if case.flow_code != "LIS" or work.step_key != "pleno" or work.state != "done":
        return
    record = latest(case)
    wanted = {"approve": "diberikan", "reject": "ditolak"}.get(work.action_key or "")
    if wanted is None:
        return
    if record is None or record.decision != wanted:
        raise CaseError("Isi berita acara rapat pleno dengan keputusan yang sama dengan tindakan ini "
                        f"({DECISIONS[wanted]}).", 422)


# --- drafts from the plenary record (declared as templates in portal/flows/lisensi.py) -------------

def _org(case: Case) -> str:
    return case.organisation.name if case.organisation else "LSP"


def rejection_letter(case: Case):
    record = latest(case)
    reasons = [line.strip() for line in (record.reasons if record else "").splitlines() if line.strip()]
    held = record.held_on if record else _today()
    from portal.core.dates import format_date_id

    return "letter", LetterContext(
        nomor=_placeholder("LS.01.00"), tanggal=_today(), hal="Pemberitahuan Penolakan Permohonan Lisensi",
        kepada=_addressee(case),
        paragraf=[f"Menindaklanjuti permohonan lisensi {_org(case)} ({case.number}), rapat pleno anggota BNSP "
                  f"pada {format_date_id(held)} memutuskan bahwa lisensi belum dapat diberikan, dengan "
                  "pertimbangan sebagai berikut:",
                  *[f"{i}. {reason}" for i, reason in enumerate(reasons, start=1)],
                  "Saudara dapat mengajukan kembali permohonan lisensi setelah menindaklanjuti pertimbangan tersebut.",
                  "Demikian kami sampaikan, atas perhatian Saudara diucapkan terima kasih."],
        penandatangan=_ketua(), tembusan=["Kepala Sekretariat BNSP"])


def scope_and_validity(case: Case, issued: date) -> tuple[list[str], date]:
    record = latest(case)
    schemes = record.schemes if record and record.schemes else list((case.data or {}).get("schemes") or [])
    years = record.valid_years if record else 5
    return schemes, issued + relativedelta(years=years)  # as the signing queue and the register read it


def licence_sk(case: Case):
    today = _today()
    schemes, until = scope_and_validity(case, today)
    from portal.core.dates import format_date_id

    return "sk", SkContext(
        nomor=f"KEP.……/BNSP/{roman_month(today.month)}/{today.year}", tentang=f"Pemberian Lisensi kepada {_org(case)}",
        menimbang=[f"bahwa {_org(case)} telah memenuhi persyaratan lisensi berdasarkan hasil asesmen dan "
                   "keputusan rapat pleno anggota BNSP;"],
        mengingat=["Peraturan Pemerintah Nomor 10 Tahun 2018 tentang Badan Nasional Sertifikasi Profesi;"],
        diktum=[Diktum(isi=f"Memberikan lisensi kepada {_org(case)} sebagai Lembaga Sertifikasi Profesi dengan "
                           "ruang lingkup skema sertifikasi:", butir=schemes or ["(sesuai keputusan pleno)"]),
                Diktum(isi=f"Lisensi berlaku sejak tanggal ditetapkan sampai dengan {format_date_id(until)}.")],
        tanggal=today, penandatangan=_ketua())


def licence_certificate(case: Case):
    today = _today()
    schemes, until = scope_and_validity(case, today)
    return "certificate", CertificateContext(
        nama=_org(case), nomor_sertifikat="BNSP-LSP-……-ID", nomor_registrasi=case.number,
        skema_judul="; ".join(schemes) or "Lisensi Lembaga Sertifikasi Profesi", skema_nomor="-",
        kualifikasi="Lembaga Sertifikasi Profesi", tanggal_terbit=today, berlaku_sampai=until,
        penandatangan=_ketua(), judul="SERTIFIKAT LISENSI", judul_en="Licence Certificate",
        pernyataan="diberi lisensi sebagai", pernyataan_en="is licensed as")


# The flow file names these templates; the drafts registry is shared, the builders live here.
TEMPLATES.setdefault("licence_rejection_pleno", rejection_letter)
TEMPLATES.setdefault("licence_sk_scope", licence_sk)
TEMPLATES.setdefault("licence_certificate_scope", licence_certificate)
