"""The monitoring's CSV export and monthly on-time / late chart, read from the letter index
(sla_index): which letters match, and whether each was on time, is decided in SQL. The CSV still
formats each exported letter's texts (working time, SLA remark) from its work items, in chunks."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import case, func, select

from portal.calendar.services import work_calendar
from portal.cases.models import Case, WorkItem
from portal.core.dates import utcnow
from portal.core.months import in_year, month_of
from portal.correspondence import sla_index
from portal.correspondence.letters import MAIL_FLOWS
from portal.correspondence.monitoring import Filters, LetterStatus, MonthFigure, index_query, letter_status
from portal.extensions import db

CHUNK = 500


def export_statuses(user, filters: Filters, *, now: datetime | None = None) -> Iterator[LetterStatus]:
    """Every letter `user` may see that matches the filters (SLA filter included), newest first."""
    now = now or utcnow()
    if filters.errors:
        return
    calendar = work_calendar()
    sla_index.refresh(calendar, now)
    query = index_query(user, filters)
    if filters.sla:
        query = query.where(sla_index.sla_condition(filters.sla, now, calendar))
    ids = list(db.session.scalars(query.with_only_columns(sla_index.LetterIndex.case_id)))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(chunk)))}
        works: dict[int, list[WorkItem]] = defaultdict(list)
        for work in db.session.scalars(select(WorkItem).where(WorkItem.case_id.in_(chunk)).order_by(WorkItem.id)):
            works[work.case_id].append(work)
        for case_id in chunk:
            if case_id in cases:
                yield letter_status(cases[case_id], works[case_id], calendar, now)


def monthly_figures(user, year: int, *, now: datetime | None = None) -> dict[str, list[MonthFigure]]:
    """Per flow, per WIB month of `year`: letters finished (selesai) on time and late, counted in
    SQL from each finished letter's stored verdict."""
    now = now or utcnow()
    sla_index.refresh(work_calendar(), now)
    row = sla_index.LetterIndex
    month = month_of(row.closed_at, year)
    late = func.sum(case((row.final_state == "terlambat", 1), else_=0))
    figures = {code: [MonthFigure(m) for m in range(1, 13)] for code in MAIL_FLOWS}
    query = (select(row.flow_code, month, func.count(), late)
             .where(row.state == "selesai", in_year(row.closed_at, year), sla_index.visible_to(user))
             .group_by(row.flow_code, month))
    for flow_code, m, finished, late_count in db.session.execute(query):
        figure = figures[flow_code][int(m) - 1]
        figure.late = int(late_count or 0)
        figure.on_time = finished - figure.late
    return figures
