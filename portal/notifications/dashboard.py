"""Management dashboard figures (Ketua, Kasek, Kabag, admin): per flow and month the cases started,
finished, on time and late; open work per role and per person; the oldest late work items.

A finished case is late when any of its steps was completed after its due time."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, exists, func, select

from portal.accounts.models import User
from portal.cases.access import ROLE_BITS
from portal.cases.models import Case, WorkItem
from portal.core.dates import utcnow
from portal.core.months import in_year, month_of
from portal.extensions import db
from portal.flows.registry import FLOWS


@dataclass
class FlowMonth:
    flow_code: str
    month: int
    started: int = 0
    finished: int = 0
    on_time: int = 0
    late: int = 0


@dataclass
class Overview:
    year: int
    months: dict[tuple[str, int], FlowMonth] = field(default_factory=dict)
    per_role: list[tuple[str, int]] = field(default_factory=list)
    per_person: list[tuple[User | None, int]] = field(default_factory=list)
    oldest_late: list[WorkItem] = field(default_factory=list)

    def row(self, flow_code: str, month: int) -> FlowMonth:
        return self.months.setdefault((flow_code, month), FlowMonth(flow_code, month))

    def totals_by_month(self) -> list[FlowMonth]:
        totals = [FlowMonth("*", month) for month in range(1, 13)]
        for figure in self.months.values():
            total = totals[figure.month - 1]
            total.started += figure.started
            total.finished += figure.finished
            total.on_time += figure.on_time
            total.late += figure.late
        return totals

    def flow_rows(self) -> list[FlowMonth]:
        return [self.months[key] for key in sorted(self.months, key=lambda k: (list(FLOWS).index(k[0]), k[1]))]


def overview(year: int, now: datetime | None = None, late_limit: int = 10, people_limit: int = 25) -> Overview:
    now = now or utcnow()
    result = Overview(year)
    # Grouped per flow and WIB month in SQL: a year of cases is never loaded row by row.
    started_month = month_of(Case.created_at, year)
    for flow_code, month, started in db.session.execute(
            select(Case.flow_code, started_month, func.count()).where(in_year(Case.created_at, year))
            .group_by(Case.flow_code, started_month)):
        result.row(flow_code, int(month)).started += started
    late_step = exists().where(WorkItem.case_id == Case.id, WorkItem.state == "done",
                               WorkItem.due_at.is_not(None), WorkItem.completed_at > WorkItem.due_at)
    closed_month = month_of(Case.closed_at, year)
    for flow_code, month, finished, late in db.session.execute(
            select(Case.flow_code, closed_month, func.count(), func.sum(case((late_step, 1), else_=0)))
            .where(Case.closed_at.is_not(None), in_year(Case.closed_at, year))
            .group_by(Case.flow_code, closed_month)):
        figure = result.row(flow_code, int(month))
        figure.finished += finished
        figure.late += int(late or 0)
        figure.on_time += finished - int(late or 0)
    # One pass over the open work items, one sum per role bit.
    sums = db.session.execute(select(*[
        func.coalesce(func.sum(case((WorkItem.role_mask.op("&")(bit) != 0, 1), else_=0)), 0)
        for bit in ROLE_BITS.values()]).where(WorkItem.state == "open")).one()
    per_role = Counter({role: int(count) for role, count in zip(ROLE_BITS, sums) if count})
    result.per_role = per_role.most_common()
    people = db.session.execute(select(WorkItem.assignee_id, func.count()).where(WorkItem.state == "open")
                                .group_by(WorkItem.assignee_id).order_by(func.count().desc()).limit(people_limit)).all()
    result.per_person = [(db.session.get(User, uid) if uid else None, count) for uid, count in people]
    result.oldest_late = list(db.session.scalars(
        select(WorkItem).where(WorkItem.state == "open", WorkItem.due_at < now)
        .order_by(WorkItem.due_at, WorkItem.id).limit(late_limit)))
    return result


def csv_rows(data: Overview) -> list[list]:
    rows = [["Alur", "Bulan", "Dimulai", "Selesai", "Tepat waktu", "Terlambat"]]
    for figure in data.flow_rows():
        rows.append([FLOWS[figure.flow_code].name, f"{data.year}-{figure.month:02d}", figure.started,
                     figure.finished, figure.on_time, figure.late])
    return rows
