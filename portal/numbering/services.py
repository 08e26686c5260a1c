"""Taking the next number of a series inside the caller's transaction.

The increment is one UPDATE ... RETURNING, so two transactions can never read the same value:
the second waits on the row lock (PostgreSQL) or the write lock (SQLite) until the first commits
or rolls back. A rollback gives the number back, so numbers are never skipped either.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.numbering.models import NumberSeries


def next_value(series: str, year: int) -> int:
    bump = (
        update(NumberSeries)
        .where(NumberSeries.series == series, NumberSeries.year == year)
        .values(last_value=NumberSeries.last_value + 1)
        .returning(NumberSeries.last_value)
    )
    value = db.session.execute(bump).scalar()
    if value is not None:
        return value
    # First number of the series this year: create the row, tolerating a concurrent creator.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(NumberSeries).values(series=series, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["series", "year"])
    )
    return db.session.execute(bump).scalar_one()


def current_value(series: str, year: int) -> int:
    return db.session.scalar(
        select(NumberSeries.last_value).where(NumberSeries.series == series, NumberSeries.year == year)
    ) or 0
