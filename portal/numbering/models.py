from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class NumberSeries(db.Model):
    """The last number given in one series for one year (e.g. ``case:LIS`` 2026 → 17)."""

    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("series", "year", name="uq_number_series_series_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)
