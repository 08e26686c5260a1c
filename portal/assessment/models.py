"""Typed tables of the assessment area: the scheme catalogue, people, and each participant's record
on an RCC / ASKOM case (decision, result, pleno, registration and certificate)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.dates import utcnow
from portal.core.types import UTCDateTime
from portal.extensions import db

SCHEME_KINDS = {"kkni": "KKNI", "okupasi": "Okupasi", "klaster": "Klaster"}
STANDARD_TYPES = {"skkni": "SKKNI", "khusus": "Khusus", "internasional": "Internasional"}
SEXES = {"L": "Laki-laki", "P": "Perempuan"}
DECISIONS = {"disetujui": "Disetujui", "ditolak": "Tidak disetujui"}
RESULTS = {"K": "Kompeten", "BK": "Belum Kompeten", "TH": "Tidak hadir"}
PLENO = {"K": "Kompeten", "BK": "Belum Kompeten"}


class Scheme(db.Model):
    """A certification scheme (skema) of the catalogue, e.g. Asesor Kompetensi SKM/BNSP/00010/2/2023."""

    __tablename__ = "scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="okupasi")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list[SchemeUnit]] = relationship(back_populates="scheme", order_by="SchemeUnit.position",
                                                   cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return SCHEME_KINDS.get(self.kind, self.kind)


class SchemeUnit(db.Model):
    """A unit of competency of a scheme (kode unit, judul unit, jenis standar)."""

    __tablename__ = "scheme_unit"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scheme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    standard: Mapped[str] = mapped_column(String(20), default="skkni")

    scheme: Mapped[Scheme] = relationship(back_populates="units")
    elements: Mapped[list[SchemeElement]] = relationship(back_populates="unit", order_by="SchemeElement.position",
                                                         cascade="all, delete-orphan")

    @property
    def standard_label(self) -> str:
        return STANDARD_TYPES.get(self.standard, self.standard)


class SchemeElement(db.Model):
    """An element of a unit with its numbered kriteria unjuk kerja: kuk = [["1.1", "…"], …]."""

    __tablename__ = "scheme_element"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("scheme_unit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    kuk: Mapped[list] = mapped_column(JSON, default=list)

    unit: Mapped[SchemeUnit] = relationship(back_populates="elements")


class Person(db.Model):
    """One human being across cases, found again by NIK; holds their one account once they have it."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_place: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(30))
    institution: Mapped[str] = mapped_column(String(200))
    # RCC: the assessor's existing registration number (MET.…) and the expiry of their certificate.
    met_number: Mapped[str | None] = mapped_column(String(30))
    certificate_expiry: Mapped[date | None] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")

    @property
    def sex_label(self) -> str:
        return SEXES.get(self.sex, self.sex)


class Participant(db.Model):
    """A person's part in one RCC / ASKOM case (its CaseItem): every decision about them, in order."""

    __tablename__ = "assessment_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    case_item_id: Mapped[int] = mapped_column(ForeignKey("case_item.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scheme.id"))
    row: Mapped[int] = mapped_column(default=0)  # position in the request's list
    decision: Mapped[str | None] = mapped_column(String(12))  # disetujui | ditolak (Koordinator)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(2))  # K | BK | TH (MA Penguji)
    result_notes: Mapped[str | None] = mapped_column(Text)
    recommended: Mapped[bool | None] = mapped_column()
    pleno: Mapped[str | None] = mapped_column(String(2))  # K | BK (Pantek / Komtek)
    pleno_reason: Mapped[str | None] = mapped_column(Text)
    registration_number: Mapped[str | None] = mapped_column(String(30))
    certificate_number: Mapped[str | None] = mapped_column(String(40))
    certified_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()
    scheme: Mapped[Scheme] = relationship()
    item = relationship("CaseItem")

    @property
    def result_label(self) -> str:
        return RESULTS.get(self.result or "", "belum dinilai")

    @property
    def pleno_label(self) -> str:
        return PLENO.get(self.pleno or "", "belum diputuskan")


APL02_STATUS = {"diajukan": "Diajukan", "dikembalikan": "Dikembalikan untuk perbaikan", "diterima": "Diterima"}


class Apl02(db.Model):
    """A participant's asesmen mandiri (FR.APL.02) and the MA's review of it."""

    __tablename__ = "apl02"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("assessment_participant.id", ondelete="CASCADE"),
                                                unique=True)
    status: Mapped[str] = mapped_column(String(12), default="diajukan")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_name: Mapped[str | None] = mapped_column(String(200))
    recommendation: Mapped[str | None] = mapped_column(String(10))  # lanjut | tidak

    participant: Mapped[Participant] = relationship()
    answers: Mapped[list[Apl02Answer]] = relationship(back_populates="apl02", order_by="Apl02Answer.id",
                                                      cascade="all, delete-orphan")


class Apl02Answer(db.Model):
    """One element: K / BK, the evidence named or uploaded, and the MA's check with a note."""

    __tablename__ = "apl02_answer"
    __table_args__ = (UniqueConstraint("apl02_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    apl02_id: Mapped[int] = mapped_column(ForeignKey("apl02.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("scheme_element.id"))
    answer: Mapped[str] = mapped_column(String(2))  # K | BK
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_key: Mapped[str | None] = mapped_column(String(300))  # uploaded evidence in storage
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    review: Mapped[str | None] = mapped_column(String(10))  # sesuai | kembali
    review_note: Mapped[str | None] = mapped_column(Text)

    apl02: Mapped[Apl02] = relationship(back_populates="answers")
    element: Mapped[SchemeElement] = relationship()


APL01_STATUS = {"diajukan": "Diajukan", "dikembalikan": "Dikembalikan untuk perbaikan", "diterima": "Diterima",
                "dikonfirmasi": "Dikonfirmasi peserta"}
APL01_PURPOSES = {"sertifikasi": "Sertifikasi", "sertifikasi_ulang": "Sertifikasi Ulang",
                  "pkt": "Pengakuan Kompetensi Terkini (PKT)", "rpl": "Rekognisi Pembelajaran Lampau (RPL)",
                  "lainnya": "Lainnya"}
EVIDENCE_REVIEWS = {"memenuhi": "Memenuhi", "tidak_memenuhi": "Tidak memenuhi"}


class Apl01(db.Model):
    """A participant's permohonan sertifikasi (FR.APL.01): Bagian 1 data pribadi and data pekerjaan
    (their own copy, prefilled from the person record), Bagian 2 the purpose (the units come from the
    scheme), Bagian 3 the basic requirements with their proof (Apl01Evidence) and the reviewer's check."""

    __tablename__ = "apl01"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("assessment_participant.id", ondelete="CASCADE"),
                                                unique=True)
    status: Mapped[str] = mapped_column(String(12), default="diajukan")
    # Bagian 1: data pribadi
    full_name: Mapped[str] = mapped_column(String(200))
    nik: Mapped[str] = mapped_column(String(16))
    birth_place: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    nationality: Mapped[str] = mapped_column(String(60), default="Indonesia")
    address: Mapped[str] = mapped_column(Text, default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    phone_home: Mapped[str] = mapped_column(String(30), default="")
    phone_office: Mapped[str] = mapped_column(String(30), default="")
    phone_mobile: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254))
    education: Mapped[str] = mapped_column(String(20), default="")
    # Bagian 1: data pekerjaan
    institution: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    office_address: Mapped[str] = mapped_column(Text, default="")
    office_postal_code: Mapped[str] = mapped_column(String(10), default="")
    office_phone: Mapped[str] = mapped_column(String(30), default="")
    office_fax: Mapped[str] = mapped_column(String(30), default="")
    office_email: Mapped[str] = mapped_column(String(254), default="")
    # Bagian 2: tujuan asesmen (the scheme and its units are the participant's)
    purpose: Mapped[str] = mapped_column(String(20))
    purpose_other: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_name: Mapped[str | None] = mapped_column(String(200))
    recommendation: Mapped[str | None] = mapped_column(String(12))  # diterima | tidak

    participant: Mapped[Participant] = relationship()
    evidence: Mapped[list[Apl01Evidence]] = relationship(back_populates="apl01", order_by="Apl01Evidence.position",
                                                         cascade="all, delete-orphan")

    @property
    def purpose_label(self) -> str:
        label = APL01_PURPOSES.get(self.purpose, self.purpose)
        return f"{label}: {self.purpose_other}" if self.purpose == "lainnya" and self.purpose_other else label


class Apl01Evidence(db.Model):
    """One basic requirement of Bagian 3: its proof (an uploaded PDF, or a fact recorded on the
    request) and the reviewer's Memenuhi / Tidak memenuhi with a note."""

    __tablename__ = "apl01_evidence"
    __table_args__ = (UniqueConstraint("apl01_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    apl01_id: Mapped[int] = mapped_column(ForeignKey("apl01.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    requirement: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. the registration number on the request
    file_key: Mapped[str | None] = mapped_column(String(300))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    review: Mapped[str | None] = mapped_column(String(16))  # memenuhi | tidak_memenuhi
    review_note: Mapped[str | None] = mapped_column(Text)

    apl01: Mapped[Apl01] = relationship(back_populates="evidence")

    @property
    def review_label(self) -> str:
        return EVIDENCE_REVIEWS.get(self.review or "", "belum dikaji")
