"""The working-day calendar backed by the holiday table."""
from __future__ import annotations

from datetime import date

from flask import g, has_app_context
from sqlalchemy import delete, extract, select

from portal.audit.services import record
from portal.calendar.holidays_id import default_holidays
from portal.calendar.models import Holiday
from portal.calendar.workdays import WorkCalendar
from portal.core.dates import utcnow
from portal.extensions import db


class CalendarError(Exception):
    pass


def seed_default_holidays(years: list[int] | None = None) -> int:
    """Insert the package's holidays for the given years (default: this and next); keeps edits."""
    this_year = utcnow().year
    years = years or [this_year - 1, this_year, this_year + 1]
    existing = set(db.session.scalars(select(Holiday.day)))
    added = 0
    for year in years:
        for day, name in default_holidays(year):
            if day not in existing:
                db.session.add(Holiday(day=day, name=name, source="paket"))
                existing.add(day)
                added += 1
    db.session.flush()
    _forget_cached()
    return added


def holidays_in(year: int) -> list[Holiday]:
    return list(db.session.scalars(
        select(Holiday).where(extract("year", Holiday.day) == year).order_by(Holiday.day)
    ))


def add_holiday(day: date, name: str) -> Holiday:
    if not name.strip():
        raise CalendarError("Nama hari libur wajib diisi.")
    if db.session.scalar(select(Holiday.id).where(Holiday.day == day)):
        raise CalendarError("Tanggal itu sudah tercatat sebagai hari libur.")
    holiday = Holiday(day=day, name=name.strip(), source="admin")
    db.session.add(holiday)
    db.session.flush()
    record("calendar.add", holiday, detail={"day": day.isoformat(), "name": holiday.name})
    _forget_cached()
    return holiday


def remove_holiday(holiday_id: int) -> None:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise CalendarError("Hari libur tidak ditemukan.")
    record("calendar.remove", holiday, detail={"day": holiday.day.isoformat(), "name": holiday.name})
    db.session.execute(delete(Holiday).where(Holiday.id == holiday_id))
    _forget_cached()


def _forget_cached() -> None:
    if has_app_context():
        g.pop("work_calendar", None)


def work_calendar() -> WorkCalendar:
    """The calendar for this request (one query per request, whatever is computed with it)."""
    if has_app_context() and "work_calendar" in g:
        return g.work_calendar
    calendar = WorkCalendar(db.session.scalars(select(Holiday.day)))
    if has_app_context():
        g.work_calendar = calendar
    return calendar
