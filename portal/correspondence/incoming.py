"""Surat Masuk: PHU registers and routes a letter, the Kasek (or Ketua) disposes it with the lembar
disposisi, the target unit records its follow-up and archives it. Operations only flush."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.accounts.models import User
from portal.audit.services import record
from portal.calendar.services import work_calendar
from portal.cases import engine
from portal.cases.engine import CaseError
from portal.cases.models import Case, DocumentVersion
from portal.core.dates import format_datetime_id
from portal.correspondence import letters
from portal.correspondence.common import (
    Upload, at_15_wib, check_uploads, now_or, open_work_at, require_actor, store_attachments, update_facts, wib_date,
)
from portal.correspondence.letters import ADDRESSEES, DISPOSITION_UNITS, INSTRUCTIONS, MATTERS, SECTION_ROLE, SIFAT
from portal.documents.contexts import DisposisiContext, Signatory
from portal.documents.pdf import render_pdf


@dataclass(frozen=True)
class IncomingLetter:
    """What PHU records from a received letter (the agenda entry)."""

    sender: str
    their_number: str
    their_date: date
    received_on: date
    subject: str
    classification: str
    sifat: str
    matter: str
    addressed_to: str = "kasek"
    summary: str = ""


@dataclass(frozen=True)
class Disposition:
    instructions: list[str]
    units: list[str]
    due: date
    note: str = ""


def register_incoming(letter: IncomingLetter, scan: Upload, actor: User, *,
                      attachments: list[Upload] | None = None, now: datetime | None = None) -> Case:
    """PHU records a received letter: agenda entry with agenda number, scan, attachments, then
    routes it (straight to the section for Lisensi / Askom, else to the disposer)."""
    now = now_or(now)
    attachments = list(attachments or [])
    check_uploads(scan, *attachments)
    data = {
        "sender": letter.sender, "their_number": letter.their_number,
        "their_date": letter.their_date.isoformat(), "received_on": letter.received_on.isoformat(),
        "registered_at": now.isoformat(), "classification": letter.classification, "sifat": letter.sifat,
        "matter": letter.matter, "addressed_to": letter.addressed_to, "summary": letter.summary,
    }
    if letter.sifat == "rahasia":
        data["addressee_roles"] = [_first_reader(letter.matter, letter.addressed_to)]
    case = engine.open_case("SM", actor, letter.subject, data=data, now=now)
    work = open_work_at(case, "register")
    engine.upload_document(case, "SURAT", scan.filename, scan.data, actor, work=work, note="Pindaian surat")
    store_attachments(case, attachments, actor, now)
    engine.act(case, work.id, "submit", actor, now=now)
    route_incoming(case, actor, matter=letter.matter, addressed_to=letter.addressed_to, now=now)
    return case


def _first_reader(matter: str, addressed_to: str) -> str:
    return SECTION_ROLE.get(matter) or addressed_to


def route_incoming(case: Case, actor: User, *, matter: str, addressed_to: str = "kasek",
                   now: datetime | None = None) -> None:
    """Lisensi / Askom matters to that section's inbox; others to the Kasek (or Ketua) to dispose."""
    now = now_or(now)
    if matter not in MATTERS:
        raise CaseError("Pilih arah surat: umum (disposisi), Lisensi, atau Askom.")
    if addressed_to not in ADDRESSEES:
        raise CaseError("Pilih tujuan disposisi: Kepala Sekretariat atau Ketua.")
    work = open_work_at(case, "route")
    require_actor(case, work, actor)
    update_facts(case, matter=matter, addressed_to=addressed_to)
    _add_reader_roles(case, [_first_reader(matter, addressed_to)])
    if matter in SECTION_ROLE:
        role = SECTION_ROLE[matter]
        person = letters.first_holder(role)
        if person is not None:
            engine.assign(case, "unit_tujuan", person, actor)
        update_facts(case, routed_to=role)
        engine.act(case, work.id, "route_section", actor, now=now)
    else:
        person = letters.first_holder(addressed_to)
        if person is not None:
            engine.assign(case, "penerima_disposisi", person, actor)
        update_facts(case, routed_to=addressed_to)
        engine.act(case, work.id, "route_disposition", actor, now=now)


def _add_reader_roles(case: Case, roles: list[str]) -> None:
    if letters.is_secret(case):
        current = list(letters.facts(case).get("addressee_roles", []))
        update_facts(case, addressee_roles=current + [r for r in roles if r not in current])


def correct_registration(case: Case, letter: IncomingLetter, actor: User, *, scan: Upload | None = None,
                         now: datetime | None = None) -> None:
    """After "Perbaiki pencatatan": PHU corrects the agenda entry (the agenda number stays) and routes again."""
    now = now_or(now)
    check_uploads(scan)
    work = open_work_at(case, "register")
    require_actor(case, work, actor)
    case.title = letter.subject[:300]
    update_facts(case, sender=letter.sender, their_number=letter.their_number,
            their_date=letter.their_date.isoformat(), received_on=letter.received_on.isoformat(),
            classification=letter.classification, sifat=letter.sifat, summary=letter.summary)
    if scan is not None:
        engine.upload_document(case, "SURAT", scan.filename, scan.data, actor, work=work, note="Pindaian perbaikan")
    engine.act(case, work.id, "submit", actor, now=now)
    route_incoming(case, actor, matter=letter.matter, addressed_to=letter.addressed_to, now=now)


def default_follow_up_due(now: datetime | None = None) -> date:
    """The follow-up's due date when the disposition names none (the flow's assumed 2 Hr)."""
    return wib_date(work_calendar().due_hr(now_or(now), 2))


def dispose(case: Case, actor: User, disposition: Disposition, *, now: datetime | None = None) -> DocumentVersion:
    """The Kasek (or Ketua) disposes: instruction, target unit(s), due date; prints the lembar
    disposisi and sends the letter to the first unit named (the others read it)."""
    now = now_or(now)
    work = open_work_at(case, "disposisi")
    require_actor(case, work, actor)
    units = [u for u in dict.fromkeys(disposition.units) if u]
    if not units:
        raise CaseError("Pilih sedikitnya satu unit tujuan disposisi.")
    unknown = [u for u in units if u not in DISPOSITION_UNITS]
    if unknown:
        raise CaseError("Unit tujuan disposisi tidak dikenal.")
    if not disposition.instructions and not disposition.note.strip():
        raise CaseError("Isi instruksi disposisi: centang sedikitnya satu atau tulis catatan.")
    calendar = work_calendar()
    if disposition.due < wib_date(now):
        raise CaseError("Batas waktu tindak lanjut tidak boleh sebelum hari ini.")
    if not calendar.is_working_day(disposition.due):
        raise CaseError("Batas waktu tindak lanjut harus hari kerja (bukan Sabtu, Minggu atau hari libur).")
    facts = {"instructions": list(disposition.instructions), "units": units, "note": disposition.note.strip(),
             "due": disposition.due.isoformat(), "by": actor.id, "by_name": actor.full_name,
             "by_role": "ketua" if "ketua" in actor.role_codes and "kasek" not in actor.role_codes else "kasek",
             "at": now.isoformat()}
    overrides = dict(letters.facts(case).get("due_overrides", {}))
    overrides["follow_up"] = at_15_wib(disposition.due).isoformat()
    update_facts(case, disposition=facts, due_overrides=overrides)
    _add_reader_roles(case, units)
    person = letters.first_holder(units[0])
    if person is not None:
        engine.assign(case, "unit_tujuan", person, actor)
    pdf = render_pdf("lembar_disposisi", disposition_sheet(case)).data
    agenda = letters.facts(case).get("agenda_number", case.number).replace("/", "-")
    version = engine.upload_document(case, "DISPOSISI", f"lembar-disposisi-{agenda}.pdf", pdf, actor, work=work)
    summary = "; ".join([*disposition.instructions, disposition.note.strip()]).strip("; ")
    engine.act(case, work.id, "submit", actor, reason=summary or None, now=now)
    record("correspondence.dispose", case, actor=actor, detail={"units": units, "due": facts["due"]})
    return version


def disposition_sheet(case: Case) -> DisposisiContext:
    """The lembar disposisi of a letter: filled in once disposed, blank boxes before that."""
    data = letters.facts(case)
    given = data.get("disposition", {})
    role = given.get("by_role", data.get("addressed_to", "kasek"))
    signer = Signatory(jabatan="Ketua," if role == "ketua" else "Kepala Sekretariat,",
                       nama=given.get("by_name", ""))
    return DisposisiContext(
        nomor_agenda=data.get("agenda_number", case.number), tanggal_diterima=letters.parse_day(data["received_on"]),
        asal_surat=data.get("sender", ""), nomor_surat=data.get("their_number", ""),
        tanggal_surat=letters.parse_day(data["their_date"]), perihal=case.title,
        sifat=SIFAT.get(data.get("sifat", "biasa"), "Biasa"),
        diteruskan_kepada=[DISPOSITION_UNITS[u] for u in given.get("units", []) if u in DISPOSITION_UNITS],
        instruksi=list(given.get("instructions", [])), catatan=given.get("note", ""),
        batas_waktu=letters.parse_day(given.get("due")),
        tanggal_disposisi=wib_date(letters.parse_moment(given["at"])) if given.get("at") else None,
        penandatangan=signer, unit_pilihan=tuple(DISPOSITION_UNITS.values()), instruksi_pilihan=INSTRUCTIONS,
    )


def record_follow_up(case: Case, actor: User, *, note: str, archive: bool = True,
                     now: datetime | None = None) -> None:
    """The target unit records what it did (a note, and any outgoing letter answering it), then
    closes and archives the letter, or leaves the archiving for later."""
    now = now_or(now)
    work = open_work_at(case, "follow_up")
    require_actor(case, work, actor)
    replies = letters.facts(case).get("outgoing", [])
    if not note.strip() and not replies:
        raise CaseError("Tulis catatan tindak lanjut (apa yang sudah dilakukan).")
    lines = [f"Tindak lanjut surat {letters.facts(case).get('agenda_number', case.number)}",
             f"Oleh: {actor.full_name}", f"Waktu: {format_datetime_id(now)}", "", note.strip()]
    if replies:
        lines.append("Dijawab dengan surat keluar: " + ", ".join(replies))
    engine.upload_document(case, "TINDAK_LANJUT", "tindak-lanjut.txt", "\n".join(lines).encode(), actor,
                           work=work, note=note.strip()[:500] or None, content_type="text/plain", check=False)
    update_facts(case, follow_up={"note": note.strip(), "by": actor.id, "at": now.isoformat(), "replies": replies})
    engine.act(case, work.id, "submit", actor, reason=note.strip() or None, now=now)
    if archive:
        archive_letter(case, actor, now=now)


def archive_letter(case: Case, actor: User, *, now: datetime | None = None) -> None:
    work = open_work_at(case, "archive")
    require_actor(case, work, actor)
    engine.act(case, work.id, "archive", actor, now=now)
