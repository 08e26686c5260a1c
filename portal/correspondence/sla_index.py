"""The letters as index rows (`letter_index`), so monitoring and search filter, count and page in
SQL instead of loading and judging every letter in Python.

A row holds, per letter, what the lists filter on (flow, state, sifat, author, date, the searched
numbers and names as one lower-cased text) and what the SLA judgement in monitoring.py needs that
only changes when the case does: the whole-letter clock (start, due), the earliest due time among
the open steps, whether a finished step was late, a finished letter's final verdict. The SLA state
at a moment `now` is then a SQL CASE over those columns (`sla_state_expr`).

Rows are derived. A flush that adds or changes a mail case (or the holiday calendar) marks its row
stale (session listener below); `refresh()`, run before a list is read, recomputes stale rows (and,
when the table is empty, e.g. right after the migration, indexes every letter), in a constant
number of queries.
The rows shown on a page are judged again from their work items, so a row refreshed a moment
before a concurrent change never shows a wrong state; the counts catch up at the next change.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

from sqlalchemy import (ForeignKey, Index, String, Text, and_, case, event, func, literal, or_, select, text,
                        union_all, update)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.calendar.models import Holiday
from portal.calendar.workdays import WorkCalendar
from portal.cases.models import Case, WorkItem
from portal.core import trigram
from portal.core.dates import WIB
from portal.core.transaction_info import forget_at_transaction_end
from portal.correspondence import letter_search, letter_tally
from portal.core.types import UTCDateTime
from portal.extensions import db
from portal.flows.registry import get_flow

CHUNK = 500


class LetterIndex(db.Model):
    __tablename__ = "letter_index"
    __table_args__ = (
        Index("ix_letter_index_created", "created_at", "case_id"),
        # Only the few stale rows are in it: finding them costs nothing whatever the table's size.
        Index("ix_letter_index_stale", "case_id", postgresql_where=text("stale"), sqlite_where=text("stale")),
        # The counts: finished letters are counted by their fixed verdict from this index alone (it
        # holds every column the filters read); the few running ones are judged at `now` (below).
        Index("ix_letter_index_finished", "final_state", "flow_code", "created_at", "sifat", "state",
              "created_by_id", "viewers", postgresql_where=text("final_state IS NOT NULL"),
              sqlite_where=text("final_state IS NOT NULL")),
        # Secret letters (about 1 %): counted live, per person, beside the tally (letter_tally).
        Index("ix_letter_index_secret", "final_state", "flow_code", "sifat", "state", "viewers",
              postgresql_where=text("viewers IS NOT NULL"), sqlite_where=text("viewers IS NOT NULL")),
        Index("ix_letter_index_running", "created_at", "case_id", "flow_code", "started_at", "due_at", "open_due_at",
              "late_done", "sifat", "state", "created_by_id", "viewers",
              postgresql_where=text("final_state IS NULL"), sqlite_where=text("final_state IS NULL")),
        # Substring search (LIKE '%…%' on the lower-cased text) through pg_trgm on PostgreSQL.
        Index("ix_letter_index_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": trigram.OPS}).ddl_if(callable_=trigram.trigram_available),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    stale: Mapped[bool] = mapped_column(default=True)
    flow_code: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str | None] = mapped_column(String(20))
    sifat: Mapped[str | None] = mapped_column(String(20), index=True)
    created_by_id: Mapped[int | None]
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the monthly on-time / late chart
    search_text: Mapped[str | None] = mapped_column(Text)
    # Secret letters: who may see them, as "|u:<user id>|r:<role>|" (see viewers_text).
    viewers: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # whole-letter clock (Surat Keluar)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    open_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # earliest due among open steps
    late_done: Mapped[bool] = mapped_column(default=False)  # a finished step was late (Surat Masuk)
    final_state: Mapped[str | None] = mapped_column(String(10))  # the verdict of a finished letter


letter_search.attach(LetterIndex.__table__)


def mail_flows() -> tuple[str, ...]:
    from portal.correspondence.letters import MAIL_FLOWS

    return tuple(MAIL_FLOWS)


# --- keeping rows in step --------------------------------------------------------------------------

MARKED = "letter_index_marked"


forget_at_transaction_end(MARKED)


@event.listens_for(Session, "after_flush")
def _mark_changed_letters(session: Session, _context) -> None:
    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Case)]
    holidays = any(isinstance(obj, Holiday) for obj in (*session.new, *session.dirty, *session.deleted))
    if not changed and not holidays:
        return
    table = LetterIndex.__table__
    connection = session.connection()
    if holidays:  # every due time may move
        connection.execute(update(table).values(stale=True))
        return
    flows = mail_flows()
    marked = session.info.setdefault(MARKED, set())  # already stale in this transaction
    new_ids = [obj.id for obj in changed if obj in session.new and obj.flow_code in flows]
    dirty_ids = [obj.id for obj in changed
                 if obj not in session.new and obj.flow_code in flows and obj.id not in marked]
    marked.update(new_ids, dirty_ids)
    if dirty_ids:
        connection.execute(update(table).where(table.c.case_id.in_(dirty_ids)).values(stale=True))
    if new_ids:
        connection.execute(table.insert(), [{"case_id": i, "stale": True, "late_done": False} for i in new_ids])


def refresh(calendar: WorkCalendar, now: datetime) -> int:
    """Recompute stale rows and make the missing ones; returns how many rows were written."""
    flows = mail_flows()
    # Written as the partial index's own predicate ("stale", not SQLite's "stale = 1"), so both
    # databases read ix_letter_index_stale (a handful of rows) instead of the whole table.
    stale = set(db.session.scalars(select(LetterIndex.case_id).where(text("letter_index.stale"))))
    if not stale and db.session.scalar(select(LetterIndex.case_id).limit(1)) is None:
        # No rows at all (just migrated, or letters written without the ORM): index every letter.
        stale = set(db.session.scalars(select(Case.id).where(Case.flow_code.in_(flows))))
    if not stale:
        return 0
    ids = sorted(stale)
    rows = []
    for start in range(0, len(ids), CHUNK):
        rows += _rows_for(ids[start:start + CHUNK], calendar, now)
    table = LetterIndex.__table__
    try:
        old_rows = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            old_rows += db.session.execute(select(table.c.flow_code, table.c.sifat, table.c.final_state,
                                                  table.c.viewers).where(table.c.case_id.in_(chunk))).mappings().all()
            db.session.execute(table.delete().where(table.c.case_id.in_(chunk)))
        db.session.execute(table.insert(), rows)
        letter_search.store(rows)
        letter_tally.apply(old_rows, rows)
        db.session.commit()  # a derived cache: kept even when the request only reads
    except IntegrityError:
        db.session.rollback()  # another request refreshed the same letters at the same moment
    return len(rows)


def _rows_for(ids: list[int], calendar: WorkCalendar, now: datetime) -> list[dict]:
    from portal.correspondence import letters
    from portal.correspondence.monitoring import letter_status

    cases = list(db.session.scalars(select(Case).where(Case.id.in_(ids))))
    works: dict[int, list[WorkItem]] = defaultdict(list)
    for work in db.session.scalars(select(WorkItem).where(WorkItem.case_id.in_(ids)).order_by(WorkItem.id)):
        works[work.case_id].append(work)
    rows = []
    for letter in cases:
        flow = get_flow(letter.flow_code)
        own = works[letter.id]
        started = due = None
        if flow.total_sla is not None:
            starts = [w.ready_at for w in own if w.step_key == flow.total_sla_from]
            if starts:
                started = min(starts)
                due = calendar.due_hr(started, flow.total_sla.days)
        open_dues = [w.due_at for w in own if w.state == "open" and w.due_at is not None]
        data = letters.facts(letter)
        searched = (letter.number, letter.title, data.get("agenda_number"), data.get("their_number"),
                    data.get("letter_number"), data.get("sender"), letters.counterpart(letter))
        rows.append(dict(
            case_id=letter.id, stale=False, flow_code=letter.flow_code, state=letter.state,
            sifat=data.get("sifat"), created_by_id=letter.created_by_id, created_at=letter.created_at,
            closed_at=letter.closed_at,
            search_text=" | ".join(str(s) for s in searched if s).lower(),
            viewers=viewers_text(letter) if data.get("sifat") == "rahasia" else None,
            started_at=started, due_at=due, open_due_at=min(open_dues, default=None),
            late_done=any(w.state == "done" and w.due_at and w.completed_at and w.completed_at > w.due_at
                          for w in own),
            final_state=letter_status(letter, own, calendar, now).sla_state if letter.state != "berjalan" else None))
    return rows


def viewers_text(letter: Case) -> str:
    """The people and roles correspondence.access.may_view_secret lets see this letter (PHU aside)."""
    data = letter.data or {}
    users = {letter.created_by_id, *data.get("addressee_user_ids", []),
             *(uid for ids in data.get("assignees", {}).values() for uid in ids)}
    names = sorted({f"u:{uid}" for uid in users if uid is not None} | {f"r:{r}" for r in data.get("addressee_roles", [])})
    return "|" + "|".join(names) + "|"


def visible_to(user):
    """SQL condition, the same rule as correspondence.access.may_view_secret for secret letters;
    every other letter is visible to the internal staff these lists are for."""
    if "phu" in user.role_codes:
        return literal(True)
    row = LetterIndex
    # `viewers` is set on secret letters only: a NULL test is all the other rows cost.
    return or_(row.viewers.is_(None), row.viewers.like(f"%|u:{int(user.id)}|%"),
               *(row.viewers.like(f"%|r:{role}|%") for role in sorted(user.role_codes)))


# --- reading ---------------------------------------------------------------------------------------

def running_state_expr(now: datetime, calendar: WorkCalendar):
    """The SLA state at `now` of a letter still running (final_state NULL): monitoring.letter_status's
    judgement as a SQL CASE."""
    today = now.astimezone(WIB).date()
    # A due time counts as "today" while no working day lies between today and it (WorkCalendar.status).
    horizon = datetime.combine(calendar.next_working_day(today), time(0, 0), tzinfo=WIB)
    total_flows = [code for code in mail_flows() if get_flow(code).total_sla is not None]
    has_total = LetterIndex.flow_code.in_(total_flows)
    row = LetterIndex
    return case(
        (and_(has_total, row.started_at.is_(None)), literal("belum")),
        (and_(has_total, row.due_at < now), literal("terlambat")),
        (and_(has_total, or_(row.due_at < horizon, row.open_due_at < now)), literal("berisiko")),
        (has_total, literal("tepat")),
        (or_(row.late_done, row.open_due_at < now), literal("terlambat")),
        (row.open_due_at < horizon, literal("berisiko")),
        else_=literal("tepat"),
    )


def sla_state_expr(now: datetime, calendar: WorkCalendar):
    """The SLA state of any letter at `now`: a finished letter's verdict, else judged at `now`."""
    row = LetterIndex
    return case((row.final_state.is_not(None), row.final_state), else_=running_state_expr(now, calendar))


def sla_condition(state: str, now: datetime, calendar: WorkCalendar):
    """Letters in SLA state `state` at `now`. Only running letters can be at risk or not started,
    so those filters read the running letters alone (ix_letter_index_running)."""
    row = LetterIndex
    running = and_(row.final_state.is_(None), running_state_expr(now, calendar) == state)
    return or_(row.final_state == state, running) if state in ("tepat", "terlambat") else running


def count_by_state(query, now: datetime, calendar: WorkCalendar, sla: str = "") -> dict[str, int]:
    """{SLA state: letters} of a filtered letter_index select (without its SLA filter: `sla`), in one
    statement: finished letters grouped by their stored verdict (an index-only count), running ones
    judged at `now` (the running letters' covering index). Each part gets only the condition its
    own index can answer, so neither reads the table."""
    row = LetterIndex
    running_state = running_state_expr(now, calendar)
    finished = query.where(row.final_state.is_not(None))
    running = query.where(row.final_state.is_(None))
    if sla:
        finished = finished.where(row.final_state == sla)
        running = running.where(running_state == sla)
    finished = finished.with_only_columns(row.final_state.label("sla"), func.count()).group_by(row.final_state)
    running = running.with_only_columns(running_state.label("sla"), func.count()).group_by(running_state)
    found: dict[str, int] = defaultdict(int)
    for state, n in db.session.execute(union_all(finished.order_by(None), running.order_by(None))):
        found[state] += n
    return dict(found)
