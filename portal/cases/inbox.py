"""Kotak Kerja: the open work items waiting for a user, in due order, with filters and paging.

The query count is the same whatever the number of cases: one count, one page of rows (with their
cases joined), one holiday list for the SLA labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from portal.calendar.services import work_calendar
from portal.cases.engine import ROLE_BITS, role_mask
from portal.cases.models import Case, WorkItem
from portal.core.dates import WIB, utcnow
from portal.extensions import db
from portal.flows.registry import FLOWS
from portal.flows.roles import EXTERNAL_ROLES

STATUS_FILTERS = {"": "Semua", "terlambat": "Terlambat", "hari_ini": "Jatuh tempo hari ini",
                  "berjalan": "Masih dalam SLA"}
PER_PAGE = 25


@dataclass
class InboxRow:
    work: WorkItem
    case: Case
    step_title: str
    flow_name: str
    status: str  # overdue | due_today | on_track | none
    sla_text: str


def _who(user):
    """Open work items this user may pick up."""
    roles = user.role_codes
    internal = role_mask(roles - set(EXTERNAL_ROLES))
    clauses = [WorkItem.assignee_id == user.id]
    if internal:
        clauses.append(and_(WorkItem.role_mask.op("&")(internal) != 0, WorkItem.assignee_id.is_(None)))
    if "lsp" in roles and user.organisation_id:
        clauses.append(and_(WorkItem.role_mask.op("&")(ROLE_BITS["lsp"]) != 0, WorkItem.assignee_id.is_(None),
                            Case.organisation_id == user.organisation_id))
    return or_(*clauses) if clauses else false()


def _end_of_today(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(WIB).date(), time(23, 59, 59), tzinfo=WIB)


def inbox_page(user, *, flow: str = "", status: str = "", q: str = "", page: int = 1,
               now: datetime | None = None):
    now = now or utcnow()
    query = (
        select(WorkItem).join(Case, Case.id == WorkItem.case_id).options(contains_eager(WorkItem.case), selectinload(WorkItem.item))
        .where(WorkItem.state == "open", _who(user))
    )
    if flow in FLOWS:
        query = query.where(WorkItem.flow_code == flow)
    if status == "terlambat":
        query = query.where(WorkItem.due_at < now)
    elif status == "hari_ini":
        query = query.where(WorkItem.due_at >= now, WorkItem.due_at <= _end_of_today(now))
    elif status == "berjalan":
        query = query.where(or_(WorkItem.due_at >= now, WorkItem.due_at.is_(None)))
    q = (q or "").strip()
    if q:
        query = query.where(or_(Case.number.ilike(f"%{q}%"), Case.title.ilike(f"%{q}%")))
    query = query.order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    calendar = work_calendar()
    rows = []
    for work in pagination.items:
        flow_def = FLOWS[work.flow_code]
        step = flow_def.step(work.step_key)
        if work.due_at is None:
            state, text = "none", "Tanpa batas waktu"
        else:
            state = calendar.status(now, work.due_at)
            text = calendar.format_sla_left(now, work.due_at)
        title = step.title + (f" — {work.item.label}" if work.item_id and work.item else "")
        rows.append(InboxRow(work, work.case, title, flow_def.name, state, text))
    return pagination, rows
