"""SLA reminders and escalation with a frozen clock: the morning a step is due, the first late
working day (holder and supervising role), never twice a day, never on weekends or holidays."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.calendar.models import Holiday
from portal.calendar.services import seed_default_holidays, work_calendar
from portal.cases import engine
from portal.core.dates import WIB, format_date_id, to_wib, utcnow
from portal.mail.models import OutgoingMail
from portal.notifications.models import Notification, ReminderLog
from portal.notifications.reminders import send_reminders
from tests.factories import Cast, sample_pdf


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def told(db, since_id: int = 0) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Notification).where(Notification.id > since_id).order_by(Notification.id))
    return [(n.user.username, n.kind) for n in rows]


def last_id(db) -> int:
    return max(db.session.scalars(select(Notification.id)).all() or [0])


def mail_subjects(db, since_id: int = 0) -> list[tuple[str, str]]:
    return [(m.recipient, m.subject) for m in db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.id > since_id).order_by(OutgoingMail.id))]


def last_mail(db) -> int:
    return max(db.session.scalars(select(OutgoingMail.id)).all() or [0])


def _next_weekend_day(day: date) -> date:
    while day.weekday() < 5:
        day += timedelta(days=1)
    return day


def test_due_morning_then_late_with_escalation_once_per_working_day(app, db):
    seed_default_holidays()
    calendar = work_calendar()
    day0 = calendar.next_working_day(to_wib(utcnow()).date())
    cast = Cast()
    lsp, cs, kabag = cast.user("lsp"), cast.user("cs"), cast.user("kabag")
    case = engine.open_case("LIS", lsp, "Lisensi LSP Tepat Waktu", organisation=cast.organisation, now=at(day0, 9))
    work = engine.open_work(case)[0]
    engine.upload_document(case, "D1", "D1.pdf", sample_pdf(), lsp, work=work)
    engine.act(case, work.id, "submit", lsp, now=at(day0, 9, 30))
    db.session.commit()
    check = engine.open_work(case)[0]
    due_day = calendar.add_working_days(day0, 2)  # apresiasi_check: 2 Hr
    assert to_wib(check.due_at) == at(due_day, 15)
    before, before_mail = last_id(db), last_mail(db)

    day1 = calendar.next_working_day(day0)
    assert send_reminders(now=at(day1, 6, 45)) == []  # not due yet
    assert send_reminders(now=at(due_day, 6, 45)) == [(case.number, "apresiasi_check", "due")]
    db.session.commit()
    assert told(db, before) == [(cs.username, "jatuh_tempo")]
    due_notice = db.session.scalars(select(Notification).where(Notification.id > before)).one()
    assert due_notice.title == f"{case.number}: Pemeriksaan kelengkapan dokumen apresiasi (check list) jatuh tempo hari ini"
    assert f"Batas waktu: {format_date_id(due_day)} pukul 15.00 WIB" in due_notice.body
    # The task runs again later that day (also after the 15.00 deadline): nothing more that day.
    assert send_reminders(now=at(due_day, 10)) == []
    assert send_reminders(now=at(due_day, 16)) == []

    weekend = _next_weekend_day(due_day)
    late_day = calendar.next_working_day(due_day)
    if weekend < late_day:
        assert send_reminders(now=at(weekend, 6, 45)) == []  # weekends are quiet
    before = last_id(db)
    assert send_reminders(now=at(late_day, 6, 45)) == [(case.number, "apresiasi_check", "late")]
    db.session.commit()
    assert told(db, before) == [(cs.username, "terlambat"), (kabag.username, "eskalasi")]
    assert send_reminders(now=at(late_day, 11)) == []
    assert mail_subjects(db, before_mail) == [
        (cs.email, f"{case.number}: Pemeriksaan kelengkapan dokumen apresiasi (check list) jatuh tempo hari ini"),
        (cs.email, f"{case.number}: Pemeriksaan kelengkapan dokumen apresiasi (check list) terlambat"),
        (kabag.email, f"Eskalasi {case.number}: Pemeriksaan kelengkapan dokumen apresiasi (check list) terlambat"),
    ]
    next_late = calendar.next_working_day(late_day)
    assert send_reminders(now=at(next_late, 6, 45)) == [(case.number, "apresiasi_check", "late")]
    assert db.session.scalars(select(ReminderLog.kind).order_by(ReminderLog.id)).all() == ["due", "late", "late"]

    # Done (returned to the CLSP for correction): no more reminders for the check.
    engine.act(case, check.id, "return", cs, reason="Akta pendirian belum dilampirkan", now=at(next_late, 8))
    db.session.commit()
    assert [r for r in send_reminders(now=at(calendar.next_working_day(next_late), 6, 45))
            if r[1] == "apresiasi_check"] == []


def _next_weekday_holiday(after: date) -> date:
    """The first national holiday on a Monday-Friday after `after`, from the seeded calendar table."""
    from portal.extensions import db

    days = db.session.scalars(select(Holiday.day).where(Holiday.day > after).order_by(Holiday.day)).all()
    return next(day for day in days if day.weekday() < 5)


def test_a_holiday_is_skipped_for_the_due_date_and_reminders(app, db):
    seed_default_holidays()
    calendar = work_calendar()
    today = to_wib(utcnow()).date()
    holiday = _next_weekday_holiday(calendar.next_working_day(today))
    ready = holiday - timedelta(days=1)
    while not calendar.is_working_day(ready):
        ready -= timedelta(days=1)  # the last working day before the holiday
    assert ready > today
    cast = Cast()
    staf, kabag, kasek = cast.user("staf_lisensi"), cast.user("kabag"), cast.user("kasek")
    case = engine.open_case("SKS", staf, "Surat undangan rapat koordinasi", now=at(ready, 9))
    work = engine.open_work(case)[0]
    engine.upload_document(case, "KONSEP", "konsep.pdf", sample_pdf(), staf, work=work)
    engine.act(case, work.id, "submit", staf, now=at(ready, 10))
    db.session.commit()
    paraf = engine.open_work(case)[0]
    assert paraf.step_key == "paraf_kabag" and to_wib(paraf.due_at) == at(ready, 15)  # TS
    before, before_mail = last_id(db), last_mail(db)

    assert send_reminders(now=at(holiday, 6, 45)) == []  # a holiday: nobody is reminded
    after = calendar.next_working_day(holiday)
    assert after > holiday + timedelta(days=0)
    assert send_reminders(now=at(after, 6, 45)) == [(case.number, "paraf_kabag", "late")]
    db.session.commit()
    # The Secretariat's letters escalate to the Kepala Sekretariat.
    assert told(db, before) == [(kabag.username, "terlambat"), (kasek.username, "eskalasi")]
    assert [r for r, _s in mail_subjects(db, before_mail)] == [kabag.email, kasek.email]


def test_the_periodic_tasks_run_as_the_worker_runs_them(app, db):
    from portal.notifications.tasks import cleanup_notifications, daily_digest, sla_reminders

    # Nothing open, nobody on the digest, nothing 90 days old: each task does nothing, without error.
    assert (sla_reminders.call_local(), daily_digest.call_local(), cleanup_notifications.call_local()) == (0, 0, 0)


def test_supervisors_and_assigners_named_in_the_flow_files_are_real_roles():
    from portal.flows.definition import ASSIGNED_BY, NAMED_ACTORS
    from portal.flows.registry import FLOWS
    from portal.flows.roles import INTERNAL_ROLES

    supervised = [(flow.code, step.key, step.supervisor) for flow in FLOWS.values() for step in flow.steps
                  if step.supervisor]
    assert {role for _f, _s, role in supervised} <= set(INTERNAL_ROLES)
    assert ("SKS", "paraf_kabag", "kasek") in supervised  # the Secretariat's letters escalate to the Kasek
    assert set(ASSIGNED_BY) == set(NAMED_ACTORS) and set(ASSIGNED_BY.values()) <= set(INTERNAL_ROLES)
