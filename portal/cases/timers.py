"""The clocks a flow declares (`Timer`, e.g. Lisensi: LKS findings still open after 15 hari kerja go
to the members' pleno). A periodic worker task runs them; each fires once per case: it flags the
case, writes the timeline and tells the applicant, the people named on the case and the staff."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app, has_app_context

from sqlalchemy import func, select

from portal.accounts.models import User, UserRole
from portal.audit.services import record
from portal.calendar.services import work_calendar
from portal.cases.access import named_people
from portal.cases.models import Case, WorkItem
from portal.cases.timeline import log
from portal.core.dates import WIB, format_date_id, to_wib, utcnow
from portal.extensions import db
from portal.flows.definition import Flow, Timer
from portal.flows.registry import FLOWS


def timer_started(case: Case, timer: Timer) -> datetime | None:
    """When the case first entered the timer's steps (e.g. the LKS date)."""
    return db.session.scalar(select(func.min(WorkItem.ready_at)).where(
        WorkItem.case_id == case.id, WorkItem.step_key.in_(timer.steps)))


def timer_deadline(case: Case, timer: Timer) -> datetime | None:
    started = timer_started(case, timer)
    if started is None:
        return None
    return deadline_from(started, timer.after.days)


def days_reading() -> str:
    """TIMER_DAYS: "kerja" (working days, the default) or "kalender" (calendar days)."""
    reading = current_app.config.get("TIMER_DAYS", "kerja") if has_app_context() else "kerja"
    return reading if reading in ("kerja", "kalender") else "kerja"


def timer_label(timer: Timer, reading: str | None = None) -> str:
    """The timer's label in the configured reading of days ("15 hari kerja" / "15 hari kalender")."""
    return timer.text(reading or days_reading())


def deadline_from(started: datetime, days: int, reading: str | None = None) -> datetime:
    """15:00 WIB of the N-th working day after the start day; with the calendar-day reading, of the
    N-th calendar day after it, moved to the next working day when that day is not one."""
    calendar = work_calendar()
    if (reading or days_reading()) == "kalender":
        day = calendar.start_day(started) + timedelta(days=days)
        return calendar.due_ts(datetime.combine(day, time(8, 0), tzinfo=WIB))
    return calendar.due_hr(started, days)


def days_left(now: datetime, deadline: datetime, reading: str | None = None) -> tuple[int, str]:
    """Days until the deadline in the configured reading, and the text the case page shows."""
    if (reading or days_reading()) == "kalender":
        left = (to_wib(deadline).date() - to_wib(now).date()).days
        if now > deadline:
            return min(left, -1), f"Lewat {max(-left, 1)} hari kalender"
        return left, "Batas hari ini" if left == 0 else f"{left} hari kalender lagi"
    left = work_calendar().working_days_left(now, deadline)
    return left, work_calendar().format_sla_left(now, deadline)


def run_timers(now: datetime | None = None) -> list[tuple[str, str]]:
    """Fire every expired timer of every running case; returns (case number, timer key) fired."""
    now = now or utcnow()
    fired = []
    for flow in FLOWS.values():
        for timer in flow.timers:
            running = db.session.scalars(select(Case).where(Case.id.in_(
                select(WorkItem.case_id).where(WorkItem.flow_code == flow.code, WorkItem.state == "open",
                                               WorkItem.step_key.in_(timer.steps))))).all()
            for case in running:
                if timer.flag in (case.flags or []):
                    continue
                deadline = timer_deadline(case, timer)
                if deadline is not None and now > deadline:
                    _fire(case, flow, timer, deadline, now)
                    fired.append((case.number, timer.key))
    return fired


def _fire(case: Case, flow: Flow, timer: Timer, deadline: datetime, now: datetime) -> None:
    from portal.mail.outbox import queue_mail

    case.flags = sorted(set(case.flags or []) | {timer.flag})
    label = timer_label(timer)
    log(case, None, "system", f"{label} (batas {format_date_id(to_wib(deadline))})", now=now)
    record("case.timer", case, detail={"timer": timer.key, "deadline": deadline.isoformat()})
    subject = f"{case.number}: {label}"
    body = (f"Kasus {case.number} ({case.title}) melewati batas waktu: {label}.\n"
            f"Batas waktu: {format_date_id(to_wib(deadline))}.\n"
            f"Langkah berikutnya: {flow.step(timer.target).title}.\n\nPortal Layanan BNSP")
    for user in _people_to_tell(case, flow, timer):
        queue_mail(user.email, subject, body)


def _people_to_tell(case: Case, flow: Flow, timer: Timer) -> list[User]:
    """The applicant organisation, everyone named on the case, and the holders of the target step's roles."""
    target_roles = set(flow.step(timer.target).roles)
    query = select(User).where(User.is_enabled.is_(True), (
        User.id.in_(named_people(case) or [0])
        | User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(target_roles)))
        | ((User.organisation_id == case.organisation_id) if case.organisation_id else False)))
    return [user for user in db.session.scalars(query).all() if user.email]
