"""Working-day calendar on real 2026 dates (holidays as listed by the `holidays` package, 0.109)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from portal.calendar import WorkCalendar, default_holidays
from portal.core.dates import WIB


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.for_years(2026)


def wib(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


def test_default_holidays_2026_has_idul_fitri_and_christmas_with_cuti_bersama() -> None:
    days = dict(default_holidays(2026))
    assert days[date(2026, 3, 21)] == "Hari Raya Idul Fitri"
    assert days[date(2026, 3, 22)] == "Hari kedua dari Hari Raya Idul Fitri"
    for cuti in (date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)):
        assert days[cuti] == "Cuti Bersama Hari Raya Idul Fitri"
    assert days[date(2026, 12, 25)] == "Hari Raya Natal"
    assert days[date(2026, 12, 24)] == "Cuti Bersama Hari Raya Natal"
    assert list(days) == sorted(days)


def test_weekends_and_holidays_are_not_working_days(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 1, 9))  # Friday
    assert not cal.is_working_day(date(2026, 1, 10))  # Saturday
    assert not cal.is_working_day(date(2026, 1, 11))  # Sunday
    assert not cal.is_working_day(date(2026, 3, 23))  # Monday, cuti bersama Idul Fitri
    assert not cal.is_working_day(date(2026, 12, 24))  # Thursday, cuti bersama Natal


def test_idul_fitri_week_is_skipped(cal: WorkCalendar) -> None:
    # 18 Mar cuti Nyepi, 19 Nyepi, 20 cuti Idul Fitri, 21-22 weekend/Idul Fitri, 23-24 cuti.
    assert cal.next_working_day(date(2026, 3, 17)) == date(2026, 3, 25)
    assert cal.add_working_days(date(2026, 3, 16), 2) == date(2026, 3, 25)
    assert cal.due_disposition(wib(2026, 3, 17, 15, 1)) == wib(2026, 3, 25, 15)
    assert cal.due_hr(wib(2026, 3, 17, 10), 1) == wib(2026, 3, 25, 15)


def test_christmas_is_skipped(cal: WorkCalendar) -> None:
    # Wed 23 Dec after cut-off: Thu 24 cuti bersama, Fri 25 Natal, weekend -> Mon 28 Dec.
    assert cal.due_disposition(wib(2026, 12, 23, 15, 1)) == wib(2026, 12, 28, 15)


def test_friday_after_cutoff_is_due_monday(cal: WorkCalendar) -> None:
    assert cal.due_disposition(wib(2026, 1, 9, 15, 1)) == wib(2026, 1, 12, 15)


@pytest.mark.parametrize(
    ("friday", "expected"),
    [
        (date(2026, 5, 29), date(2026, 6, 2)),  # Mon 1 Jun: Hari Lahir Pancasila
        (date(2026, 8, 14), date(2026, 8, 18)),  # Mon 17 Aug: Hari Kemerdekaan
        (date(2026, 2, 13), date(2026, 2, 18)),  # Mon 16 cuti Imlek, Tue 17 Imlek
    ],
)
def test_friday_after_cutoff_before_monday_holiday(
    cal: WorkCalendar, friday: date, expected: date
) -> None:
    received = wib(friday.year, friday.month, friday.day, 15, 1)
    assert cal.due_disposition(received) == wib(expected.year, expected.month, expected.day, 15)


def test_disposition_cutoff_boundaries(cal: WorkCalendar) -> None:
    assert cal.due_disposition(wib(2026, 1, 8, 14, 59)) == wib(2026, 1, 8, 15)
    assert cal.due_disposition(wib(2026, 1, 8, 15, 0)) == wib(2026, 1, 9, 15)
    assert cal.due_disposition(wib(2026, 1, 8, 8, 0)) == wib(2026, 1, 8, 15)
    # The decree: outside 08.00-15.00 the letter is disposed of the next day, before 08:00 too.
    assert cal.due_disposition(wib(2026, 1, 8, 7, 30)) == wib(2026, 1, 9, 15)
    assert cal.due_disposition(wib(2026, 1, 10, 9, 0)) == wib(2026, 1, 12, 15)  # Saturday
    # Step SLAs (TS) keep counting a pre-08:00 item from the same day.
    assert cal.due_ts(wib(2026, 1, 8, 7, 30)) == wib(2026, 1, 8, 15)


def test_due_is_utc_and_input_zone_is_respected(cal: WorkCalendar) -> None:
    due = cal.due_ts(datetime(2026, 1, 8, 7, 59, tzinfo=timezone.utc))  # 14:59 WIB
    assert due.tzinfo == timezone.utc
    assert due == datetime(2026, 1, 8, 8, 0, tzinfo=timezone.utc)  # 15:00 WIB
    # 08:30 UTC is 15:30 WIB: past the cut-off although it is morning in UTC.
    assert cal.due_ts(datetime(2026, 1, 8, 8, 30, tzinfo=timezone.utc)) == wib(2026, 1, 9, 15)


def test_two_hr_across_weekend(cal: WorkCalendar) -> None:
    assert cal.due_hr(wib(2026, 1, 8, 10), 2) == wib(2026, 1, 12, 15)  # Thu -> Mon
    assert cal.due_hr(wib(2026, 1, 8, 16), 2) == wib(2026, 1, 13, 15)  # after cut-off: from Fri


def test_ts_on_saturday_is_due_monday(cal: WorkCalendar) -> None:
    assert cal.due_ts(wib(2026, 1, 10, 10)) == wib(2026, 1, 12, 15)
    assert cal.due_hr(wib(2026, 1, 10, 10), 1) == wib(2026, 1, 13, 15)


def test_admin_edited_holidays_are_used() -> None:
    # An extra cuti bersama entered by the admin on Mon 12 Jan moves the due date.
    cal = WorkCalendar([date(2026, 1, 12)])
    assert cal.due_disposition(wib(2026, 1, 9, 15, 1)) == wib(2026, 1, 13, 15)


def test_naive_datetimes_are_rejected(cal: WorkCalendar) -> None:
    naive = datetime(2026, 1, 8, 10)
    with pytest.raises(ValueError):
        cal.due_ts(naive)
    with pytest.raises(ValueError):
        cal.status(naive, wib(2026, 1, 8, 15))
    with pytest.raises(ValueError):
        cal.working_time_elapsed(wib(2026, 1, 8, 9), naive)


def test_status_and_label_count_working_days(cal: WorkCalendar) -> None:
    due = wib(2026, 1, 12, 15)  # Monday
    assert cal.working_days_left(wib(2026, 1, 8, 10), due) == 2
    assert cal.format_sla_left(wib(2026, 1, 8, 10), due) == "2 hari kerja lagi"
    assert cal.status(wib(2026, 1, 10, 10), due) == "on_track"  # Saturday: Monday is 1 day away
    assert cal.status(wib(2026, 1, 12, 9), due) == "due_today"
    assert cal.format_sla_left(wib(2026, 1, 12, 9), due) == "Jatuh tempo hari ini"
    assert cal.status(wib(2026, 1, 12, 15, 1), due) == "overdue"
    assert cal.format_sla_left(wib(2026, 1, 12, 15, 1), due) == "Terlambat 1 hari kerja"
    assert cal.working_days_left(wib(2026, 1, 14, 9), due) == -2


def test_left_and_lateness_ignore_holidays(cal: WorkCalendar) -> None:
    due = wib(2026, 3, 25, 15)
    # From Fri 13 Mar: Mon 16, Tue 17, then Wed 25 after the Nyepi/Idul Fitri break.
    assert cal.working_days_left(wib(2026, 3, 13, 10), due) == 3
    assert cal.format_sla_left(wib(2026, 3, 25, 9), wib(2026, 3, 17, 15)) == "Terlambat 1 hari kerja"


def test_working_time_elapsed_counts_office_hours_only(cal: WorkCalendar) -> None:
    # Fri 14:00 -> Mon 09:00: one hour on Friday, one on Monday.
    assert cal.working_time_elapsed(wib(2026, 1, 9, 14), wib(2026, 1, 12, 9)) == timedelta(hours=2)
    # Tue 17 Mar 08:00 -> Wed 25 Mar 15:00 spans the holiday week: two working days of 7 hours.
    elapsed = cal.working_time_elapsed(wib(2026, 3, 17, 8), wib(2026, 3, 25, 15))
    assert elapsed == timedelta(hours=14)
    assert cal.working_time_elapsed(wib(2026, 1, 10, 9), wib(2026, 1, 11, 12)) == timedelta(0)
    # Started after closing on Thursday: the clock only runs from Friday 08:00.
    assert cal.working_time_elapsed(wib(2026, 1, 8, 16), wib(2026, 1, 9, 9)) == timedelta(hours=1)
    with pytest.raises(ValueError):
        cal.working_time_elapsed(wib(2026, 1, 9, 10), wib(2026, 1, 9, 9))
