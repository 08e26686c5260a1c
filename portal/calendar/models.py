from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db


class Holiday(db.Model):
    """A non-working day: national holiday (libur nasional) or cuti bersama, editable by admin."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="paket")  # paket | admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
