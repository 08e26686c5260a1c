"""Document versions of a case: every upload, rendered draft, form record and signed PDF is the next
version of its slot (a D-code, per participant or LKS finding where the step runs per item).
Versions are never changed or deleted; the newest of each slot is the current document."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal import storage, uploads
from portal.accounts.models import User
from portal.audit.services import record
from portal.cases import signals
from portal.cases.access import flow_of, may_act_on
from portal.cases.errors import CaseError
from portal.cases.models import Case, CaseItem, DocumentVersion, WorkItem
from portal.cases.timeline import log
from portal.core.dates import format_datetime_id, utcnow
from portal.core.files import clean_filename
from portal.extensions import db


def item_key(item: CaseItem | None) -> str:
    return f"item:{item.id}" if item is not None else ""


def latest_documents(case: Case) -> dict[tuple[str, str], DocumentVersion]:
    """The newest version of every document slot of the case, by (code, item_key)."""
    newest: dict[tuple[str, str], DocumentVersion] = {}
    rows = db.session.scalars(
        select(DocumentVersion).where(DocumentVersion.case_id == case.id).order_by(DocumentVersion.version)
    )
    for version in rows:
        newest[(version.code, version.item_key)] = version
    return newest


def present_codes(case: Case, item: CaseItem | None = None) -> set[str]:
    """Codes present for a case-wide step (any slot, e.g. every participant's certificate), or the
    case-wide ones plus the item's own when acting for one participant / finding."""
    return codes_in(filled_slots([case])[case.id], item)


def filled_slots(cases: list[Case]) -> dict[int, set[tuple[str, str]]]:
    """The (code, item key) slots holding a document, per case: one read for several cases."""
    slots: dict[int, set[tuple[str, str]]] = {case.id: set() for case in cases}
    rows = db.session.execute(select(DocumentVersion.case_id, DocumentVersion.code, DocumentVersion.item_key)
                              .where(DocumentVersion.case_id.in_(slots)).distinct())
    for case_id, code, key in rows:
        slots[case_id].add((code, key))
    return slots


def codes_in(slots: set[tuple[str, str]], item: CaseItem | None = None) -> set[str]:
    """:func:`present_codes` from the case's filled slots."""
    if item is None:
        return {code for code, _key in slots}
    keys = {"", item_key(item)}
    return {code for code, key in slots if key in keys}


def upload_document(case: Case, code: str, filename: str, data: bytes, actor: User | None, *,
                    work: WorkItem | None = None, item: CaseItem | None = None, note: str | None = None,
                    content_type: str = "application/pdf", check: bool = True,
                    signature_box: list | None = None, number_boxes: list | None = None,
                    stored: storage.StoredFile | None = None) -> DocumentVersion:
    """Store a new version of slot `code` (for the work item's participant / finding if any);
    `stored`: the bytes are already in storage (a signing batch writes its files together)."""
    flow = flow_of(case)
    if code not in flow.document_codes:
        raise CaseError(f"Kode dokumen {code} tidak dikenal pada {flow.name}.")
    if work is not None:
        step = flow.step(work.step_key)
        allowed = set(step.requires) | set(step.document_codes)
        if code not in allowed:
            raise CaseError(f"Dokumen {code} tidak diunggah pada langkah “{step.title}”.")
        if work.state != "open" or actor is None or not may_act_on(actor, case, work):
            raise CaseError("Anda tidak dapat mengunggah dokumen pada langkah ini.", 403)
    if check:
        try:
            uploads.check_pdf(data)
        except uploads.UploadRefused as exc:
            raise CaseError(exc.message, exc.status) from None
    if work is not None:
        item = work.item
    key = item_key(item)
    last = db.session.scalar(
        select(func.max(DocumentVersion.version))
        .where(DocumentVersion.case_id == case.id, DocumentVersion.code == code, DocumentVersion.item_key == key)
    ) or 0
    if stored is None:
        stored = storage.save_bytes(data, f"cases/{case.id}", ".pdf" if content_type == "application/pdf" else ".txt")
    version = DocumentVersion(
        case_id=case.id, code=code, item_key=key, version=last + 1,
        filename=clean_filename(filename, f"{code}.pdf"), content_type=content_type, size=stored.size,
        sha256=stored.sha256, storage_key=stored.key, note=(note or "").strip() or None,
        step_key=work.step_key if work else None, uploaded_by=actor, signature_box=signature_box,
        number_boxes=number_boxes or None,
    )
    db.session.add(version)
    db.session.flush()
    _announce(case, version, item, actor, work)
    return version


@dataclass(frozen=True)
class StoredVersion:
    """A file already in storage, to be recorded as the next version of its slot."""

    case: Case
    code: str
    filename: str
    stored: storage.StoredFile
    item: CaseItem | None = None
    note: str | None = None


def add_stored_versions(entries: list[StoredVersion], actor: User | None) -> list[DocumentVersion]:
    """Record several stored files at once (a signing batch's group of signed PDFs): one read of
    their slots' current versions and one flush for all, then each is logged, audited and announced
    as :func:`upload_document` does. In order."""
    for entry in entries:
        flow = flow_of(entry.case)
        if entry.code not in flow.document_codes:
            raise CaseError(f"Kode dokumen {entry.code} tidak dikenal pada {flow.name}.")
    if not entries:
        return []
    slots = [(entry.case.id, entry.code, item_key(entry.item)) for entry in entries]
    last = {(case_id, code, key): newest for case_id, code, key, newest in db.session.execute(
        select(DocumentVersion.case_id, DocumentVersion.code, DocumentVersion.item_key,
               func.max(DocumentVersion.version))
        .where(DocumentVersion.case_id.in_({slot[0] for slot in slots}),
               DocumentVersion.code.in_({slot[1] for slot in slots}),
               DocumentVersion.item_key.in_({slot[2] for slot in slots}))
        .group_by(DocumentVersion.case_id, DocumentVersion.code, DocumentVersion.item_key))}
    versions = []
    for entry, slot in zip(entries, slots):
        last[slot] = last.get(slot, 0) + 1
        versions.append(DocumentVersion(
            case_id=entry.case.id, code=entry.code, item_key=slot[2], version=last[slot],
            filename=clean_filename(entry.filename, f"{entry.code}.pdf"), content_type="application/pdf",
            size=entry.stored.size, sha256=entry.stored.sha256, storage_key=entry.stored.key,
            note=(entry.note or "").strip() or None, uploaded_by=actor))
    db.session.add_all(versions)
    db.session.flush()
    for entry, version in zip(entries, versions):
        _announce(entry.case, version, entry.item, actor, None)
    return versions


def _announce(case: Case, version: DocumentVersion, item: CaseItem | None, actor: User | None,
              work: WorkItem | None) -> None:
    """A new version on the timeline and in the audit trail; the areas that follow documents hear of it."""
    label = f"{version.code} {flow_of(case).document(version.code).short_name} diunggah (versi {version.version})"
    log(case, actor, "upload", label, step_key=version.step_key, item=item, document=version)
    record("case.document", case, actor=actor, detail={"code": version.code, "version": version.version,
                                                       "sha256": version.sha256, "item": version.item_key})
    case.updated_at = utcnow()
    signals.document_stored.send(case, version=version, work=work, actor=actor)


def record_decision(case: Case, codes, label: str, actor: User | None, reason: str | None) -> None:
    """Documents an action records by itself (e.g. D3 approval / D4 rejection of the request)."""
    flow = flow_of(case)
    for code in codes:
        text = (f"{code} — {flow.document_name(code)}\nKasus: {case.number}\nTindakan: {label}\n"
                f"Oleh: {actor.full_name if actor else 'Sistem'}\nWaktu: {format_datetime_id(utcnow())}\n"
                f"Catatan: {reason or '-'}\n")
        upload_document(case, code, f"{code}.txt", text.encode(), actor, note=reason,
                        content_type="text/plain", check=False)
