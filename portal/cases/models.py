from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.accounts.models import Organisation, User
from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db
from portal.flows.roles import ROLES

CASE_STATES = {"berjalan": "Berjalan", "selesai": "Selesai", "ditolak": "Ditolak", "ditarik": "Ditarik"}


class Case(db.Model):
    """A case (kasus/permohonan): one run of a flow. `active_steps` mirrors the open work items."""

    __tablename__ = "case_file"
    __table_args__ = (Index("ix_case_file_org_state", "organisation_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    flow_code: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="berjalan")
    outcome: Mapped[str | None] = mapped_column(String(20))
    active_steps: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # Flow-specific facts captured by the screens (e.g. chosen signer, routing, addressees).
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Bumped on every action: a form rendered for an older version is refused (replay, double post).
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[CaseItem]] = relationship(back_populates="case", order_by="CaseItem.id")

    @property
    def state_label(self) -> str:
        return CASE_STATES.get(self.state, self.state)


class CaseItem(db.Model):
    """A participant (peserta) or an LKS finding that walks a per-item group of steps on its own."""

    __tablename__ = "case_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # participant | finding
    label: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    position: Mapped[str | None] = mapped_column(String(60))
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="items")
    user: Mapped[User | None] = relationship()


class WorkItem(db.Model):
    """One step (or one item's step) waiting for someone. Open ones make up the Kotak Kerja."""

    __tablename__ = "work_item"
    __table_args__ = (
        # The inbox reads open items in due order; a partial index keeps that independent of history.
        Index("ix_work_item_open_due", "due_at", postgresql_where=text("state = 'open'"),
              sqlite_where=text("state = 'open'")),
        Index("ix_work_item_case_state", "case_id", "state"),
        # A person's open items in due order (Kotak Kerja); per role: cases.inbox_query.role_indexes().
        Index("ix_work_item_assignee_open", "assignee_id", "due_at", "id", "case_id", "flow_code", "search_text",
              postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    flow_code: Mapped[str] = mapped_column(String(10))
    step_key: Mapped[str] = mapped_column(String(60))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("case_item.id", ondelete="CASCADE"))
    # Bit set of the roles that may act (bit i = i-th role of portal.flows.roles.ROLES).
    role_mask: Mapped[int] = mapped_column(BigInteger)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(10), default="open")  # open | done | cancelled
    ready_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action_key: Mapped[str | None] = mapped_column(String(60))
    # The case's number and subject, lower-cased (work_search_text): the Kotak Kerja searches open
    # items through the same indexes that list them, without a join to the cases.
    search_text: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    item: Mapped[CaseItem | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class DocumentVersion(db.Model):
    """One version of a document slot (D-code) of a case; corrections add versions, never overwrite."""

    __tablename__ = "document_version"
    __table_args__ = (
        UniqueConstraint("case_id", "code", "item_key", "version", name="uq_document_version_slot"),
        Index("ix_document_version_case", "case_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    # "" for case-wide documents, "item:<id>" for a participant's or a finding's own document.
    item_key: Mapped[str] = mapped_column(String(40), default="")
    version: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    step_key: Mapped[str | None] = mapped_column(String(60))
    # Where a generated document reserves room for the signature stamp: [page, x1, y1, x2, y2].
    signature_box: Mapped[list | None] = mapped_column(JSON)
    # Where a generated draft shows its number placeholder (portal.documents.pdf.NumberBox.as_json):
    # signing writes the official number there before the signature seals it.
    number_boxes: Mapped[list | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class CaseEvent(db.Model):
    """The case timeline (append-only): who did what, when, on which step, with which document."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20))  # created | action | upload | system | flag
    step_key: Mapped[str | None] = mapped_column(String(60))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("case_item.id", ondelete="SET NULL"))
    action_key: Mapped[str | None] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    document_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_version.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
    document_version: Mapped[DocumentVersion | None] = relationship()



def open_role_predicate(role: str) -> str:
    """The open, unassigned work items waiting for `role` (bit i of role_mask = i-th role of ROLES)."""
    return f"state = 'open' AND assignee_id IS NULL AND (role_mask & {1 << list(ROLES).index(role)}) <> 0"


# Kotak Kerja: one small partial index per role, its waiting items in due order (cases.inbox_query),
# holding every column the inbox filters on, so a filtered page or count reads the index alone.
INBOX_INDEX_COLUMNS = ("due_at", "id", "case_id", "flow_code", "search_text")
for _role in ROLES:
    Index(f"ix_work_item_open_role_{_role}", *(WorkItem.__table__.c[name] for name in INBOX_INDEX_COLUMNS),
          postgresql_where=text(open_role_predicate(_role)), sqlite_where=text(open_role_predicate(_role)))


def work_search_text(case: Case) -> str:
    return f"{case.number or ''} | {case.title or ''}".lower()


@event.listens_for(Session, "after_flush")
def _renew_work_search_text(session: Session, _context) -> None:
    """A case renumbered or retitled: its open work items are found by the new text."""
    for case in [obj for obj in session.dirty if isinstance(obj, Case)]:
        if inspect(case).attrs.title.history.has_changes() or inspect(case).attrs.number.history.has_changes():
            table = WorkItem.__table__
            session.connection().execute(update(table).where(table.c.case_id == case.id, table.c.state == "open")
                                         .values(search_text=work_search_text(case)))
