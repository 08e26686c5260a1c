from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case, DocumentVersion
from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db

REQUEST_STATES = {
    "menunggu": "Menunggu tanda tangan",
    "diproses": "Sedang ditandatangani",
    "ditandatangani": "Ditandatangani",
    "gagal": "Gagal (dapat diulang)",
    "ditolak": "Dikembalikan",
    "dibatalkan": "Dibatalkan",
}


class SignatureRequest(db.Model):
    """One document awaiting (or having received) the signature of the Ketua (or another signer).

    Once signed it is also the registry entry behind the public verification address /v/<public_id>.
    """

    __tablename__ = "signature_request"
    __table_args__ = (
        Index("ix_signature_request_state_role", "state", "signer_role"),
        Index("ix_signature_request_holder", "holder_name"),
        # "is every document of this step signed?" after each group of a batch
        Index("ix_signature_request_work_state", "work_item_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id"))
    code: Mapped[str] = mapped_column(String(20))
    item_key: Mapped[str] = mapped_column(String(40), default="")
    doc_type: Mapped[str] = mapped_column(String(20))  # letter | spt | sk | certificate | undangan
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(80), index=True)
    registration_number: Mapped[str | None] = mapped_column(String(80), index=True)
    holder_name: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    signer_role: Mapped[str] = mapped_column(String(40), default="ketua")
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    source_version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"))
    signed_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_version.id"))
    state: Mapped[str] = mapped_column(String(20), default="menunggu")
    error: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("signing_batch.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(10))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Revocation (pencabutan): set by Ketua/admin with a reason and a reference (SK pencabutan).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)  # internal: staff only
    # What the public sees instead of the reason (portal.verification.i18n.REVOCATION_CATEGORIES).
    revoked_category: Mapped[str | None] = mapped_column(String(30))
    revoked_reference: Mapped[str | None] = mapped_column(String(120))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("signature_request.id"))

    case: Mapped[Case] = relationship()
    source_version: Mapped[DocumentVersion] = relationship(foreign_keys=[source_version_id])
    signed_version: Mapped[DocumentVersion | None] = relationship(foreign_keys=[signed_version_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])

    @property
    def state_label(self) -> str:
        return REQUEST_STATES.get(self.state, self.state)

    @property
    def number_note(self) -> str | None:
        """Said on the queue row when the number given at signing cannot stand inside the PDF."""
        from portal.numbering.at_signing import takes_number

        if self.number or (self.source_version and self.source_version.number_boxes) or not takes_number(self):
            return None
        from portal.signing.desk import NUMBER_OUTSIDE_PDF

        return NUMBER_OUTSIDE_PDF


BATCH_STATES = {
    "disiapkan": "Menunggu konfirmasi PIN",
    "berjalan": "Sedang ditandatangani",
    "selesai": "Selesai",
    "gagal": "Dihentikan",
}


class SigningBatch(db.Model):
    """One sitting of the signer: the documents they selected (prepared, reviewed one by one if they
    wish) and then confirmed with their PIN."""

    __tablename__ = "signing_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="berjalan")  # BATCH_STATES
    total: Mapped[int] = mapped_column(default=0)
    # The signing certificate the batch is bound to (SHA-256 of its DER), recorded when signing
    # starts; a different certificate later in the batch stops it (see runner).
    key_fingerprint: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    # Which worker runs the batch and until when its claim holds; a killed worker's claim expires
    # and a restarted worker picks the batch up where it stopped.
    lease_token: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    signer: Mapped[User] = relationship()


class SigningCredential(db.Model):
    """The signer's signing PIN, as an argon2 hash only; the PIN itself is never stored."""

    __tablename__ = "signing_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    # With the national TTE service the signer is identified by NIK; kept server-side only.
    tte_nik: Mapped[str | None] = mapped_column(String(20))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SigningBatchDocument(db.Model):
    """One document of a batch's selection, in the order the signer reviews them; `opened_at` says
    that the signer opened it (preview or review mode) before confirming with the PIN."""

    __tablename__ = "signing_batch_document"
    __table_args__ = (Index("uq_signing_batch_document", "batch_id", "request_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("signing_batch.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("signature_request.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[SignatureRequest] = relationship()

    @property
    def state_label(self) -> str:
        if self.returned_at:
            return "Dikembalikan"
        if self.kept_at:
            return "Diperiksa, tetap dipilih"
        return "Sudah dibuka" if self.opened_at else "Belum dibuka"
