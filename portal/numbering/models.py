from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db

RESET_YEARLY = "tahunan"
RESET_CONTINUOUS = "berlanjut"
CONTINUOUS_YEAR = 0  # the counter row of a series that never restarts


class NumberSeries(db.Model):
    """The last number given in one series for one year (e.g. ``case:LIS`` 2026 → 17).

    A series that runs on across years (the licence register) keeps its counter at year 0.
    """

    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("series", "year", name="uq_number_series_series_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)


class SeriesDefinition(db.Model):
    """How the admin wants one series of official numbers to look (``letter``, ``sk``, ...)."""

    __tablename__ = "number_series_definition"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    pattern: Mapped[str] = mapped_column(String(120))
    classification: Mapped[str] = mapped_column(String(40), default="")
    reset: Mapped[str] = mapped_column(String(20), default=RESET_YEARLY)  # tahunan | berlanjut
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def continuous(self) -> bool:
        return self.reset == RESET_CONTINUOUS


class NumberReservation(db.Model):
    """One official number handed out by :func:`portal.numbering.services.reserve_number`."""

    __tablename__ = "number_reservation"
    __table_args__ = (UniqueConstraint("series_code", "year", "sequence",
                                       name="uq_number_reservation_series_code_year_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_code: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]  # counter year (0 for a continuous series)
    sequence: Mapped[int]
    text: Mapped[str] = mapped_column(String(160))
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NumberVoid(db.Model):
    """A number that was given out but will never stand on a document: recorded, never a silent gap."""

    __tablename__ = "number_void"
    __table_args__ = (UniqueConstraint("series_code", "year", "sequence",
                                       name="uq_number_void_series_code_year_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_code: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    sequence: Mapped[int]
    text: Mapped[str] = mapped_column(String(160), default="")
    reason: Mapped[str] = mapped_column(String(500))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
