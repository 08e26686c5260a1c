"""Shared pieces of the mail operations: uploads, the letter's facts in `case.data`, finding the
step a user holds, and sending a letter back. Operations only flush; the request commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from portal import storage
from portal import uploads as upload_gate
from portal.accounts.models import User
from portal.audit.services import record
from portal.cases import engine
from portal.cases.engine import CaseError
from portal.cases.models import Case, WorkItem
from portal.core import files
from portal.core.dates import WIB, utcnow
from portal.correspondence import letters
from portal.flows.definition import Kind


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def now_or(now: datetime | None) -> datetime:
    return now or utcnow()


def update_facts(case: Case, **changes) -> None:
    # JSON columns are not mutation-tracked: always assign a new dict.
    case.data = {**(case.data or {}), **changes}


def clean_filename(name: str) -> str:
    return files.clean_filename(name, "lampiran.pdf")


def open_work_at(case: Case, *step_keys: str) -> WorkItem:
    for work in engine.open_work(case):
        if work.step_key in step_keys:
            return work
    titles = ", ".join(engine.flow_of(case).step(k).title for k in step_keys)
    raise CaseError(f"Surat ini tidak sedang pada langkah “{titles}”. Muat ulang halaman.", 409)


def require_actor(case: Case, work: WorkItem, actor: User) -> None:
    if not engine.may_act_on(actor, case, work):
        raise CaseError("Anda tidak berwenang melakukan tindakan ini pada surat ini.", 403)


def check_uploads(*uploads: Upload | None) -> None:
    """Refuse the whole submission (before anything is stored) if one file is not a good PDF."""
    for upload in uploads:
        if upload is None:
            continue
        try:
            upload_gate.check_pdf(upload.data)
        except upload_gate.UploadRefused as exc:
            raise CaseError(f"{upload.filename}: {exc.message}", exc.status) from None


def store_attachments(case: Case, uploads: list[Upload], actor: User, now: datetime) -> None:
    if not uploads:
        return
    stored = list(letters.facts(case).get("attachments", []))
    for upload in uploads:
        saved = storage.save_bytes(upload.data, f"cases/{case.id}/lampiran", ".pdf")
        stored.append({"key": saved.key, "filename": clean_filename(upload.filename),
                       "size": saved.size, "sha256": saved.sha256, "by": actor.id, "at": now.isoformat()})
    update_facts(case, attachments=stored)
    record("correspondence.attachments", case, actor=actor, detail={"count": len(uploads)})


def pin_drafter(case: Case) -> None:
    """A draft (also one sent back for correction) waits for its own drafter, not every unit."""
    if case.flow_code not in letters.OUTGOING_FLOWS or case.created_by_id is None:
        return
    for work in engine.open_work(case):
        if work.step_key in letters.DRAFT_STEPS and work.assignee_id is None:
            work.assignee_id = case.created_by_id


def at_15_wib(day: date) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=WIB).astimezone(timezone.utc)


def wib_date(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


def return_letter(case: Case, actor: User, *, reason: str, now: datetime | None = None) -> None:
    """Send the letter back from the step the actor holds, with the reason (e.g. "Kembalikan ke PHU")."""
    if not reason.strip():
        raise CaseError("Alasan pengembalian wajib diisi.")
    flow = engine.flow_of(case)
    for work in engine.open_work(case):
        step = flow.step(work.step_key)
        back = next((t for t in step.transitions if t.kind is Kind.RETURN), None)
        if back is not None and engine.may_act_on(actor, case, work, back):
            engine.act(case, work.id, back.key, actor, reason=reason.strip(), now=now_or(now))
            pin_drafter(case)
            return
    raise CaseError("Tidak ada langkah surat ini yang dapat Anda kembalikan.", 403)
