"""The mail outbox: e-mails written in the same transaction as the change they tell about, and sent
by the worker after the commit (a rolled-back change sends nothing)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db


class OutgoingMail(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="menunggu", index=True)  # menunggu | terkirim | gagal
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True))
