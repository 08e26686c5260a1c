"""Surat Masuk: PHU registers and routes a letter, the Kasek (or Ketua) disposes it with the lembar
disposisi, the target unit records its follow-up and archives it. Operations only flush."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.accounts.models import User
from portal.audit.services import record
from portal.cases import engine
from portal.cases.engine import CaseError
from portal.cases.models import Case, DocumentVersion
from portal.core.dates import format_datetime_id
from portal.correspondence import letters
from portal.correspondence.common import (
    Upload, check_uploads, now_or, open_work_at, require_actor, store_attachments, update_facts, wib_date,
)
from portal.correspondence.letters import ADDRESSEES, MATTERS, SECTION_ROLE
from portal.forms import services as step_forms


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


def dispose(case: Case, actor: User, formdata, *, now: datetime | None = None) -> DocumentVersion:
    """The Kasek (or Ketua) fills in the Lembar Disposisi (the step form "disposisi": instructions,
    target unit(s), due date), which prints the sheet into slot DISPOSISI, and sends the letter on
    to the first unit named (the others read it). Invalid input raises FormInvalid, nothing stored."""
    now = now_or(now)
    work = open_work_at(case, "disposisi")
    submitted = step_forms.submit(case, work, formdata, actor, now=now, today=wib_date(now))
    given = submitted.record
    summary = "; ".join([*given.instructions, given.note]).strip("; ")
    engine.act(case, work.id, "submit", actor, reason=summary or None, now=now)
    return submitted.document


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
