"""Grouping by calendar month (WIB) in SQL, the same on SQLite and PostgreSQL: a CASE over the
twelve month starts of a year (WIB has no daylight saving, the boundaries are exact instants)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, literal

from portal.core.dates import WIB


def month_start(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=WIB)


def in_year(column, year: int):
    return and_(column >= month_start(year, 1), column < month_start(year + 1, 1))


def month_of(column, year: int):
    """The WIB month (1–12) of `column`, for rows already restricted to `year` (in_year)."""
    return case(*[(column < month_start(year, m + 1), literal(m)) for m in range(1, 12)], else_=literal(12))
