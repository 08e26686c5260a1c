"""Rate-limit counters for the public verification pages when no Redis is configured."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.types import UTCDateTime
from portal.extensions import db


class RateLimitCounter(db.Model):
    """Requests of one client (IP) to one limited action in one fixed time window."""

    __tablename__ = "verification_rate_limit"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)  # action:ip:window
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
