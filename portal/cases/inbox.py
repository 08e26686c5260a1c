"""Kotak Kerja: the open work items waiting for a user, in due order, with filters and paging.

The query count is the same whatever the number of cases or rows on the page: one query for the
first COUNT_CAP + 1 matching items (ids and due times, read from the per-branch indexes of
cases.inbox_query), whose slice is the page and whose length is the count; one for the page's rows
with their case and item joined; one holiday list for the SLA labels. Every condition is on
`work_item` (the search reads the item's own copy of the case number and subject), so nothing reads
the closed history or joins the cases to filter. Past COUNT_CAP the inbox says "lebih dari 1.000
pekerjaan" (nobody pages through a thousand items; they filter), so no cost grows with the inbox.
bench/inbox.py measures this with a million cases.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from portal.calendar.services import work_calendar
from portal.cases import inbox_query
from portal.cases.models import Case, WorkItem
from portal.core.dates import WIB, utcnow
from portal.extensions import db
from portal.flows.registry import FLOWS

STATUS_FILTERS = {"": "Semua", "terlambat": "Terlambat", "hari_ini": "Jatuh tempo hari ini",
                  "berjalan": "Masih dalam SLA"}
PER_PAGE = 25
COUNT_CAP = 1000


@dataclass
class InboxPage:
    """One page of the inbox; `total` is exact up to COUNT_CAP, `more` says there are more than that."""

    items: list
    page: int
    total: int
    more: bool
    has_next: bool
    per_page: int = PER_PAGE

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def pages(self) -> int | None:
        """Known only while the total is exact."""
        return None if self.more else max(1, -(-self.total // self.per_page))

    @property
    def total_text(self) -> str:
        return f"lebih dari {COUNT_CAP:,}".replace(",", ".") if self.more else str(self.total)


@dataclass
class InboxRow:
    work: WorkItem
    case: Case
    step_title: str
    flow_name: str
    status: str  # overdue | due_today | on_track | none
    sla_text: str
    subject: str = ""


def _end_of_today(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(WIB).date(), time(23, 59, 59), tzinfo=WIB)


def _search(q: str):
    """Case number or subject containing `q`, case-insensitive (% and _ are taken literally), read
    from the open item's own copy of them (WorkItem.search_text) inside the inbox's indexes."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return WorkItem.search_text.like(f"%{escaped}%", escape="\\")


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
    conditions = []
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
    page = max(1, page)
    start = (page - 1) * PER_PAGE
    found = db.session.execute(inbox_query.first_matches(user, conditions, max(COUNT_CAP, start + PER_PAGE) + 1)).all()
    ids = [row.id for row in found[start:start + PER_PAGE]]
    # Asked even for an empty page: the same statements whatever the data.
    items = list(db.session.scalars(
        select(WorkItem).where(WorkItem.id.in_(ids))
        .options(joinedload(WorkItem.case, innerjoin=True), joinedload(WorkItem.item))
        .order_by(WorkItem.due_at.asc().nulls_last(), WorkItem.id)))
    pagination = InboxPage(items, page, min(len(found), COUNT_CAP), len(found) > COUNT_CAP,
                           len(found) > start + PER_PAGE)
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
