"""What a person was told (Notification), how they want e-mail (NotificationPreference) and which
SLA reminders went out (ReminderLog: at most one per work item per working day)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db

KINDS: dict[str, str] = {
    "pekerjaan": "Pekerjaan menunggu",
    "tanda_tangan": "Antrean tanda tangan",
    "dikembalikan": "Dikembalikan",
    "keputusan": "Keputusan permohonan",
    "dokumen": "Dokumen terbit",
    "akun": "Akun",
    "jatuh_tempo": "Jatuh tempo hari ini",
    "terlambat": "Terlambat",
    "eskalasi": "Eskalasi",
    "penugasan": "Perlu penugasan",
}
EMAIL_MODES: dict[str, str] = {
    "segera": "Segera, satu surel untuk setiap pemberitahuan",
    "ringkasan": "Ringkasan harian pukul 07.00 WIB pada hari kerja",
}


class Notification(db.Model):
    """One notice to one person; `count` grows when more documents join an unread signing notice."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(default=1)
    # For "dokumen" notices: [title, number] of each document issued, so later ones can join.
    documents: Mapped[list] = mapped_column(JSON, default=list)
    # none | sent (e-mailed at once) | digest (waits for the 07:00 digest) | digested
    mail_state: Mapped[str] = mapped_column(String(10), default="none", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


class NotificationPreference(db.Model):
    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(10), default="segera")


class ReminderLog(db.Model):
    """An SLA reminder sent for a work item on a WIB day (due, late); the unique key keeps it once a day."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("work_item_id", "day", name="uq_reminder_log_work_item_id_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # due | late
    recipients: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
