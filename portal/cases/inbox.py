"""Kotak Kerja: the open work items waiting for a user, in due order, with filters and paging.

The query count is the same whatever the number of cases or rows on the page: one count, one page
of rows (with their case and item joined), one holiday list for the SLA labels. Every condition is
on `work_item` (those on cases are `case_id IN (running cases ...)`), so both queries read the
partial index of open work items, not the closed history; bench/inbox.py measures this with 100,000
cases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from portal.calendar.services import work_calendar
from portal.cases.access import ROLE_BITS, role_mask
from portal.cases.models import Case, WorkItem
from portal.core.dates import WIB, utcnow
from portal.extensions import db
from portal.flows.registry import FLOWS
from portal.flows.roles import EXTERNAL_ROLES

STATUS_FILTERS = {"": "Semua", "terlambat": "Terlambat", "hari_ini": "Jatuh tempo hari ini",
                  "berjalan": "Masih dalam SLA"}
PER_PAGE = 25
# A case number or a piece of one: optional flow prefix, then digits and dashes (at least one digit).
NUMBER_LIKE = re.compile(r"^[A-Za-z]{0,6}-?[0-9-]*[0-9][0-9-]*$")


@dataclass
class InboxRow:
    work: WorkItem
    case: Case
    step_title: str
    flow_name: str
    status: str  # overdue | due_today | on_track | none
    sla_text: str
    subject: str = ""


def _running_cases(*conditions):
    """Ids of running cases matching `conditions`. Only running cases have open work items; saying
    so lets the database skip the closed history (ix_case_file_org_state holds the state)."""
    return select(Case.id).where(Case.state == "berjalan", *conditions)


def _who(user):
    """Open work items this user may pick up."""
    roles = user.role_codes
    internal = role_mask(roles - set(EXTERNAL_ROLES))
    clauses = [WorkItem.assignee_id == user.id]
    if internal:
        clauses.append(and_(WorkItem.role_mask.op("&")(internal) != 0, WorkItem.assignee_id.is_(None)))
    if "lsp" in roles and user.organisation_id:
        clauses.append(and_(WorkItem.role_mask.op("&")(ROLE_BITS["lsp"]) != 0, WorkItem.assignee_id.is_(None),
                            WorkItem.case_id.in_(_running_cases(Case.organisation_id == user.organisation_id))))
    return or_(*clauses) if clauses else false()


def _end_of_today(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(WIB).date(), time(23, 59, 59), tzinfo=WIB)


def _search(q: str):
    """Case number or subject containing `q`, case-insensitive (% and _ are taken literally).

    Something that looks like (part of) a case number, e.g. "LIS-2026-0001" or "00017", is looked
    up in the numbers only, with a plain LIKE on the upper-cased text (numbers are upper case),
    which is several times cheaper than ILIKE over the subjects."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if NUMBER_LIKE.match(q):
        matches = Case.number.like(f"%{escaped.upper()}%", escape="\\")
    else:
        pattern = f"%{escaped}%"
        matches = or_(Case.number.ilike(pattern, escape="\\"), Case.title.ilike(pattern, escape="\\"))
    return WorkItem.case_id.in_(_running_cases(matches))


def _subject(user, case: Case) -> str:
    """A secret letter's subject is shown only to those who may read the letter."""
    if (case.data or {}).get("sifat") == "rahasia":
        from portal.correspondence.access import may_view_secret

        if not may_view_secret(user, case):
            return "(Surat rahasia)"
    return case.title


def inbox_page(user, *, flow: str = "", status: str = "", q: str = "", page: int = 1,
               now: datetime | None = None):
    now = now or utcnow()
    conditions = [WorkItem.state == "open", _who(user)]
    if flow in FLOWS:
        conditions.append(WorkItem.flow_code == flow)
    if status == "terlambat":
        conditions.append(WorkItem.due_at < now)
    elif status == "hari_ini":
        conditions.append(and_(WorkItem.due_at >= now, WorkItem.due_at <= _end_of_today(now)))
    elif status == "berjalan":
        conditions.append(or_(WorkItem.due_at >= now, WorkItem.due_at.is_(None)))
    q = (q or "").strip()
    if q:
        conditions.append(_search(q))
    query = (
        select(WorkItem).where(*conditions)
        .options(joinedload(WorkItem.case, innerjoin=True), joinedload(WorkItem.item))
        .order_by(WorkItem.due_at.asc().nulls_last(), WorkItem.id)
    )
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=False)
    # Counted on work_item alone: the paginate() default counts the whole joined select.
    pagination.total = db.session.scalar(select(func.count()).select_from(WorkItem).where(*conditions))
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
        rows.append(InboxRow(work, work.case, title, flow_def.name, state, text, _subject(user, work.case)))
    return pagination, rows
