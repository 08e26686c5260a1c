"""What the letter page shows one user: the letter's facts, its steps with their due times, its
documents and notes, and which of the mail forms this user may fill in now. Read-only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from portal.accounts.models import User
from portal.calendar.services import work_calendar
from portal.cases import engine
from portal.cases.models import Case, CaseEvent, DocumentVersion, WorkItem
from portal.core.access import access_of, user_may_access
from portal.correspondence import letters, monitoring
from portal.extensions import db
from portal.flows.definition import Kind, Step


@dataclass
class StepRow:
    number: int
    step: Step
    state: str  # selesai | berjalan | menunggu
    due: datetime | None
    done_at: datetime | None
    done_by: str
    sla_state: str  # overdue | due_today | on_track | late | on_time | ""
    sla_text: str


def step_rows(case: Case, works: list[WorkItem], now: datetime) -> list[StepRow]:
    """Every step of the flow with its latest work item: when it was (or is) due and how it went."""
    flow = engine.flow_of(case)
    calendar = work_calendar()
    latest: dict[str, WorkItem] = {}
    for work in works:
        if work.state != "cancelled":
            latest[work.step_key] = work
    rows = []
    for index, step in enumerate(flow.steps, start=1):
        work = latest.get(step.key)
        if work is None:
            rows.append(StepRow(index, step, "menunggu", None, None, "", "", ""))
            continue
        if work.state == "open":
            status = calendar.status(now, work.due_at) if work.due_at else ""
            text = calendar.format_sla_left(now, work.due_at) if work.due_at else "Tanpa batas waktu"
            rows.append(StepRow(index, step, "berjalan", work.due_at, None, "", status, text))
            continue
        late = bool(work.due_at and work.completed_at and work.completed_at > work.due_at)
        text = "" if not work.due_at else ("Terlambat" if late else "Tepat waktu")
        rows.append(StepRow(index, step, "selesai", work.due_at, work.completed_at,
                            letters.user_name(work.completed_by_id), "late" if late else "on_time", text))
    return rows


def notes(case: Case) -> list[CaseEvent]:
    """The comment thread: every action that carried a note (returns, paraf notes, disposition)."""
    return [e for e in engine.timeline(case) if e.kind == "action" and e.reason]


def documents(case: Case) -> list[DocumentVersion]:
    return list(db.session.scalars(
        db.select(DocumentVersion).where(DocumentVersion.case_id == case.id)
        .order_by(DocumentVersion.code, DocumentVersion.version.desc())
    ))


def actionable(case: Case, user: User) -> dict[str, WorkItem]:
    """Open steps this user may act on, by step key."""
    return {w.step_key: w for w in engine.open_work(case) if engine.may_act_on(user, case, w)}


def returnable(case: Case, user: User) -> WorkItem | None:
    flow = engine.flow_of(case)
    for work in engine.open_work(case):
        back = next((t for t in flow.step(work.step_key).transitions if t.kind is Kind.RETURN), None)
        if back is not None and engine.may_act_on(user, case, work, back):
            return work
    return None


def may_use(user: User, endpoint: str) -> bool:
    return endpoint in current_app.view_functions and user_may_access(user, access_of(current_app, endpoint))


def letter_context(case: Case, user: User, now: datetime) -> dict:
    works = list(db.session.scalars(db.select(WorkItem).where(WorkItem.case_id == case.id).order_by(WorkItem.id)))
    flow = engine.flow_of(case)
    status = monitoring.letter_status(case, works, work_calendar(), now)
    mine = actionable(case, user)
    back = returnable(case, user)
    # The letter waits for its signature once a signing step is open and its draft exists.
    drafted = "KONSEP" in engine.present_codes(case)
    sign_work = next((w for w in works if w.state == "open" and flow.step(w.step_key).signs and drafted), None)
    return dict(
        case=case, flow=flow, data=letters.facts(case), status=status, steps=step_rows(case, works, now),
        notes=notes(case), documents=documents(case), mine=mine,
        return_step=flow.step(back.step_key) if back else None,
        signer=letters.signer_label(case) if case.flow_code in letters.OUTGOING_FLOWS else "",
        awaiting_signature=sign_work is not None,
        signing_here=bool(sign_work and sign_work.assignee_id == user.id and may_use(user, "signing.queue")),
        reply_of=letters.facts(case).get("reply_to", ""),
        disposer=letters.named(case, "penerima_disposisi"), unit_person=letters.named(case, "unit_tujuan"),
    )
