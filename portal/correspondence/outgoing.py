"""Surat Keluar: a unit (SKS) or a member (SKA) drafts a letter from the template or a PDF; the
Kabag and Kasek paraf or return it with notes; the signer signs through the signing queue; PHU
numbers and dispatches it. Operations only flush."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.services import record
from portal.cases import engine
from portal.cases.engine import CaseError
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.core.dates import format_datetime_id, roman_month, utcnow
from portal.correspondence import letters
from portal.correspondence.common import (
    Upload, check_uploads, now_or, open_work_at, pin_drafter, require_actor, store_attachments, update_facts, wib_date,
)
from portal.correspondence.letters import SIFAT, SIGNERS
from portal.documents.contexts import LetterContext, Signatory
from portal.documents.pdf import RenderedPdf, render_pdf
from portal.extensions import db
from portal.numbering.formats import CLASSIFICATIONS, series_key
from portal.numbering.services import reserve_number

DISPATCH_CHANNELS: dict[str, str] = {
    "surel": "Surat elektronik (surel)",
    "pos": "Pos / jasa kurir",
    "langsung": "Diantar langsung",
}


@dataclass(frozen=True)
class OutgoingDraft:
    """A letter drafted from the template (the body) or uploaded as a finished PDF."""

    subject: str
    kepada: list[str]
    classification: str
    sifat: str = "biasa"
    paragraf: list[str] = field(default_factory=list)
    tembusan: list[str] = field(default_factory=list)
    lampiran: str = "-"
    signer_role: str = "ketua"
    reply_to: str = ""


def _signer_for(flow_code: str, signer_role: str, actor: User) -> User | None:
    if flow_code == "SKA":
        return actor
    if signer_role not in SIGNERS:
        raise CaseError("Pilih penandatangan: Kepala Sekretariat atau Ketua.")
    return letters.first_holder(signer_role)


def _signatory(flow_code: str, signer_role: str, person: User | None) -> Signatory:
    jabatan = {"ketua": "Ketua,", "kasek": "Kepala Sekretariat,"}.get(signer_role, "Ketua,")
    if flow_code == "SKA":
        jabatan = "Anggota BNSP,"
    return Signatory(jabatan=jabatan, nama=person.full_name if person else "")


def placeholder_number(classification: str, on: date) -> str:
    """A draft's number line: PHU gives the number when the letter is dispatched."""
    return f"……/BNSP/{classification}/{roman_month(on.month)}/{on.year}"


def render_draft(flow_code: str, draft: OutgoingDraft, signer: User | None, on: date) -> RenderedPdf:
    context = LetterContext(
        nomor=placeholder_number(draft.classification, on), tanggal=on, hal=draft.subject,
        kepada=list(draft.kepada), paragraf=list(draft.paragraf), tembusan=list(draft.tembusan),
        sifat=SIFAT.get(draft.sifat, "Biasa"), lampiran=draft.lampiran or "-",
        penandatangan=_signatory(flow_code, draft.signer_role, signer),
    )
    return render_pdf("letter", context)


def _check_draft(draft: OutgoingDraft, upload: Upload | None) -> None:
    if not draft.subject.strip():
        raise CaseError("Hal (perihal) surat wajib diisi.")
    if not draft.kepada:
        raise CaseError("Tujuan surat (Yth. …) wajib diisi.")
    if draft.classification not in CLASSIFICATIONS:
        raise CaseError("Pilih kode klasifikasi surat.")
    if draft.sifat not in SIFAT:
        raise CaseError("Pilih sifat surat.")
    if upload is None and not draft.paragraf:
        raise CaseError("Tulis isi surat, atau unggah konsep dalam PDF.")


def draft_outgoing(flow_code: str, draft: OutgoingDraft, actor: User, *, upload: Upload | None = None,
                   attachments: list[Upload] | None = None, now: datetime | None = None) -> Case:
    """A unit (SKS) or a member (SKA) drafts a letter: from the template or an uploaded PDF."""
    now = now_or(now)
    if flow_code not in letters.OUTGOING_FLOWS:
        raise CaseError("Jenis surat keluar tidak dikenal.", 400)
    attachments = list(attachments or [])
    _check_draft(draft, upload)
    check_uploads(upload, *attachments)
    reply_case = None
    if draft.reply_to:
        reply_case = db.session.scalar(select(Case).where(Case.number == draft.reply_to, Case.flow_code == "SM"))
        if reply_case is None or not engine.can_view(actor, reply_case):
            raise CaseError("Surat masuk yang dijawab tidak ditemukan.", 404)
    signer = _signer_for(flow_code, draft.signer_role, actor)
    data = {"classification": draft.classification, "sifat": draft.sifat,
            "signer_role": "anggota" if flow_code == "SKA" else draft.signer_role,
            "draft": _draft_facts(draft, "unggah" if upload else "templat"), "reply_to": draft.reply_to}
    if draft.sifat == "rahasia":
        data["addressee_roles"] = ["kabag", "kasek"] if flow_code == "SKS" else []
    case = engine.open_case(flow_code, actor, draft.subject, data=data, now=now)
    pin_drafter(case)
    if signer is not None:
        engine.assign(case, "penandatangan", signer, actor)
    work = open_work_at(case, *letters.DRAFT_STEPS)
    _store_konsep(case, work, flow_code, draft, signer, upload, actor, now)
    store_attachments(case, attachments, actor, now)
    if reply_case is not None:
        replies = list(letters.facts(reply_case).get("outgoing", []))
        letters_facts = {**(reply_case.data or {}), "outgoing": [*replies, case.number]}
        reply_case.data = letters_facts
        engine.note(reply_case, actor, f"Surat keluar {case.number} dikonsep sebagai jawaban", now=now)
    return case


def _draft_facts(draft: OutgoingDraft, source: str) -> dict:
    facts = asdict(draft)
    facts["source"] = source
    return facts


def _store_konsep(case: Case, work: WorkItem, flow_code: str, draft: OutgoingDraft, signer: User | None,
                  upload: Upload | None, actor: User, now: datetime) -> DocumentVersion:
    if upload is not None:
        return engine.upload_document(case, "KONSEP", upload.filename, upload.data, actor, work=work,
                                      note="Konsep diunggah")
    rendered = render_draft(flow_code, draft, signer, wib_date(now))
    box = rendered.signature_box  # where the signing queue stamps the signature and its QR code
    return engine.upload_document(case, "KONSEP", f"konsep-{case.number}.pdf", rendered.data, actor, work=work,
                                  note="Konsep dari templat surat dinas",
                                  signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2],
                                  number_boxes=rendered.number_boxes_json)


def revise_draft(case: Case, actor: User, draft: OutgoingDraft, *, upload: Upload | None = None,
                 now: datetime | None = None) -> DocumentVersion:
    """A new version of the draft (after a return, or before submitting); earlier ones stay."""
    now = now_or(now)
    work = open_work_at(case, *letters.DRAFT_STEPS)
    require_actor(case, work, actor)
    _check_draft(draft, upload)
    check_uploads(upload)
    draft = OutgoingDraft(**{**asdict(draft), "signer_role": letters.facts(case).get("signer_role", draft.signer_role),
                             "reply_to": letters.facts(case).get("reply_to", "")})
    case.title = draft.subject[:300]
    update_facts(case, classification=draft.classification, sifat=draft.sifat,
            draft=_draft_facts(draft, "unggah" if upload else "templat"))
    signer = letters.named(case, "penandatangan")
    return _store_konsep(case, work, case.flow_code, draft, signer, upload, actor, now)


def submit_draft(case: Case, actor: User, *, now: datetime | None = None) -> None:
    """Konsep diajukan to the head of section; the Secretariat's 2-working-day clock starts here.
    (A member's draft needs no submitting: it waits in his signing queue as soon as it is saved.)"""
    if case.flow_code != "SKS":
        raise CaseError("Konsep surat anggota langsung masuk antrean tanda tangan Anda.", 400)
    work = open_work_at(case, "konsep")
    require_actor(case, work, actor)
    engine.act(case, work.id, "submit", actor, now=now_or(now))


def review_draft(case: Case, actor: User, *, approve: bool, note: str = "", now: datetime | None = None) -> None:
    """Paraf (approve, optionally with a note) or return with notes, by the Kabag then the Kasek."""
    now = now_or(now)
    work = open_work_at(case, "paraf_kabag", "paraf_kasek")
    require_actor(case, work, actor)
    if approve:
        engine.act(case, work.id, "approve", actor, reason=note.strip() or None, now=now)
    else:
        if not note.strip():
            raise CaseError("Tulis catatan perbaikan untuk pengonsep.")
        engine.act(case, work.id, "return", actor, reason=note.strip(), now=now)
        pin_drafter(case)


def choose_signer(case: Case, actor: User, signer_role: str) -> User:
    """Kasek or Ketua signs a Secretariat letter: the drafter proposes, the Kasek may change it at paraf."""
    if case.flow_code != "SKS":
        raise CaseError("Penandatangan surat anggota adalah anggota itu sendiri.", 400)
    if signer_role not in SIGNERS:
        raise CaseError("Pilih penandatangan: Kepala Sekretariat atau Ketua.")
    steps = {w.step_key: w for w in engine.open_work(case)}
    allowed = ("konsep" in steps and engine.may_act_on(actor, case, steps["konsep"])) or (
        "paraf_kasek" in steps and engine.may_act_on(actor, case, steps["paraf_kasek"]))
    if not allowed:
        raise CaseError("Penandatangan hanya dapat diubah oleh pengonsep atau Kepala Sekretariat saat paraf.", 403)
    person = letters.first_holder(signer_role)
    if person is None:
        raise CaseError(f"Belum ada akun {SIGNERS[signer_role]} yang aktif.")
    update_facts(case, signer_role=signer_role)
    engine.assign(case, "penandatangan", person, actor)
    draft = letters.facts(case).get("draft", {})
    if draft.get("source") == "templat":
        # The signature block names the signer: a new version of the draft says who signs now.
        work = steps.get("konsep") or steps["paraf_kasek"]
        fields = {k: v for k, v in draft.items() if k in OutgoingDraft.__dataclass_fields__}
        _store_konsep(case, work, "SKS", OutgoingDraft(**{**fields, "signer_role": signer_role}), person, None,
                      actor, utcnow())
    return person


def _number_letter(case: Case, now: datetime) -> str:
    """The number the letter received as it was signed (written in the PDF and its QR), reused at
    registration and dispatch. Only a letter signed without one (outside the queue, or before
    numbering moved to signing) is numbered here, with the letter's own classification."""
    from portal.signing.models import SignatureRequest

    signed = list(db.session.scalars(
        select(SignatureRequest).where(SignatureRequest.case_id == case.id, SignatureRequest.code == "SURAT_TTD",
                                       SignatureRequest.state == "ditandatangani")
        .order_by(SignatureRequest.id.desc())
    ))
    numbered = next((r.number for r in signed if r.number), None)
    if numbered:
        return numbered
    classification = letters.facts(case).get("classification", "UM.00.00")
    _sequence, number = reserve_number(series_key("letter"), now, classification)
    for request in signed[:1]:
        request.number = number
    return number


def dispatch_letter(case: Case, actor: User, *, channel: str, note: str = "", receipt: Upload | None = None,
                    now: datetime | None = None) -> str:
    """PHU registers the signed letter under the number it was signed with and records its dispatch."""
    now = now_or(now)
    if channel not in DISPATCH_CHANNELS:
        raise CaseError("Pilih cara pengiriman surat.")
    check_uploads(receipt)
    work = open_work_at(case, "dispatch")
    require_actor(case, work, actor)
    number = letters.facts(case).get("letter_number") or _number_letter(case, now)
    update_facts(case, letter_number=number, dispatch={"channel": channel, "note": note.strip(), "by": actor.id,
                                                  "at": now.isoformat()})
    if receipt is not None:
        engine.upload_document(case, "BUKTI_KIRIM", receipt.filename, receipt.data, actor, work=work,
                               note=DISPATCH_CHANNELS[channel])
    else:
        text = (f"Bukti pengiriman surat\nNomor surat: {number}\nHal: {case.title}\n"
                f"Kepada: {letters.counterpart(case)}\nDikirim melalui: {DISPATCH_CHANNELS[channel]}\n"
                f"Oleh: {actor.full_name}\nWaktu: {format_datetime_id(now)}\nCatatan: {note.strip() or '-'}\n")
        engine.upload_document(case, "BUKTI_KIRIM", "bukti-kirim.txt", text.encode(), actor, work=work,
                               note=DISPATCH_CHANNELS[channel], content_type="text/plain", check=False)
    engine.note(case, actor, f"Surat diregistrasi dan dikirim: nomor {number}", step_key="dispatch", now=now)
    engine.act(case, work.id, "dispatch", actor, now=now)
    record("correspondence.dispatch", case, actor=actor, detail={"number": number, "channel": channel})
    return number
