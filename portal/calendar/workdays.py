"""Working-day arithmetic in WIB: due times for TS / N Hr steps and dispositions, and SLA status.

The decree's rules (Lampiran I note, Lampiran VI):
- hari kerja = Monday-Friday minus national holidays and cuti bersama;
- working hours are 08:00-15:00 WIB, and 15:00 is the cut-off for the day;
- TS (Tanggal yang Sama): due 15:00 of the day the item became ready;
- N Hr: due 15:00 of the N-th working day after the day it became ready.

"The day it became ready" (the start day) is the WIB date of `ready_at` when that date is a working
day and the time is before 15:00; otherwise (at/after 15:00, or on a non-working day) it is the next
working day. Before 08:00 on a working day still counts as that day for step SLAs: the item is
waiting when the office opens, so it can be handled the same day. So TS is simply 0 Hr.

Dispositions follow the decree's own note instead (Lampiran I: "Disposisi akan diproses sesuai jam
kerja pkl 08.00 – 15.00 wib. Di luar jam tersebut, surat akan di disposisi di hari berikutnya"):
a letter registered outside 08:00-15:00 of a working day, before 08:00 included, is disposed of
on the next working day. The Lembar Disposisi prints ``DISPOSITION_RULE``, the same rule in words.

All datetimes in and out are timezone-aware; outputs are in UTC, computations in Asia/Jakarta.
Holiday dates are passed in (the app loads them from the admin-editable table), so this module
has no database access.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from portal.core.dates import WIB

WORKDAY_START = time(8, 0)
WORKDAY_END = time(15, 0)  # also the cut-off: ready at/after this counts from the next working day

SlaStatus = Literal["overdue", "due_today", "on_track"]

DISPOSITION_RULE = (
    "Disposisi diproses pada jam kerja pukul 08.00 – 15.00 WIB. Surat yang diterima di luar jam "
    "tersebut (sebelum pukul 08.00, sejak pukul 15.00, atau pada hari libur) didisposisi pada hari "
    "kerja berikutnya (KEP.1516/BNSP/UM.00.00/VII/2021)."
)


def _local(value: datetime, name: str = "datetime") -> datetime:
    """The value in WIB; naive datetimes are refused because their zone would be a guess."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(WIB)


def _at(day: date, moment: time) -> datetime:
    """`moment` WIB on `day`, as a UTC datetime."""
    return datetime.combine(day, moment, tzinfo=WIB).astimezone(timezone.utc)


class WorkCalendar:
    """Working days = Monday-Friday not in `holidays` (libur nasional and cuti bersama)."""

    def __init__(self, holidays: Iterable[date]) -> None:
        self.holidays: frozenset[date] = frozenset(holidays)

    @classmethod
    def for_years(cls, *years: int) -> WorkCalendar:
        """A calendar with the `holidays` package defaults; for tests and a fresh install."""
        from portal.calendar.holidays_id import default_holidays

        return cls(day for year in years for day, _name in default_holidays(year))

    # --- dates -------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = _local(d).date()
        return d.weekday() < 5 and d not in self.holidays

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        if isinstance(d, datetime):
            d = _local(d).date()
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d`; n=0 gives `d` itself, or the next working day if `d` is not one."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if isinstance(d, datetime):
            d = _local(d).date()
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def start_day(self, ready_at: datetime) -> date:
        """The working day from which an item's clock counts (see module docstring)."""
        local = _local(ready_at, "ready_at")
        if self.is_working_day(local.date()) and local.time() < WORKDAY_END:
            return local.date()
        return self.next_working_day(local.date())

    # --- due times ---------------------------------------------------------------------------

    def due_hr(self, ready_at: datetime, n: int) -> datetime:
        """Due time of an "N Hr" step: 15:00 WIB of the n-th working day after the start day."""
        return _at(self.add_working_days(self.start_day(ready_at), n), WORKDAY_END)

    def due_ts(self, ready_at: datetime) -> datetime:
        """Due time of a TS (Tanggal yang Sama) step: 15:00 WIB of the start day."""
        return self.due_hr(ready_at, 0)

    def due_disposition(self, received_at: datetime) -> datetime:
        """Disposition of a registered letter (``DISPOSITION_RULE``): 15:00 the same day when it
        was registered between 08:00 and 15:00 of a working day, else 15:00 the next working day."""
        local = _local(received_at, "received_at")
        day = local.date()
        if not (self.is_working_day(day) and WORKDAY_START <= local.time() < WORKDAY_END):
            day = self.next_working_day(day)
        return _at(day, WORKDAY_END)

    # --- monitoring --------------------------------------------------------------------------

    def _working_days_between(self, after: date, until: date) -> int:
        """Working days d with after < d <= until."""
        count, d = 0, after
        while d < until:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count

    def working_days_left(self, now: datetime, due: datetime) -> int:
        """Whole working days until the due date (WIB dates); 0 = due today; negative = late.

        Before the due time: working days d with today < d <= due date. Once the due time has passed,
        the day it was missed counts as 1 day late and each later working day adds one.
        """
        today, due_day = _local(now, "now").date(), _local(due, "due").date()
        if now <= due:
            return self._working_days_between(today, due_day)
        return -max(1, self._working_days_between(due_day, today))

    def status(self, now: datetime, due: datetime) -> SlaStatus:
        """"overdue" past the due time; "due_today" if due later today (WIB); else "on_track"."""
        left = self.working_days_left(now, due)
        if left < 0:
            return "overdue"
        return "due_today" if left == 0 else "on_track"

    def format_sla_left(self, now: datetime, due: datetime) -> str:
        """Indonesian label for lists: "Jatuh tempo hari ini", "2 hari kerja lagi", "Terlambat 1 hari kerja"."""
        left = self.working_days_left(now, due)
        if left < 0:
            return f"Terlambat {-left} hari kerja"
        if left == 0:
            return "Jatuh tempo hari ini"
        return f"{left} hari kerja lagi"

    def working_time_elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments: only the 08:00-15:00 WIB part of working days counts.

        One full working day is 7 hours, so `elapsed / timedelta(hours=7)` gives working days.
        Time outside working hours (evenings, weekends, holidays) adds nothing.
        """
        start_local, end_local = _local(start, "start"), _local(end, "end")
        if end_local < start_local:
            raise ValueError("end must not be before start")
        total = timedelta()
        day = start_local.date()
        while day <= end_local.date():
            if self.is_working_day(day):
                opens = max(start_local, datetime.combine(day, WORKDAY_START, tzinfo=WIB))
                closes = min(end_local, datetime.combine(day, WORKDAY_END, tzinfo=WIB))
                if closes > opens:
                    total += closes - opens
            day += timedelta(days=1)
        return total
