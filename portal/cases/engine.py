"""The case engine: runs a flow declaration (portal/flows) against stored cases.

It wraps the pure state machine with persistence: numbers cases, opens and closes work items with
their working-day due times, keeps document versions, checks who may act, runs the steps the
portal does by itself, and writes the timeline and the audit trail. Operations only flush; the
request (or CLI command, or test) commits once.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from portal.accounts.models import Organisation, User
from portal.audit.services import record
from portal.calendar.services import work_calendar
from portal.cases import signals
from portal.cases.access import (  # noqa: F401  (the engine's public face for screens and areas)
    actions_for as _actions_for, assignees, can_view, can_view_document, flow_of, is_internal, may_act_on,
    role_mask,
)
from portal.cases.documents import (  # noqa: F401
    codes_in, filled_slots, item_key, latest_documents, present_codes, record_decision, upload_document,
)
from portal.cases.errors import CaseError
from portal.cases.models import Case, CaseEvent, CaseItem, WorkItem, work_search_text
from portal.cases.timeline import log as _log, note  # noqa: F401
from portal.core.bulk import gathered
from portal.core.dates import utcnow
from portal.extensions import db
from portal.flows import machine
from portal.flows.definition import END_OK, END_REJECTED, END_WITHDRAWN, FORWARD_KINDS, Flow, Kind, Step, Transition
from portal.flows.machine import ITEM_DONE, TransitionRefused
from portal.flows.registry import get_flow
from portal.flows.validation import group_of
from portal.numbering.services import next_value
from sqlalchemy import select

OUTCOME_STATE = {END_OK: "selesai", END_REJECTED: "ditolak", END_WITHDRAWN: "ditarik"}
PER_KIND = {"participant": "participant", "finding": "finding"}


# --- reading -------------------------------------------------------------------------------

def _open_work_of(case_ids) -> list[WorkItem]:
    """The stored open work items of these cases, in the order they were opened."""
    return list(db.session.scalars(
        select(WorkItem).where(WorkItem.case_id.in_(case_ids), WorkItem.state == "open").order_by(WorkItem.id)))


def open_work(case: Case) -> list[WorkItem]:
    session = db.session()
    block = session.info.get(ONE_FLUSH)
    if block is None:
        return _open_work_of([case.id])
    # Inside one_flush(): what the autoflushed query would return, without the flush. Only the
    # engine makes work items, so the case's open rows read once plus the work opened in the block,
    # less what has been closed since (pending states), is exactly that.
    stored = block.known.get(case.id)
    if stored is None:
        with session.no_autoflush:
            stored = block.known[case.id] = _open_work_of([case.id])
    return list({id(work): work for work in (*stored, *(w for w in block.opened if w.case_id == case.id))
                 if work.state == "open"}.values())


ONE_FLUSH = "engine_one_flush"


@dataclass
class _OneFlush:
    known: dict[int, list[WorkItem]]  # each case's open work items as stored when first read
    opened: list[WorkItem]  # work items opened inside the block


@contextmanager
def one_flush(cases=()):
    """Case actions taken inside write their rows together, in one flush at the end (a signing
    batch moves every case of a group on at once): the open work of `cases` is read in one query,
    the work the engine opens is not flushed case by case, and the steps' bulk updates (queue
    entries, notices) run once. Reads by other code flush as always."""
    session = db.session()
    if session.info.get(ONE_FLUSH) is not None:
        yield  # inside an outer block
        return
    known: dict[int, list[WorkItem]] = {case.id: [] for case in cases}
    if known:
        with session.no_autoflush:  # pending states are applied as the work is read (open_work)
            for work in _open_work_of(list(known)):
                known[work.case_id].append(work)
    session.info[ONE_FLUSH] = _OneFlush(known, [])
    try:
        with gathered():
            yield
    finally:
        session.info.pop(ONE_FLUSH, None)
    session.flush()


def timeline(case: Case) -> list[CaseEvent]:
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ))


def done_steps(case: Case) -> set[str]:
    return set(db.session.scalars(
        select(WorkItem.step_key).where(WorkItem.case_id == case.id, WorkItem.state == "done")
    ))


def actions_for(user: User, case: Case, work: WorkItem) -> list[tuple[Transition, tuple[str, ...]]]:
    """Every action of the step this user may take, each with the documents it still misses."""
    return _actions_for(user, case, work, present_codes(case, work.item))


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


# --- acting --------------------------------------------------------------------------------------

@dataclass
class ActionResult:
    case: Case
    transition: Transition
    entered: frozenset[str]


def act(case: Case, work_id: int, action_key: str, actor: User, *, reason: str | None = None,
        expected_version: int | None = None, now: datetime | None = None,
        present: set[str] | None = None) -> ActionResult:
    """Take `action_key` on the open work item `work_id` of `case` as `actor` (`present`: the
    document codes of the step, `present_codes(case, work.item)`, when the caller has just read them)."""
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
        present = (present_codes(case, item) if present is None else set(present)) | set(transition.produces)
        machine.check(flow, step.key, transition, present, reason)
    except TransitionRefused as exc:
        raise CaseError(exc.message, 422)
    record_decision(case, transition.produces, transition.label, actor, reason)
    # Set before the steps move, so the case row is written once with its new active steps.
    case.version += 1
    case.updated_at = now

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
    return ActionResult(case, transition, entered)


def _enter(case: Case, flow: Flow, new_active: frozenset[str], *, previous: frozenset[str],
           actor: User | None, now: datetime, via_group: str | None = None) -> frozenset[str]:
    """Make `new_active` the case's active set: close what left, open what arrived, run effects."""
    entered = frozenset(new_active - previous)
    left = previous - new_active
    case.active_steps = sorted(new_active)
    for work in open_work(case):
        if work.step_key in left and work.item_id is None:
            _close(work, actor, None, now, state="cancelled")
    outcome = machine.outcome(new_active)
    if outcome:
        for work in open_work(case):
            _close(work, actor, None, now, state="cancelled")
        case.state = OUTCOME_STATE[outcome]
        case.outcome = outcome
        case.closed_at = now
        _log(case, actor, "system", f"Kasus {case.state_label.lower()}", now=now)
        signals.case_ended.send(case, outcome=outcome)
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
    # Participants walk every group of their flow (APL.01, then APL.02 and assessment); a finding
    # belongs to one LKS, so findings closed at the full assessment do not walk again when the
    # witnessing LKS (with findings of its own) starts its group.
    items = [i for i in case.items if i.kind == kind and not (kind == "finding" and i.position == ITEM_DONE)]
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
                    ready_at=now, due_at=due_time(case, step, now), search_text=work_search_text(case))
    db.session.add(work)
    block = db.session.info.get(ONE_FLUSH)
    if block is None:
        db.session.flush()
    else:
        block.opened.append(work)
    signals.step_opened.send(case, work=work)
    return work


def _close(work: WorkItem, actor: User | None, action_key: str | None, now: datetime,
           state: str = "done", run_effects: bool = False) -> None:
    work.state = state
    work.completed_at = now
    work.completed_by_id = actor.id if actor is not None and state == "done" else None
    work.action_key = action_key
    signals.step_closed.send(work.case, work=work, actor=actor, forward=run_effects)
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
    moved = [work for work in open_work(case) if flow.step(work.step_key).named_actor == named_actor]
    for work in moved:
        work.assignee_id = user.id
    signals.named.send(case, slot=named_actor, user=user, work_items=moved)
    _log(case, actor, "system", f"Ditugaskan: {user.full_name} ({named_actor.replace('_', ' ')})")
    record("case.assign", case, actor=actor, detail={"slot": named_actor, "user": user.id})
    case.version += 1


def run_effect(name: str, case: Case, flow: Flow, step: Step, actor: User | None) -> None:
    """Announce a declared step effect; the area that owns it does the work (see cases.signals)."""
    signals.effect(name).send(case, flow=flow, step=step, actor=actor)
