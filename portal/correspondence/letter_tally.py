"""Pre-counted finished letters (`letter_tally`): how many finished, non-secret letters there are
per flow, sifat and final verdict, so the monitoring page's SLA counts do not count every letter on
each view. A finished letter's verdict is fixed, and every change to a letter passes through
sla_index.refresh(), which applies the difference between the old and the new index rows here
(same transaction). Secret letters (visible per person) and running letters (judged at `now`) are
still counted live; both read small partial indexes.

Used when the view filters only on flow, state, sifat and SLA state; a date range, a search or one
author's letters are counted live (sla_index.count_by_state), reading only the letters in range.
(A letter whose case row is deleted outright leaves its count here; cases are closed, not deleted.)
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import String, false, func, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal.calendar.workdays import WorkCalendar
from portal.extensions import db

FINISHED_VERDICTS = ("tepat", "terlambat")


class LetterTally(db.Model):
    __tablename__ = "letter_tally"

    flow_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    sifat: Mapped[str] = mapped_column(String(20), primary_key=True)  # "" when the letter has none
    final_state: Mapped[str] = mapped_column(String(10), primary_key=True)
    letters: Mapped[int] = mapped_column(default=0)


def _key(row) -> tuple[str, str, str] | None:
    if row["final_state"] is None or row["viewers"] is not None:
        return None
    return row["flow_code"], row["sifat"] or "", row["final_state"]


def apply(old_rows: list, new_rows: list[dict]) -> None:
    """Move the tally from the letters' old index rows to their new ones."""
    delta: Counter = Counter()
    for row in old_rows:
        if (key := _key(row)) is not None:
            delta[key] -= 1
    for row in new_rows:
        if (key := _key(row)) is not None:
            delta[key] += 1
    changes = [dict(flow_code=f, sifat=s, final_state=v, letters=n) for (f, s, v), n in delta.items() if n]
    if not changes:
        return
    table = LetterTally.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=["flow_code", "sifat", "final_state"],
        set_={"letters": table.c.letters + insert.excluded.letters}), changes)


def usable(filters, created_by) -> bool:
    return not (filters.q or filters.since or filters.until or created_by is not None)


def count_by_state(query, filters, now: datetime, calendar: WorkCalendar) -> dict[str, int]:
    """{SLA state: letters} for a view `usable` says the tally can serve, in one statement: the
    tally (finished, not secret), the finished secret letters the user may see, the running ones."""
    from portal.correspondence.sla_index import LetterIndex, running_state_expr

    tally = select(LetterTally.final_state.label("sla"), func.sum(LetterTally.letters))
    if filters.flow:
        tally = tally.where(LetterTally.flow_code == filters.flow)
    if filters.sifat:
        tally = tally.where(LetterTally.sifat == filters.sifat)
    if filters.state == "berjalan" or (filters.sla and filters.sla not in FINISHED_VERDICTS):
        tally = tally.where(false())
    elif filters.sla:
        tally = tally.where(LetterTally.final_state == filters.sla)
    tally = tally.group_by(LetterTally.final_state)
    row = LetterIndex
    running_state = running_state_expr(now, calendar)
    secret = query.where(row.final_state.is_not(None), row.viewers.is_not(None))
    running = query.where(row.final_state.is_(None))
    if filters.sla:  # each part only the condition its own index answers
        secret = secret.where(row.final_state == filters.sla)
        running = running.where(running_state == filters.sla)
    secret = secret.with_only_columns(row.final_state.label("sla"), func.count()).group_by(row.final_state).order_by(None)
    running = (running.with_only_columns(running_state.label("sla"), func.count()).group_by(running_state)
               .order_by(None))
    found: dict[str, int] = defaultdict(int)
    for state, n in db.session.execute(union_all(tally, secret, running)):
        found[state] += int(n or 0)
    return dict(found)
