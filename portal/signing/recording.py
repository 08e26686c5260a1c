"""What a signed document does to its case: the signed PDF becomes the next version of its slot,
the request records who signed it and how, and a step whose documents are all signed moves on.

A signing batch records its documents in small groups (one transaction each): every group's
requests are claimed at once, their versions written with one flush, and each step completed by
the group moves on once, after the last of its documents.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import User
from portal.audit.services import record
from portal.cases import engine
from portal.cases.documents import StoredVersion, add_stored_versions
from portal.cases.models import CaseItem, WorkItem
from portal.core.dates import utcnow
from portal.extensions import db
from portal.flows.definition import FORWARD_KINDS, DocKind
from portal.signing.models import SignatureRequest


def store_signed_group(entries, signer: User) -> list[SignatureRequest]:
    """Record signed PDFs already written to storage: ``(request, outcome, stored file)`` each.

    A request is recorded only if it is still 'diproses' (claimed here in one statement), so a
    document another run already recorded is never recorded twice. Returns the requests recorded."""
    if not entries:
        return []
    claimed = set(db.session.scalars(
        update(SignatureRequest).where(SignatureRequest.id.in_([request.id for request, _, _ in entries]),
                                       SignatureRequest.state == "diproses")
        .values(state="ditandatangani").returning(SignatureRequest.id)
        .execution_options(synchronize_session=False)))
    entries = [entry for entry in entries if entry[0].id in claimed]
    item_ids = {request.id: int(request.item_key.split(":", 1)[1]) for request, _, _ in entries if request.item_key}
    items = {item.id: item for item in db.session.scalars(
        select(CaseItem).where(CaseItem.id.in_(set(item_ids.values()))))} if item_ids else {}
    versions = add_stored_versions([
        StoredVersion(request.case, request.code, f"{request.code}-ditandatangani.pdf".replace(" ", "_"), stored,
                      item=items.get(item_ids.get(request.id)), note="Ditandatangani secara elektronik")
        for request, _, stored in entries], signer)
    now = utcnow()
    for (request, outcome, _stored), version in zip(entries, versions):
        set_committed_value(request, "state", "ditandatangani")  # what the UPDATE above wrote
        request.signed_version_id = version.id
        request.level = outcome.level
        request.sha256 = outcome.sha256
        request.signed_at = now
        request.signed_by_id = signer.id
        request.error = None
        record("signing.signed", request, actor=signer, detail={"level": outcome.level, "sha256": outcome.sha256})
        case = request.case
        if engine.flow_of(case).document(request.code).kind == DocKind.LICENCE_CERTIFICATE \
                and case.organisation and request.number:
            case.organisation.licence_number = request.number
    return [request for request, _, _ in entries]


def _unsigned_counts(work_ids) -> dict[int, int]:
    """Documents of each work item still to be signed (returned ones do not count)."""
    return dict(db.session.execute(
        select(SignatureRequest.work_item_id, func.count()).where(
            SignatureRequest.work_item_id.in_(work_ids),
            SignatureRequest.state.not_in(("ditandatangani", "ditolak")))
        .group_by(SignatureRequest.work_item_id)).all())


def advance_completed(requests: list[SignatureRequest], signer: User) -> None:
    """Move on every step of these signed documents that has nothing left to sign (one count for
    all of them; each step once, however many of its documents are among them)."""
    last_of_step = {request.work_item_id: request for request in requests if request.work_item_id}
    # Neither read depends on what is still pending (the claim and the new versions are written
    # already), so the group's rows wait for the one flush at the end of its moves.
    with db.session.no_autoflush:
        unsigned = _unsigned_counts(last_of_step)
        complete = [request for work_id, request in last_of_step.items() if not unsigned.get(work_id)]
        if not complete:
            return
        slots = engine.filled_slots(list({request.case_id: request.case for request in complete}.values()))
    with engine.one_flush([request.case for request in complete]):  # the group's cases move on in one write
        for request in complete:
            advance_if_complete(request, signer, counted=True, slots=slots[request.case_id])


def advance_if_complete(request: SignatureRequest, signer: User, *, counted: bool = False,
                        slots: set[tuple[str, str]] | None = None) -> bool:
    """Once every document of the step is signed, the step moves on by itself (`counted`: the
    caller has just counted the step's unsigned documents and found none; `slots`: it has just
    read the case's filled document slots too)."""
    work = db.session.get(WorkItem, request.work_item_id)
    if work is None or work.state != "open":
        return False
    if not counted and _unsigned_counts([work.id]).get(work.id):
        return False
    case = request.case
    step = engine.flow_of(case).step(work.step_key)
    forward = next((t for t in step.transitions if t.kind in FORWARD_KINDS), None)
    present = engine.codes_in(engine.filled_slots([case])[case.id] if slots is None else slots, work.item)
    if forward is None or any(code not in present for code in step.signs):
        return False
    try:
        engine.act(case, work.id, forward.key, signer, present=present)
    except engine.CaseError as exc:
        current_app.logger.warning("signed %s but could not advance: %s", case.number, exc.message)
        return False
    return True
