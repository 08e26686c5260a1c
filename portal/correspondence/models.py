"""Typed records of the mail flows' step forms."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db


class DispositionRecord(db.Model):
    """One Lembar Disposisi as submitted (append-only: a step sent back and disposed again adds one)."""

    __tablename__ = "disposition_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    instructions: Mapped[list] = mapped_column(JSON, default=list)
    units: Mapped[list] = mapped_column(JSON, default=list)  # role codes; the first one follows up
    note: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[date] = mapped_column(Date)
    disposer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    disposer_name: Mapped[str] = mapped_column(String(200))
    disposer_role: Mapped[str] = mapped_column(String(20))  # kasek | ketua
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
