"""Letter monitoring: every letter's state, open step and working time against its SLA, the
filters and search of the mail lists, the CSV export and the monthly on-time / late figures.

How a letter is judged (working time counts only 08:00–15:00 WIB on working days):
- Surat Keluar (SKS 2 Hr, SKA 1 Hr: `Flow.total_sla`): the clock starts when the step
  `total_sla_from` first became ready (the draft submitted / the signed letter handed to PHU) and the
  letter is due 15:00 WIB of the N-th working day after. Late once past that; at risk on its last
  day, or when its current step is past the step's own due time.
- Surat Masuk has no total: each step has its own due time (disposition TS 08:00–15:00, follow-up as
  the disposition set). Late once any step finished after, or is still open past, its due time; at
  risk while an open step is due today.
Secret letters are left out for whoever may not see them (engine.can_view).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from portal.calendar.services import work_calendar
from portal.calendar.workdays import WorkCalendar
from portal.cases import engine
from portal.cases.models import Case, WorkItem
from portal.core.dates import WIB, format_date_id, format_datetime_id, utcnow
from portal.correspondence import letter_search, letter_tally, letters, sla_index
from portal.correspondence.letters import MAIL_FLOWS, SIFAT
from portal.extensions import db
from portal.flows.registry import get_flow

SLA_STATES: dict[str, str] = {"tepat": "Tepat waktu", "berisiko": "Berisiko", "terlambat": "Terlambat",
                              "belum": "Belum berjalan"}
CASE_STATES: dict[str, str] = {"berjalan": "Dalam proses", "selesai": "Selesai"}
WORKDAY = timedelta(hours=7)  # 08:00-15:00


@dataclass
class LetterStatus:
    case: Case
    state: str
    steps: list[str]
    started: datetime | None
    due: datetime | None
    elapsed: timedelta
    sla_label: str
    sla_state: str
    sla_text: str

    @property
    def flow_code(self) -> str:
        return self.case.flow_code

    @property
    def kind(self) -> str:
        return MAIL_FLOWS[self.case.flow_code]

    @property
    def elapsed_text(self) -> str:
        return format_working_time(self.elapsed)


def format_working_time(value: timedelta) -> str:
    """7 working hours make a working day: "1 hari 3 jam kerja", "45 menit kerja"."""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 7 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if minutes and not days:
        parts.append(f"{minutes} menit")
    return (" ".join(parts) or "0 jam") + " kerja"


def letter_status(case: Case, works: list[WorkItem], calendar: WorkCalendar, now: datetime) -> LetterStatus:
    flow = get_flow(case.flow_code)
    open_works = [w for w in works if w.state == "open"]
    steps = [flow.step(w.step_key).title for w in open_works]
    state = letters.state_text(case, [w.step_key for w in open_works])
    finished = case.state != "berjalan"
    end = case.closed_at if finished and case.closed_at else now
    if flow.total_sla is not None:
        return _judge_total(case, flow, works, open_works, calendar, now, end, finished, state, steps)
    return _judge_steps(case, works, open_works, calendar, now, end, finished, state, steps)


def _judge_total(case, flow, works, open_works, calendar, now, end, finished, state, steps) -> LetterStatus:
    label = flow.total_sla.label
    starts = [w.ready_at for w in works if w.step_key == flow.total_sla_from]
    if not starts:
        return LetterStatus(case, state, steps, None, None, timedelta(), label, "belum",
                            "Konsep belum diajukan" if not finished else "Tidak diajukan")
    started = min(starts)
    due = calendar.due_hr(started, flow.total_sla.days)
    elapsed = calendar.working_time_elapsed(started, max(end, started))
    if finished:
        late = end > due
        text = "Selesai terlambat" if late else "Selesai tepat waktu"
        return LetterStatus(case, state, steps, started, due, elapsed, label,
                            "terlambat" if late else "tepat", text)
    text = calendar.format_sla_left(now, due)
    if now > due:
        sla = "terlambat"
    elif calendar.status(now, due) == "due_today" or any(w.due_at and now > w.due_at for w in open_works):
        sla = "berisiko"
    else:
        sla = "tepat"
    return LetterStatus(case, state, steps, started, due, elapsed, label, sla, text)


def _judge_steps(case, works, open_works, calendar, now, end, finished, state, steps) -> LetterStatus:
    started = case.created_at
    elapsed = calendar.working_time_elapsed(started, max(end, started))
    timed = [w for w in works if w.due_at is not None and w.state != "cancelled"]
    late = any((w.state == "done" and w.completed_at and w.completed_at > w.due_at)
               or (w.state == "open" and now > w.due_at) for w in timed)
    open_dues = [w.due_at for w in open_works if w.due_at is not None]
    due = min(open_dues) if open_dues else None
    if finished:
        text = "Selesai terlambat" if late else "Selesai tepat waktu"
        return LetterStatus(case, state, steps, started, None, elapsed, "per langkah",
                            "terlambat" if late else "tepat", text)
    if due is not None:
        text = calendar.format_sla_left(now, due)
    else:
        text = "Tanpa batas waktu"
    if late:
        sla = "terlambat"
    elif any(calendar.status(now, d) == "due_today" for d in open_dues):
        sla = "berisiko"
    else:
        sla = "tepat"
    return LetterStatus(case, state, steps, started, due, elapsed, "per langkah", sla, text)


# --- filters and search --------------------------------------------------------------------------

@dataclass
class Filters:
    """The monitoring / search filters, from the query string; bad values are reported, not guessed."""

    flow: str = ""
    state: str = ""
    sla: str = ""
    sifat: str = ""
    since: date | None = None
    until: date | None = None
    q: str = ""
    mine: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, flows: tuple[str, ...] = tuple(MAIL_FLOWS)) -> Filters:
        found = cls(q=(args.get("q") or "").strip()[:100])
        found.flow = args.get("alur", "") if args.get("alur", "") in flows else ""
        found.state = args.get("status", "") if args.get("status", "") in CASE_STATES else ""
        found.sla = args.get("sla", "") if args.get("sla", "") in SLA_STATES else ""
        found.sifat = args.get("sifat", "") if args.get("sifat", "") in SIFAT else ""
        for name, attr in (("dari", "since"), ("sampai", "until")):
            value = (args.get(name) or "").strip()
            if value:
                try:
                    setattr(found, attr, date.fromisoformat(value))
                except ValueError:
                    found.errors.append(f"Tanggal “{value}” tidak valid (gunakan format tahun-bulan-tanggal).")
        if found.since and found.until and found.since > found.until:
            found.errors.append("Tanggal awal harus sebelum tanggal akhir.")
        return found

    def as_args(self) -> dict[str, str]:
        values = {"alur": self.flow, "status": self.state, "sla": self.sla, "sifat": self.sifat, "q": self.q,
                  "dari": self.since.isoformat() if self.since else "",
                  "sampai": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in values.items() if v}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=WIB)


def letter_query(filters: Filters, flows: tuple[str, ...] = tuple(MAIL_FLOWS), created_by: int | None = None,
                 closed_in: int | None = None):
    data = Case.data
    query = select(Case).where(Case.flow_code.in_([filters.flow] if filters.flow else list(flows)))
    if created_by is not None:
        query = query.where(Case.created_by_id == created_by)
    if closed_in is not None:
        query = query.where(Case.closed_at >= _day_start(date(closed_in, 1, 1)),
                            Case.closed_at < _day_start(date(closed_in + 1, 1, 1)))
    if filters.state == "berjalan":
        query = query.where(Case.state == "berjalan")
    elif filters.state == "selesai":
        query = query.where(Case.state != "berjalan")
    if filters.sifat:
        query = query.where(data["sifat"].as_string() == filters.sifat)
    if filters.since:
        query = query.where(Case.created_at >= _day_start(filters.since))
    if filters.until:
        query = query.where(Case.created_at < _day_start(filters.until + timedelta(days=1)))
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        fields = (Case.number, Case.title, data["agenda_number"].as_string(), data["their_number"].as_string(),
                  data["letter_number"].as_string(), data["sender"].as_string(),
                  data[("draft", "kepada", 0)].as_string())
        query = query.where(or_(*(f.ilike(like, escape="\\") for f in fields)))
    return query.order_by(Case.created_at.desc(), Case.id.desc())


def letters_for(user, filters: Filters, *, now: datetime | None = None, created_by: int | None = None,
                flows: tuple[str, ...] = tuple(MAIL_FLOWS), closed_in: int | None = None) -> list[LetterStatus]:
    """The letters this user may see that match the filters, newest first, each judged against its SLA."""
    now = now or utcnow()
    if filters.errors:
        return []
    query = letter_query(filters, flows, created_by, closed_in)
    cases = [c for c in db.session.scalars(query) if engine.can_view(user, c)]
    works: dict[int, list[WorkItem]] = defaultdict(list)
    ids = [c.id for c in cases]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for work in db.session.scalars(select(WorkItem).where(WorkItem.case_id.in_(chunk)).order_by(WorkItem.id)):
            works[work.case_id].append(work)
    calendar = work_calendar()
    statuses = [letter_status(c, works[c.id], calendar, now) for c in cases]
    if filters.sla:
        statuses = [s for s in statuses if s.sla_state == filters.sla]
    return statuses


def index_query(user, filters: Filters, created_by: int | None = None):
    """The letter_index rows `user` may see that match the filters (no SLA filter), newest first."""
    row = sla_index.LetterIndex
    query = select(row)  # every row is a letter (one of MAIL_FLOWS)
    if filters.flow:
        query = query.where(row.flow_code == filters.flow)
    if created_by is not None:
        query = query.where(row.created_by_id == created_by)
    if filters.state == "berjalan":
        query = query.where(row.state == "berjalan")
    elif filters.state == "selesai":
        query = query.where(row.state != "berjalan")
    if filters.sifat:
        query = query.where(row.sifat == filters.sifat)
    if filters.since:
        query = query.where(row.created_at >= _day_start(filters.since))
    if filters.until:
        query = query.where(row.created_at < _day_start(filters.until + timedelta(days=1)))
    if filters.q:
        query = query.where(letter_search.matches(row.case_id, row.search_text, filters.q))
    query = query.where(sla_index.visible_to(user))
    return query.order_by(row.created_at.desc(), row.case_id.desc())


def letters_page(user, filters: Filters, page: int, *, now: datetime | None = None, created_by: int | None = None,
                 per_page: int = 25, with_counts: bool = True) -> tuple[Page, dict[str, int]]:
    """One page of the letters `user` may see that match the filters, newest first: filtered, counted
    and paged in SQL (a constant number of queries, whatever the total). With `with_counts` (the
    monitoring page) the SLA counts of all matches, exact; without (search, own letters) only a
    total, exact up to COUNT_CAP, past it "lebih dari 1.000"."""
    now = now or utcnow()
    counts_found = {key: 0 for key in SLA_STATES}
    if filters.errors:
        return Page([], 1, 1, 0), counts_found
    calendar = work_calendar()
    sla_index.refresh(calendar, now)
    unfiltered = index_query(user, filters, created_by)  # all but the SLA filter
    query = unfiltered.where(sla_index.sla_condition(filters.sla, now, calendar)) if filters.sla else unfiltered
    row = sla_index.LetterIndex
    if with_counts:
        if letter_tally.usable(filters, created_by):
            counts_found.update(letter_tally.count_by_state(unfiltered, filters, now, calendar))
        else:
            counts_found.update(sla_index.count_by_state(unfiltered, now, calendar, filters.sla))
        total, more = sum(counts_found.values()), False
    else:
        capped = query.with_only_columns(row.case_id).order_by(None).limit(COUNT_CAP + 1).subquery()
        counted = db.session.scalar(select(func.count()).select_from(capped))
        total, more = min(counted, COUNT_CAP), counted > COUNT_CAP
    pages = max(1, -(-total // per_page))
    page = max(1, page) if more else min(max(1, page), pages)
    ids = list(db.session.scalars(query.with_only_columns(row.case_id).limit(per_page + 1)
                                  .offset((page - 1) * per_page)))
    has_next, ids = len(ids) > per_page, ids[:per_page]
    works: dict[int, list[WorkItem]] = defaultdict(list)
    # Asked even for an empty page: the same statements whatever the data.
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}
    for work in db.session.scalars(select(WorkItem).where(WorkItem.case_id.in_(ids)).order_by(WorkItem.id)):
        works[work.case_id].append(work)
    rows = [letter_status(cases[i], works[i], calendar, now) for i in ids if i in cases]
    return Page(rows, page, pages, total, more=more, next_exists=has_next), counts_found


COUNT_CAP = 1000


@dataclass
class Page:
    rows: list
    page: int
    pages: int
    total: int
    more: bool = False  # more than `total` (COUNT_CAP) letters match: `pages` is not known
    next_exists: bool | None = None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.next_exists if self.next_exists is not None else self.page < self.pages

    @property
    def total_text(self) -> str:
        return f"lebih dari {COUNT_CAP:,}".replace(",", ".") if self.more else str(self.total)


def counts(statuses: list[LetterStatus]) -> dict[str, int]:
    found = {key: 0 for key in SLA_STATES}
    for status in statuses:
        found[status.sla_state] += 1
    return found


# --- CSV -----------------------------------------------------------------------------------------

CSV_HEADER = ("Jenis", "Nomor kasus", "Nomor agenda / surat", "Nomor surat pengirim", "Pengirim / tujuan",
              "Perihal", "Sifat", "Status", "Langkah berjalan", "Dicatat", "Jatuh tempo", "Waktu kerja berjalan",
              "SLA", "Status SLA", "Keterangan SLA")


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel: keep it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(statuses: Iterable[LetterStatus]) -> str:
    """UTF-8 with BOM so Excel opens the Indonesian text right; comma separated, CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for s in statuses:
        data = letters.facts(s.case)
        writer.writerow([_cell(str(v)) for v in (
            s.kind, s.case.number, letters.letter_number(s.case), data.get("their_number", ""),
            letters.counterpart(s.case), s.case.title, letters.sifat_label(s.case), s.state, "; ".join(s.steps),
            format_datetime_id(s.case.created_at), format_datetime_id(s.due) if s.due else "",
            s.elapsed_text, s.sla_label, SLA_STATES[s.sla_state], s.sla_text,
        )])
    return "\ufeff" + out.getvalue()


# --- monthly figures for the chart ---------------------------------------------------------------

@dataclass
class MonthFigure:
    month: int
    on_time: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late


def monthly_figures(statuses: list[LetterStatus], year: int) -> dict[str, list[MonthFigure]]:
    """Per flow, per month of `year` (WIB): letters finished on time and late."""
    figures = {code: [MonthFigure(m) for m in range(1, 13)] for code in MAIL_FLOWS}
    for s in statuses:
        closed = s.case.closed_at
        if s.case.state != "selesai" or closed is None:
            continue
        local = closed.astimezone(WIB)
        if local.year != year:
            continue
        figure = figures[s.flow_code][local.month - 1]
        if s.sla_state == "terlambat":
            figure.late += 1
        else:
            figure.on_time += 1
    return figures


def period_label(filters: Filters) -> str:
    if filters.since and filters.until:
        return f"{format_date_id(filters.since)} s.d. {format_date_id(filters.until)}"
    if filters.since:
        return f"sejak {format_date_id(filters.since)}"
    if filters.until:
        return f"sampai {format_date_id(filters.until)}"
    return "semua tanggal"
