"""How notifications follow the case engine (cases.signals) and the signing queue.

Receivers note what happened in the session; the notices are written just before the commit
(`before_commit`), when the outcome of the whole request is known: a step that opened and closed in
the same request tells nobody, a step whose person was named in the same request does not ask for an
assignment, and every document queued for one signer in one request makes a single notice.
"""
from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.cases import signals
from portal.cases.models import Case, CaseEvent, WorkItem
from portal.flows.definition import ASSIGNED_BY, NAMED_ACTORS, Kind
from portal.flows.registry import get_flow
from portal.notifications import messages
from portal.notifications.recipients import (
    addressees_by_item, applicant_side, holders_of, is_external, role_holders,
)
from portal.notifications.models import Notification
from portal.notifications.services import add_to_signature_notice, notify, resolve

PENDING = "notifications_pending"


def _pending(session: Session) -> dict[str, list]:
    return session.info.setdefault(PENDING, {"opened": [], "requests": [], "documents": [], "users": [],
                                             "retargeted": []})


def _session():
    from portal.extensions import db

    return db.session()


# --- engine signals -----------------------------------------------------------------------------

@signals.step_opened.connect
def _step_opened(case, work, **_):
    step = get_flow(case.flow_code).step(work.step_key)
    if step.automatic:
        return
    # The work item itself: a case moved on inside engine.one_flush() has no id before the flush.
    _pending(_session())["opened"].append((work, _return_event(case, work)))


_return_targets: dict[str, tuple[object, frozenset[str]]] = {}


def _may_be_returned_to(flow, step_key: str) -> bool:
    """Whether any RETURN of the flow leads to this step (else it never opens because of one)."""
    cached = _return_targets.get(flow.code)
    if cached is None or cached[0] is not flow:
        targets = frozenset(target for step in flow.steps for transition in step.transitions
                            if transition.kind is Kind.RETURN for target in transition.targets)
        cached = _return_targets[flow.code] = (flow, targets)
    return step_key in cached[1]


def _return_event(case: Case, work: WorkItem) -> int | None:
    """The action that sent the case back to this step, when the step opened because of a RETURN."""
    if not _may_be_returned_to(get_flow(case.flow_code), work.step_key):
        return None
    session = _session()
    latest = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "action")
                            .order_by(CaseEvent.id.desc()).limit(1))
    if latest is None or latest.step_key is None or latest.item_id != work.item_id:
        return None
    transition = get_flow(case.flow_code).step(latest.step_key).transition(latest.action_key or "")
    if transition is None or transition.kind is not Kind.RETURN or work.step_key not in transition.targets:
        return None
    return latest.id


@signals.named.connect
def _named(case, slot, user, work_items=(), **_):
    resolve("penugasan", [work.id for work in work_items])
    for work in work_items:
        if work.state == "open":
            _pending(_session())["opened"].append((work, None))
            _pending(_session())["retargeted"].append((work.id, user.id))  # queued documents follow the signer


@signals.step_closed.connect
def _step_closed(case, work, forward=False, **_):
    step = get_flow(case.flow_code).step(work.step_key)
    if ASSIGNED_BY.get(step.named_actor):  # only such a step asks for an assignment (_ask_for_assignment)
        resolve("penugasan", [work.id])  # the step is over: nobody needs to assign anyone to it any more
    if forward and step.numbers:
        _pending(_session())["documents"].extend((case.id, code, None) for code in step.numbers)


@signals.document_stored.connect
def _document_stored(case, version, **_):
    flow = get_flow(case.flow_code)
    if version.code in flow.document_codes and flow.document(version.code).signed \
            and flow.numbering_step(version.code) is None:
        # Numbered as it is signed: this one document (a batch commits each document on its own).
        _pending(_session())["documents"].append((case.id, version.code, version.item_key))


@signals.case_ended.connect
def _case_ended(case, outcome, **_):
    for user in applicant_side(case):
        title, body = messages.decision(case, outcome, is_external(user))
        notify(user, "keputusan", title, body, case=case, now=case.closed_at)


# --- rows other areas add: signature requests, new accounts --------------------------------------

@event.listens_for(Session, "after_flush")
def _note_new_rows(session, _context):
    from portal.signing.models import SignatureRequest

    for obj in session.new:
        if isinstance(obj, SignatureRequest):
            _pending(session)["requests"].append(obj.id)
        elif isinstance(obj, User):
            _pending(session)["users"].append(obj.id)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(PENDING, None)


@event.listens_for(Session, "before_commit")
def _write_notices(session):
    if not any(session.info.get(PENDING, {}).values()):
        return
    session.flush()
    for _round in range(5):  # writing notices may flush rows that add more (rarely)
        pending = session.info.pop(PENDING, None)
        if not pending or not any(pending.values()):
            return
        for write, key in ((_users, "users"), (_opened, "opened"), (_requests, "requests"),
                           (_retargeted, "retargeted"), (_documents, "documents")):
            if pending[key]:
                write(session, pending[key])
        session.flush()


def _users(session, ids):
    for user in session.scalars(select(User).where(User.id.in_(ids or [0]))):
        title, body = messages.account_created(is_external(user))
        notify(user, "akun", title, body, email=False)  # the account e-mail itself goes from accounts


def _opened(session, entries):
    seen = set()
    # The work items themselves, as the transaction holds them (written by the flush above); one
    # a rolled-back savepoint took out again is no longer persistent and hears nothing.
    loaded = {work.id: work for work, _ in entries if inspect(work).persistent}
    entries = [(work.id, return_event_id) for work, return_event_id in entries]
    holders: dict = {}
    for work_id, return_event_id in entries:
        work = loaded.get(work_id)
        if work is None or work.state != "open" or work_id in seen:
            continue
        seen.add(work_id)
        case = work.case
        step = get_flow(case.flow_code).step(work.step_key)
        told = set()
        if return_event_id is not None:
            told |= _tell_returned(session, case, work, session.get(CaseEvent, return_event_id))
        if step.named_actor and work.assignee_id is None:
            _ask_for_assignment(case, work, step)
        if step.signs:
            continue  # the signer hears of the documents in the queue (one notice per batch)
        for user in holders_of(case, work, holders):
            if user.id in told:
                continue
            title, body = messages.work_waiting(case, work)
            notify(user, "pekerjaan", title, body, case=case, work=work, due_at=work.due_at, now=work.ready_at)


def _tell_returned(session, case, work, event) -> set[int]:
    """The person who did the step the case returns to hears it, with the reasons."""
    previous = session.scalar(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.step_key == work.step_key, WorkItem.state == "done",
        WorkItem.item_id.is_(None) if work.item_id is None else WorkItem.item_id == work.item_id)
        .order_by(WorkItem.completed_at.desc(), WorkItem.id.desc()).limit(1))
    person = session.get(User, previous.completed_by_id) if previous and previous.completed_by_id else None
    people = [person] if person is not None and person.is_enabled else holders_of(case, work)
    by_step = get_flow(case.flow_code).step(event.step_key)
    title, body = messages.returned(case, work, by_step, event.reason)
    for user in people:
        notify(user, "dikembalikan", title, body, case=case, work=work, due_at=work.due_at, now=work.ready_at)
    return {user.id for user in people}


def _ask_for_assignment(case, work, step):
    role = ASSIGNED_BY.get(step.named_actor)
    if role is None:
        return
    title, body = messages.unassigned(case, work, NAMED_ACTORS.get(step.named_actor, step.named_actor))
    for user in role_holders(role):
        notify(user, "penugasan", title, body, case=case, work=work, due_at=work.due_at, now=work.ready_at)


def _requests(session, ids):
    from portal.signing.models import SignatureRequest

    per_signer: dict[int, int] = {}
    for request in session.scalars(select(SignatureRequest).where(SignatureRequest.id.in_(ids or [0]),
                                                                  SignatureRequest.state == "menunggu")):
        if request.signer_user_id:
            signers = [request.signer_user_id]
        else:
            signers = [user.id for user in role_holders(request.signer_role)]
        for user_id in signers:
            per_signer[user_id] = per_signer.get(user_id, 0) + 1
    for user_id, count in per_signer.items():
        add_to_signature_notice(session.get(User, user_id), count)


def _retargeted(session, entries):
    """A newly named signer hears of the documents already waiting in the step (one notice)."""
    from sqlalchemy import func

    from portal.signing.models import SignatureRequest

    for work_id, user_id in dict.fromkeys(entries):
        count = session.scalar(select(func.count()).select_from(SignatureRequest).where(
            SignatureRequest.work_item_id == work_id, SignatureRequest.signer_user_id == user_id,
            SignatureRequest.state == "menunggu"))
        if count:
            add_to_signature_notice(session.get(User, user_id), count)


def _documents(session, entries):
    """One notice per person per case listing the documents signed and numbered in this commit."""
    from portal.signing.models import SignatureRequest

    per_case: dict[int, dict[int, list[tuple[str, str | None]]]] = {}
    wanted: dict[tuple[int, str], set[str | None]] = {}
    for case_id, code, item_key in entries:
        wanted.setdefault((case_id, code), set()).add(item_key)
    for (case_id, code), item_keys in wanted.items():
        case = session.get(Case, case_id)
        query = select(SignatureRequest).where(SignatureRequest.case_id == case_id, SignatureRequest.code == code,
                                               SignatureRequest.state == "ditandatangani")
        if None not in item_keys:
            query = query.where(SignatureRequest.item_key.in_(item_keys))
        requests = list(session.scalars(query.order_by(SignatureRequest.id)))
        people = addressees_by_item(case, code, [request.item_key for request in requests])
        for request in requests:
            for user in people[request.item_key]:
                per_case.setdefault(case_id, {}).setdefault(user.id, []).append((request.title, request.number))
    for case_id, per_user in per_case.items():
        case = session.get(Case, case_id)
        for user_id, documents in per_user.items():
            # A batch signs in chunks, one commit each: later chunks join the unread notice (no new mail).
            unread = session.scalar(select(Notification).where(
                Notification.user_id == user_id, Notification.case_id == case_id, Notification.kind == "dokumen",
                Notification.read_at.is_(None)).order_by(Notification.id.desc()).limit(1))
            if unread is not None:
                unread.documents = [*(unread.documents or []), *documents]
                unread.count = len(unread.documents)
                unread.title, unread.body = messages.documents_issued(case, unread.documents)
                continue
            title, body = messages.documents_issued(case, documents)
            notice = notify(session.get(User, user_id), "dokumen", title, body, case=case)
            notice.documents, notice.count = documents, len(documents)
