"""Drafts of long step forms, saved while they are being filled in (one per work item and person)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db


class StepFormDraft(db.Model):
    """The raw fields (name → list of values) as last typed; dropped when the form is submitted."""

    __tablename__ = "step_form_draft"
    __table_args__ = (UniqueConstraint("work_item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    form_name: Mapped[str] = mapped_column(String(40))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
