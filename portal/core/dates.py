"""Time helpers: everything is stored in UTC and shown in WIB (Asia/Jakarta) in Indonesian."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_wib(value: datetime) -> datetime:
    if value.tzinfo is None:
        # Naive datetimes in this codebase are UTC by convention.
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(WIB)


def format_date_id(value: date | datetime | None, with_day: bool = False) -> str:
    """28 Juli 2021 (optionally 'Rabu, 28 Juli 2021'); datetimes are shown in WIB."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_wib(value).date()
    text = f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"
    if with_day:
        text = f"{DAYS_ID[value.weekday()]}, {text}"
    return text


def format_datetime_id(value: datetime | None) -> str:
    """28 Juli 2021 14.05 WIB (Indonesian uses a dot between hours and minutes)."""
    if value is None:
        return ""
    local = to_wib(value)
    return f"{format_date_id(local.date())} {local:%H.%M} WIB"


def roman_month(month: int) -> str:
    return ROMAN_MONTHS[month - 1]
