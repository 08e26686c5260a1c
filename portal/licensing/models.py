"""Licensing records (flow 6): the admin's requirement checklist, the CLSP's file per requirement,
CS's verdict per requirement, and the LKS with its findings. All append-only: a new upload or a
new check adds a row; the newest row per requirement is the current one."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import CaseItem
from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db

STAGES = {"apresiasi": "Apresiasi", "lisensi": "Dokumen lisensi"}
VERDICTS = {"memenuhi": "Memenuhi", "tidak_memenuhi": "Tidak memenuhi"}
CATEGORIES = {"mayor": "Mayor", "minor": "Minor"}
LKS_KINDS = {"kecukupan": "Asesmen Kecukupan (Desk Audit)", "penuh": "Asesmen Penuh",
             "penyaksian": "Penyaksian Uji Kompetensi"}


class Requirement(db.Model):
    """One line of the requirement checklist the admin maintains (per stage)."""

    __tablename__ = "licence_requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)  # apresiasi | lisensi
    position: Mapped[int] = mapped_column(Integer, default=0)
    item: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RequirementFile(db.Model):
    """A file the CLSP uploaded for one requirement of its case."""

    __tablename__ = "licence_requirement_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("licence_requirement.id"))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requirement: Mapped[Requirement] = relationship()


class RequirementCheck(db.Model):
    """Customer Service's verdict on one requirement at one check (Memenuhi / Tidak memenuhi + note)."""

    __tablename__ = "licence_requirement_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    requirement_id: Mapped[int] = mapped_column(ForeignKey("licence_requirement.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requirement: Mapped[Requirement] = relationship()
    checked_by: Mapped[User | None] = relationship()


class LksReport(db.Model):
    """Laporan Ketidaksesuaian of one assessment: SPT number, team, date (its findings below)."""

    __tablename__ = "licence_lks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # kecukupan | penuh | penyaksian
    spt_number: Mapped[str] = mapped_column(String(120))
    team: Mapped[str] = mapped_column(Text)
    held_on: Mapped[date] = mapped_column(Date)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceFile:
    """An evidence file (PDF, through portal/uploads.py) kept with the case beside the written note."""

    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_key: Mapped[str | None] = mapped_column(String(300))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_size: Mapped[int | None] = mapped_column(Integer)


class LksFinding(EvidenceFile, db.Model):
    """One finding: the clause (acuan), what was found, category and evidence (a file and / or a
    note). Written while the LKS
    step is open (`lks_id` empty until the LKS is submitted); then it walks the flow as a case item."""

    __tablename__ = "licence_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    lks_id: Mapped[int | None] = mapped_column(ForeignKey("licence_lks.id", ondelete="CASCADE"))
    case_item_id: Mapped[int | None] = mapped_column(ForeignKey("case_item.id", ondelete="SET NULL"))
    acuan: Mapped[str] = mapped_column(String(200))
    finding: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(10))  # mayor | minor
    evidence: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case_item: Mapped[CaseItem | None] = relationship()


class FindingAnswer(EvidenceFile, db.Model):
    """The CLSP's corrective action and evidence (file and / or note) for one finding (a new row per attempt)."""

    __tablename__ = "licence_finding_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("licence_finding.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    corrective_action: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApresiasiMinutes(db.Model):
    """Berita acara apresiasi (D5) as Staf Lisensi wrote it; the access-code receipt is added later."""

    __tablename__ = "licence_apresiasi_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[str] = mapped_column(Text)  # one "Nama — unsur" per line
    summary: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamAssignment(db.Model):
    """An assessor team named for one assessment (desk audit, full assessment, witnessing) before its
    Surat Tugas: the lead, the members and each one's conflict-of-interest declaration. A later
    naming adds a row; the newest is the team in force."""

    __tablename__ = "licence_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    assessment: Mapped[str] = mapped_column(String(20))  # kecukupan | penuh | penyaksian
    lead_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    member_ids: Mapped[list] = mapped_column(JSON, default=list)
    declarations: Mapped[dict] = mapped_column(JSON, default=dict)  # user id -> "no conflict" statement
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlenoRecord(db.Model):
    """The members' plenary on a licence: who attended, the decision with its reasons, and for a
    licence granted its scope (schemes) and validity. The minutes (D21), the rejection letter and
    the SK / certificate are drafted from it."""

    __tablename__ = "licence_pleno"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    attendee_ids: Mapped[list] = mapped_column(JSON, default=list)
    attendee_names: Mapped[list] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(20))  # diberikan | ditolak
    reasons: Mapped[str] = mapped_column(Text)
    schemes: Mapped[list] = mapped_column(JSON, default=list)
    valid_years: Mapped[int] = mapped_column(Integer, default=5)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LicenceStatusChange(db.Model):
    """A licence frozen, reinstated or revoked (append-only; the newest is the status in force)."""

    __tablename__ = "licence_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # berlaku | dibekukan | dicabut
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
