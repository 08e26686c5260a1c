"""The case engine: runs a flow declaration (portal/flows) against stored cases.

It wraps the pure state machine with persistence: numbers cases, opens and closes work items with
their working-day due times, keeps document versions, checks who may act, runs the steps the
portal does by itself, and writes the timeline and the audit trail. Operations only flush; the
request (or CLI command, or test) commits once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.accounts.models import Organisation, User
from portal.audit.services import record
from portal.calendar.services import work_calendar
from portal.cases.models import Case, CaseEvent, CaseItem, DocumentVersion, WorkItem
from portal.core.dates import utcnow
from portal.extensions import db
from portal.flows import machine
from portal.flows.definition import (
    END_OK, END_REJECTED, END_WITHDRAWN, FORWARD_KINDS, Flow, Kind, Step, Transition,
)
from portal.flows.machine import ITEM_DONE, TransitionRefused
from portal.flows.registry import get_flow
from portal.flows.roles import EXTERNAL_ROLES, ROLES
from portal.flows.validation import group_of
from portal.numbering.services import next_value
from portal import storage, uploads

ROLE_BITS: dict[str, int] = {code: 1 << index for index, code in enumerate(ROLES)}
OUTCOME_STATE = {END_OK: "selesai", END_REJECTED: "ditolak", END_WITHDRAWN: "ditarik"}
PER_KIND = {"participant": "participant", "finding": "finding"}


class CaseError(Exception):
    """A refusal for the user (Indonesian); `status` is the HTTP status the screen answers with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def role_mask(roles) -> int:
    mask = 0
    for role in roles:
        mask |= ROLE_BITS.get(role, 0)
    return mask


def item_key(item: CaseItem | None) -> str:
    return f"item:{item.id}" if item is not None else ""


# --- reading -------------------------------------------------------------------------------

def flow_of(case: Case) -> Flow:
    return get_flow(case.flow_code)


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
    if item is None:
        return {code for (code, _key) in latest_documents(case)}
    keys = {"", item_key(item)}
    return {code for (code, key) in latest_documents(case) if key in keys}


def open_work(case: Case) -> list[WorkItem]:
    return list(db.session.scalars(
        select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open").order_by(WorkItem.id)
    ))


def timeline(case: Case) -> list[CaseEvent]:
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ))


def done_steps(case: Case) -> set[str]:
    return set(db.session.scalars(
        select(WorkItem.step_key).where(WorkItem.case_id == case.id, WorkItem.state == "done")
    ))


def assignees(case: Case, named_actor: str | None) -> list[int]:
    if not named_actor:
        return []
    return list((case.data or {}).get("assignees", {}).get(named_actor, []))


# --- who may see and act ---------------------------------------------------------------------

def is_internal(user: User) -> bool:
    return bool(user.role_codes - set(EXTERNAL_ROLES))


def can_view(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if (case.data or {}).get("sifat") == "rahasia":
        # Secret letters: only their addressees and PHU (portal/correspondence decides).
        from portal.correspondence.access import may_view_secret

        return may_view_secret(user, case)
    if is_internal(user):
        return True
    roles = user.role_codes
    if "lsp" in roles and user.organisation_id and case.organisation_id == user.organisation_id:
        return True
    if "peserta" in roles and any(item.user_id == user.id for item in case.items):
        return True
    named = {uid for ids in (case.data or {}).get("assignees", {}).values() for uid in ids}
    return user.id in named


def may_act_on(user: User, case: Case, work: WorkItem, transition: Transition | None = None) -> bool:
    """Whether `user` may act on this open work item (optionally: take this transition)."""
    flow = flow_of(case)
    step = flow.step(work.step_key)
    roles = set(transition.roles or step.roles) if transition else set(step.roles)
    held = user.role_codes & roles
    if not held:
        return False
    if work.assignee_id is not None:
        # A named person (MA in the SPT, the peserta themself, the chosen signer) narrows the role.
        return work.assignee_id == user.id or (transition is not None and transition.kind is Kind.WITHDRAW
                                                and _owns_case(user, case))
    if held <= {"lsp"}:
        return _owns_case(user, case)
    if held <= set(EXTERNAL_ROLES):
        return False  # an external role acts only where the case names them
    return True


def _owns_case(user: User, case: Case) -> bool:
    return bool(user.organisation_id) and case.organisation_id == user.organisation_id


def actions_for(user: User, case: Case, work: WorkItem) -> list[tuple[Transition, tuple[str, ...]]]:
    """Every action of the step this user may take, each with the documents it still misses."""
    flow = flow_of(case)
    step = flow.step(work.step_key)
    present = present_codes(case, work.item)
    result = []
    for transition in step.transitions:
        if may_act_on(user, case, work, transition):
            result.append((transition, machine.missing_documents(step, transition, present)))
    return result


# --- opening a case ------------------------------------------------------------------------------

def open_case(flow_code: str, actor: User | None, title: str, *, organisation: Organisation | None = None,
              data: dict | None = None, participants: list[str] | None = None,
              now: datetime | None = None) -> Case:
    flow = get_flow(flow_code)
    now = now or utcnow()
    title = (title or "").strip()
    if not title:
        raise CaseError("Judul/perihal permohonan wajib diisi.")
    year = now.year
    sequence = next_value(f"case:{flow.code}", year)
    case = Case(number=flow.case_number(sequence, year), flow_code=flow.code, title=title[:300],
                organisation=organisation, created_by=actor, created_at=now, updated_at=now,
                data=dict(data or {}), active_steps=[], flags=[])
    first = flow.steps[0]
    if first.named_actor and actor is not None and actor.role_codes & set(first.roles):
        # Whoever opens the case owns its first step: a draft returned for correction comes back to them.
        assigned = dict(case.data.get("assignees", {}))
        assigned.setdefault(first.named_actor, [actor.id])
        case.data = {**case.data, "assignees": assigned}
    db.session.add(case)
    db.session.flush()
    for name in participants or []:
        if name.strip():
            add_item(case, "participant", name.strip(), actor=actor, log=False)
    _log(case, actor, "created", f"{flow.name}: kasus {case.number} dibuat", now=now)
    record("case.open", case, actor=actor, detail={"flow": flow.code, "number": case.number})
    _enter(case, flow, machine.start(flow), previous=frozenset(), actor=actor, now=now)
    return case


def add_item(case: Case, kind: str, label: str, *, actor: User | None, user: User | None = None,
             data: dict | None = None, log: bool = True) -> CaseItem:
    item = CaseItem(case=case, kind=kind, label=label[:300], user=user, data=dict(data or {}))
    db.session.add(item)
    db.session.flush()
    if log:
        noun = "Peserta" if kind == "participant" else "Temuan LKS"
        _log(case, actor, "system", f"{noun} ditambahkan: {label}", item=item)
    return item


# --- documents -----------------------------------------------------------------------------------

def upload_document(case: Case, code: str, filename: str, data: bytes, actor: User, *,
                    work: WorkItem | None = None, item: CaseItem | None = None, note: str | None = None,
                    content_type: str = "application/pdf", check: bool = True,
                    signature_box: list | None = None) -> DocumentVersion:
    """Store a new version of slot `code` (for the work item's participant / finding if any)."""
    flow = flow_of(case)
    if code not in flow.document_codes:
        raise CaseError(f"Kode dokumen {code} tidak dikenal pada {flow.name}.")
    if work is not None:
        step = flow.step(work.step_key)
        allowed = set(step.requires) | set(step.document_codes)
        if code not in allowed:
            raise CaseError(f"Dokumen {code} tidak diunggah pada langkah “{step.title}”.")
        if work.state != "open" or not may_act_on(actor, case, work):
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
    stored = storage.save_bytes(data, f"cases/{case.id}", ".pdf" if content_type == "application/pdf" else ".txt")
    version = DocumentVersion(
        case_id=case.id, code=code, item_key=key, version=last + 1, filename=_safe_filename(filename, code),
        content_type=content_type, size=stored.size, sha256=stored.sha256, storage_key=stored.key,
        note=(note or "").strip() or None, step_key=work.step_key if work else None, uploaded_by=actor,
        signature_box=signature_box,
    )
    db.session.add(version)
    db.session.flush()
    label = f"{code} {flow.document_name(code)} diunggah (versi {version.version})"
    _log(case, actor, "upload", label, step_key=version.step_key, item=item, document=version)
    record("case.document", case, actor=actor, detail={"code": code, "version": version.version,
                                                       "sha256": version.sha256, "item": key})
    case.updated_at = utcnow()
    if work is not None and flow.step(work.step_key).signs:
        from portal.signing.queue import enqueue_step

        enqueue_step(case, work)  # a new or corrected draft goes (back) into the signer's queue
    return version


def _safe_filename(filename: str, code: str) -> str:
    name = "".join(c for c in (filename or "") if c.isalnum() or c in " ._-()").strip() or f"{code}.pdf"
    return name[:200]


def _record_decision(case: Case, flow: Flow, transition: Transition, actor: User | None,
                     work: WorkItem, reason: str | None) -> None:
    """Documents an action records by itself (e.g. D3 approval / D4 rejection of the request)."""
    for code in transition.produces:
        text = (f"{code} — {flow.document_name(code)}\nKasus: {case.number}\nTindakan: {transition.label}\n"
                f"Oleh: {actor.full_name if actor else 'Sistem'}\nWaktu: {utcnow().isoformat()}\n"
                f"Catatan: {reason or '-'}\n")
        upload_document(case, code, f"{code}.txt", text.encode(), actor, note=reason,
                        content_type="text/plain", check=False)


# --- acting --------------------------------------------------------------------------------------

@dataclass
class ActionResult:
    case: Case
    transition: Transition
    entered: frozenset[str]


def act(case: Case, work_id: int, action_key: str, actor: User, *, reason: str | None = None,
        expected_version: int | None = None, now: datetime | None = None) -> ActionResult:
    """Take `action_key` on the open work item `work_id` of `case` as `actor`."""
    now = now or utcnow()
    if expected_version is not None and expected_version != case.version:
        raise CaseError("Kasus ini sudah diproses oleh orang lain atau formulir dikirim ulang. "
                        "Muat ulang halaman untuk melihat keadaan terbaru.", 409)
    work = db.session.get(WorkItem, work_id)
    if work is None or work.case_id != case.id:
        raise CaseError("Langkah tidak ditemukan pada kasus ini.", 404)
    if work.state != "open":
        raise CaseError("Langkah ini sudah diproses. Muat ulang halaman.", 409)
    flow = flow_of(case)
    step = flow.step(work.step_key)
    transition = step.transition(action_key)
    if transition is None:
        raise CaseError(f"Tindakan tidak tersedia pada langkah “{step.title}”.", 400)
    if not may_act_on(actor, case, work, transition):
        raise CaseError("Anda tidak berwenang melakukan tindakan ini pada langkah ini.", 403)

    item = work.item
    try:
        # Documents the action itself records are not a precondition of that action.
        present = present_codes(case, item) | set(transition.produces)
        machine.check(flow, step.key, transition, present, reason)
    except TransitionRefused as exc:
        raise CaseError(exc.message, 422)
    _record_decision(case, flow, transition, actor, work, reason)

    previous = frozenset(case.active_steps)
    _close(work, actor, action_key, now, run_effects=transition.kind in FORWARD_KINDS)
    label = f"{step.title}: {transition.label}"
    _log(case, actor, "action", label, step_key=step.key, item=item, action_key=transition.key,
         reason=reason, now=now)
    record("case.action", case, actor=actor, detail={"step": step.key, "action": transition.key,
                                                     "item": item_key(item), "reason": reason})

    if item is not None and machine.is_item_action(flow, step.key, transition):
        position = machine.apply_item(flow, step.key, transition, present, reason)
        item.position = position
        if position != ITEM_DONE:
            _open_work(case, flow, flow.step(position), item, actor, now)
        positions = [i.position for i in case.items if i.kind == PER_KIND[step.per] and i.position]
        new_active = machine.join_items(flow, previous, step.key, positions)
        entered = _enter(case, flow, new_active, previous=previous, actor=actor, now=now, via_group=step.key)
    else:
        if step.per is not None:
            # A case-wide action from inside a group (withdraw, reject): every item's work ends.
            for other in open_work(case):
                if other.step_key in group_of(flow, step.key):
                    _close(other, actor, action_key, now, state="cancelled")
        new_active = machine.apply(flow, previous, step.key, transition, present, reason)
        entered = _enter(case, flow, new_active, previous=previous, actor=actor, now=now)
    if transition.kind is Kind.RETURN:
        case.flags = sorted(set(case.flags or []) | {"dikembalikan"})
    case.version += 1
    case.updated_at = now
    return ActionResult(case, transition, entered)


def _enter(case: Case, flow: Flow, new_active: frozenset[str], *, previous: frozenset[str],
           actor: User | None, now: datetime, via_group: str | None = None) -> frozenset[str]:
    """Make `new_active` the case's active set: close what left, open what arrived, run effects."""
    entered = frozenset(new_active - previous)
    left = previous - new_active
    for work in open_work(case):
        if work.step_key in left and work.item_id is None:
            _close(work, actor, None, now, state="cancelled")
    case.active_steps = sorted(new_active)
    outcome = machine.outcome(new_active)
    if outcome:
        for work in open_work(case):
            _close(work, actor, None, now, state="cancelled")
        case.state = OUTCOME_STATE[outcome]
        case.outcome = outcome
        case.closed_at = now
        _log(case, actor, "system", f"Kasus {case.state_label.lower()}", now=now)
        return entered
    for key in sorted(entered):
        step = flow.step(key)
        if step.per is not None:
            if via_group and key in group_of(flow, via_group):
                continue  # an item moved inside its group: its own work item is already open
            _enter_group(case, flow, step, actor, now)
            return entered
        _open_work(case, flow, step, None, actor, now)
    for key in sorted(entered):
        step = flow.step(key)
        if step.automatic:
            _run_automatic(case, flow, step, actor, now)
            break
    return entered


def _enter_group(case: Case, flow: Flow, first: Step, actor: User | None, now: datetime) -> None:
    """All participants / findings start the group at its first step (none: skip past the group)."""
    kind = PER_KIND[first.per]
    items = [i for i in case.items if i.kind == kind]
    for item in items:
        item.position = first.key
        _open_work(case, flow, first, item, actor, now)
    previous = frozenset(case.active_steps)
    new_active = machine.join_items(flow, previous, first.key, [first.key for _ in items])
    if new_active != previous:
        _enter(case, flow, new_active, previous=previous, actor=actor, now=now, via_group=first.key)


def _run_automatic(case: Case, flow: Flow, step: Step, actor: User | None, now: datetime) -> None:
    work = next(w for w in open_work(case) if w.step_key == step.key)
    for effect in step.effects:
        run_effect(effect, case, flow, step, actor)
    forward = next(t for t in step.transitions if t.kind in (Kind.ADVANCE, Kind.APPROVE))
    previous = frozenset(case.active_steps)
    _close(work, None, forward.key, now)
    _log(case, None, "system", f"{step.title}: dikerjakan otomatis oleh sistem", step_key=step.key, now=now)
    new_active = machine.apply(flow, previous, step.key, forward, present_codes(case), None)
    _enter(case, flow, new_active, previous=previous, actor=actor, now=now)


def _open_work(case: Case, flow: Flow, step: Step, item: CaseItem | None, actor: User | None,
               now: datetime) -> WorkItem:
    assignee_id = None
    if item is not None and "peserta" in step.roles and item.user_id:
        assignee_id = item.user_id
    else:
        named = assignees(case, step.named_actor)
        assignee_id = named[0] if named else None
    work = WorkItem(case_id=case.id, flow_code=case.flow_code, step_key=step.key, item=item,
                    role_mask=role_mask(step.roles), assignee_id=assignee_id, state="open",
                    ready_at=now, due_at=due_time(case, step, now))
    db.session.add(work)
    db.session.flush()
    if step.signs:
        from portal.signing.queue import enqueue_step

        enqueue_step(case, work)
    return work


def _close(work: WorkItem, actor: User | None, action_key: str | None, now: datetime,
           state: str = "done", run_effects: bool = False) -> None:
    work.state = state
    work.completed_at = now
    work.completed_by_id = actor.id if actor is not None and state == "done" else None
    work.action_key = action_key
    step_of_work = get_flow(work.flow_code).step(work.step_key)
    if step_of_work.signs:
        from portal.signing.queue import cancel_open_requests

        cancel_open_requests(work)
    if run_effects and step_of_work.numbers:
        from portal.signing.queue import assign_numbers

        assign_numbers(work.case, step_of_work, actor)
    if run_effects:
        flow = get_flow(work.flow_code)
        step = flow.step(work.step_key)
        if not step.automatic:
            for effect in step.effects:
                run_effect(effect, work.case, flow, step, actor)


def due_time(case: Case, step: Step, ready_at: datetime) -> datetime | None:
    override = (case.data or {}).get("due_overrides", {}).get(step.key)
    if override:
        return datetime.fromisoformat(override)
    sla = step.sla
    calendar = work_calendar()
    if sla.kind == "ts":
        return calendar.due_ts(ready_at)
    if sla.kind == "hr":
        return calendar.due_hr(ready_at, sla.days)
    if sla.kind == "disposition":
        return calendar.due_disposition(ready_at)
    return None


def note(case: Case, actor: User | None, label: str, *, step_key: str | None = None,
         now: datetime | None = None) -> CaseEvent:
    """Add a line to the case timeline (e.g. "Nomor surat diberikan: …")."""
    return _log(case, actor, "system", label, step_key=step_key, now=now)


def _log(case: Case, actor: User | None, kind: str, label: str, *, step_key: str | None = None,
         item: CaseItem | None = None, action_key: str | None = None, reason: str | None = None,
         document: DocumentVersion | None = None, now: datetime | None = None) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=now or utcnow(), actor_id=actor.id if actor else None, kind=kind,
                      step_key=step_key, item_id=item.id if item else None, action_key=action_key,
                      label=label[:300], reason=reason, document_version_id=document.id if document else None)
    db.session.add(event)
    return event


# --- naming people and effects ---------------------------------------------------------------------

def assign(case: Case, named_actor: str, user: User, actor: User) -> None:
    """Name `user` for the named-actor slot (e.g. the MA Penguji of the SPT); open work follows."""
    flow = flow_of(case)
    steps = [s for s in flow.steps if s.named_actor == named_actor]
    if not steps:
        raise CaseError("Penugasan ini tidak dikenal pada alur kasus ini.", 400)
    if not user.role_codes & set(steps[0].roles):
        raise CaseError(f"{user.full_name} tidak memiliki peran untuk penugasan ini.")
    from portal.cases.assignment_rules import refusal  # who may name whom: declared there

    if (why := refusal(case, named_actor, user, actor)) is not None:
        raise CaseError(why, 403)
    data = dict(case.data or {})
    slots = dict(data.get("assignees", {}))
    slots[named_actor] = [user.id]
    data["assignees"] = slots
    case.data = data
    for work in open_work(case):
        if flow.step(work.step_key).named_actor == named_actor:
            work.assignee_id = user.id
            if flow.step(work.step_key).signs:
                from portal.signing.queue import retarget_requests

                retarget_requests(case, work)  # queued documents move to the newly named signer
    _log(case, actor, "system", f"Ditugaskan: {user.full_name} ({named_actor.replace('_', ' ')})")
    record("case.assign", case, actor=actor, detail={"slot": named_actor, "user": user.id})
    case.version += 1


EFFECTS = {}


def effect(name: str):
    def register(function):
        EFFECTS[name] = function
        return function
    return register


def run_effect(name: str, case: Case, flow: Flow, step: Step, actor: User | None) -> None:
    EFFECTS[name](case, flow, step, actor)


@effect("assign_agenda_number")
def _assign_agenda_number(case, flow, step, actor) -> None:
    if (case.data or {}).get("agenda_number"):
        return
    year = (case.created_at or utcnow()).year
    number = next_value("agenda", year)
    case.data = {**(case.data or {}), "agenda_number": f"{number:05d}/SM/{year}"}
    _log(case, actor, "system", f"Nomor agenda diberikan: {case.data['agenda_number']}", step_key=step.key)


@effect("issue_access_code")
def _issue_access_code(case, flow, step, actor) -> None:
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    case.data = {**(case.data or {}), "access_code": code}
    _log(case, actor, "system", "Kode akses unggah dokumen lisensi diterbitkan untuk CLSP", step_key=step.key)


@effect("create_participant_accounts")
def _create_participant_accounts(case, flow, step, actor) -> None:
    from portal.cases.participants import create_accounts_for

    created = create_accounts_for(case, actor)
    if created:
        _log(case, actor, "system", f"Akun peserta dibuat: {len(created)} peserta", step_key=step.key)


@effect("generate_certificates")
def _generate_certificates(case, flow, step, actor) -> None:
    from portal.cases.participants import generate_certificates

    count = generate_certificates(case, flow, step, actor)
    _log(case, actor, "system", f"Sertifikat dibuat untuk {count} peserta", step_key=step.key)
