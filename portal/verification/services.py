"""The registry behind the public pages: look up a signed document by its public id, number or
hash, derive its status, mask personal data, and revoke or supersede documents (audited).

Operations only flush; the view that calls them commits once.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Engine, bindparam, create_engine, event, func, or_, select
from sqlalchemy.exc import DBAPIError

from portal.accounts.models import User
from portal.audit.services import record
from portal.cases.models import Case
from portal.core.dates import to_wib, utcnow
from portal.extensions import db
from portal.signing.models import SignatureRequest
from portal.verification import readmodel
from portal.verification.i18n import REVOCATION_CATEGORIES

SIGNED = "ditandatangani"
# secrets.token_urlsafe() output; anything else cannot be an id, whatever it is.
PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
# Documents the registry search finds by their exact number; Ketua/admin may revoke them.
REGISTRY_TYPES = ("certificate", "licence_certificate", "sk")
REVOCABLE_TYPES = ("certificate", "licence_certificate", "sk")
# Holders that are organisations (LSP): their names are not personal data.
ORGANISATION_HOLDER_TYPES = ("licence_certificate",)
STATUSES = ("berlaku", "dicabut", "kedaluwarsa", "digantikan")
_DUMMY_ID = "A" * 22


class VerificationError(Exception):
    """A refused operation; the message is for the user (Indonesian)."""


@dataclass(frozen=True)
class PublicRecord:
    """What the public may see of one signed document (read in one indexed query)."""

    id: int
    public_id: str
    doc_type: str
    title: str
    number: str | None
    registration_number: str | None
    holder_name: str | None
    valid_from: date | None
    valid_until: date | None
    level: str | None
    sha256: str | None
    signed_at: datetime | None
    signer_name: str | None
    signer_role: str
    has_file: bool
    revoked_at: datetime | None
    revoked_category: str | None  # the public category; the staff's reason never leaves the database
    revoked_reference: str | None
    superseded_by: str | None  # public id of the replacing document
    code: str | None = None  # the flow's document code (D24, D23c, ...)
    flow_code: str | None = None

    def status(self, today: date | None = None) -> str:
        today = today or to_wib(utcnow()).date()
        if self.revoked_at is not None:
            return "dicabut"
        if self.superseded_by:
            return "digantikan"
        if self.valid_until is not None and self.valid_until < today:
            return "kedaluwarsa"
        return "berlaku"

    @property
    def masked_holder(self) -> str | None:
        if not self.holder_name:
            return None
        if self.doc_type in ORGANISATION_HOLDER_TYPES:
            return self.holder_name
        return mask_name(self.holder_name)

    @property
    def published(self) -> bool:
        """Whether the flow publishes the signed file itself (else it verifies, no download)."""
        return self.has_file and _flow_publishes(self.flow_code, self.code)

    @property
    def document_date(self) -> date | datetime | None:
        return self.valid_from or self.signed_at

    def etag_source(self) -> str:
        return "|".join(str(v) for v in (self.public_id, self.sha256, self.revoked_at,
                                         self.superseded_by, self.valid_until, self.signer_name))


@lru_cache(maxsize=256)
def _flow_publishes(flow_code: str | None, code: str | None) -> bool:
    from portal.flows.registry import get_flow

    if not flow_code or not code:
        return False
    try:
        flow = get_flow(flow_code)
    except Exception:  # noqa: BLE001 - an unknown flow publishes nothing
        return False
    return code in flow.document_codes and "public" in flow.document(code).seen_by


def mask_name(name: str) -> str:
    """'Budi Santoso' -> 'Bu** Sa*****': two letters of each word stay, enough to recognise."""
    words = []
    for word in name.split():
        keep = 2 if len(word) > 2 else 1
        words.append(word[:keep] + "*" * (len(word) - keep))
    return " ".join(words)


# The public lookups are Core statements built once, on the tables, with bound parameters: the
# QR landing page is the hottest path of the portal and ORM statement handling would cost more
# than the query itself.
_sr = SignatureRequest.__table__
_superseding = _sr.alias("superseding")
_user = User.__table__
_cases = Case.__table__
_PUBLIC = (
    select(
        _sr.c.id, _sr.c.public_id, _sr.c.doc_type, _sr.c.title, _sr.c.number,
        _sr.c.registration_number, _sr.c.holder_name, _sr.c.valid_from, _sr.c.valid_until,
        _sr.c.level, _sr.c.sha256, _sr.c.signed_at, _user.c.full_name, _sr.c.signer_role,
        _sr.c.signed_version_id.is_not(None), _sr.c.revoked_at, _sr.c.revoked_category,
        _sr.c.revoked_reference, _superseding.c.public_id, _sr.c.code, _cases.c.flow_code)
    .select_from(_sr.outerjoin(_user, _user.c.id == _sr.c.signed_by_id)
                 .outerjoin(_superseding, _superseding.c.id == _sr.c.superseded_by_id)
                 .outerjoin(_cases, _cases.c.id == _sr.c.case_id))
    .where(_sr.c.state == SIGNED)
)
BY_PUBLIC_ID = _PUBLIC.where(_sr.c.public_id == bindparam("public_id"))
BY_SHA256 = (_PUBLIC.where(_sr.c.sha256.in_(bindparam("hashes", expanding=True)))
             .order_by(_sr.c.id.desc()).limit(1))
BY_NUMBER = (_PUBLIC.where(_sr.c.doc_type.in_(REGISTRY_TYPES))
             .where(or_(_sr.c.number.in_(bindparam("wanted", expanding=True)),
                        _sr.c.registration_number.in_(bindparam("wanted", expanding=True))))
             .order_by(_sr.c.signed_at.desc()).limit(bindparam("limit")))
# Every signed row in id order, a batch at a time (loading the Redis read model).
BATCH_AFTER_ID = (_PUBLIC.where(_sr.c.id > bindparam("after")).order_by(_sr.c.id)
                  .limit(bindparam("limit")))

_read_engine_lock = threading.Lock()


def read_engine() -> Engine:
    """The engine the public lookups use.

    On PostgreSQL, a pool of its own in autocommit mode without pre-ping: a lookup is then a
    single round trip instead of four (ping, BEGIN, SELECT, ROLLBACK). A connection found dead is
    replaced and the lookup retried once (see ``_read``). SQLite (no network) uses db.engine.
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return engine
    cached = current_app.extensions.get("verification_read_engine")
    if cached is None:
        with _read_engine_lock:
            cached = current_app.extensions.get("verification_read_engine")
            if cached is None:
                cached = create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=2,
                                       max_overflow=8, pool_recycle=1800)
                app = current_app._get_current_object()

                def follow_dispose(_engine, read: Engine = cached) -> None:
                    # Lives and dies with db.engine (tests, forks, shutdown dispose that one).
                    app.extensions.pop("verification_read_engine", None)
                    read.dispose()

                event.listen(engine, "engine_disposed", follow_dispose)
                app.extensions["verification_read_engine"] = cached
    return cached


def _read(statement, params: dict) -> list:
    engine = read_engine()
    if engine is db.engine:
        return db.session.execute(statement, params).all()
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                return conn.execute(statement, params).all()
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    return []


def fetch_public_row(public_id: str) -> tuple | None:
    """The one query behind /v/<id>. On PostgreSQL it goes straight to the driver with the SQL
    compiled once: SQLAlchemy's per-execution work costs more CPU than the query itself."""
    engine = read_engine()
    if engine is db.engine:
        return db.session.execute(BY_PUBLIC_ID, {"public_id": public_id}).first()
    sql, defaults = _compiled_by_public_id(engine)
    for attempt in (1, 2):
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                cursor.execute(sql, {**defaults, "public_id": public_id})
                return cursor.fetchone()
            finally:
                cursor.close()
        except engine.dialect.loaded_dbapi.OperationalError:
            raw.invalidate()  # a dropped connection (database restart): retry on a new one
            if attempt == 2:
                raise
        finally:
            raw.close()
    return None


@lru_cache(maxsize=4)
def _compiled_by_public_id(engine: Engine) -> tuple[str, dict]:
    compiled = BY_PUBLIC_ID.compile(dialect=engine.dialect)
    return str(compiled), dict(compiled.params)


def find_public(public_id: str) -> PublicRecord | None:
    """The signed document behind /v/<public_id>, or None.

    With REDIS_URL set, the Redis read model answers first and PostgreSQL fills it on a miss
    (cache-aside; see readmodel). A malformed id is looked up too (as a dummy), so a miss costs
    the same whatever the input.
    """
    valid = bool(PUBLIC_ID.match(public_id or ""))
    lookup = public_id if valid else _DUMMY_ID
    cached = readmodel.get(lookup)
    if cached is not None:
        return cached if valid else None
    row = fetch_public_row(lookup)
    if row is None or not valid:
        return None
    found = PublicRecord(*row)
    readmodel.put(found)
    return found


def find_by_sha256(*sha256: str) -> PublicRecord | None:
    """The registered document whose signed file has (one of) these SHA-256 fingerprints."""
    rows = _read(BY_SHA256, {"hashes": [h.lower() for h in sha256]})
    return PublicRecord(*rows[0]) if rows else None


def normalise_query(text: str) -> str:
    return " ".join((text or "").split())[:80]


def search_registry(query: str, limit: int = 5) -> list[PublicRecord]:
    """Exact match on certificate or registration number (never a prefix: no listing)."""
    q = normalise_query(query)
    if len(q) < 4:
        return []
    rows = _read(BY_NUMBER, {"wanted": sorted({q, q.upper()}), "limit": limit})
    return [PublicRecord(*row) for row in rows]


@dataclass(frozen=True)
class LicenceHit:
    """One LSP licence from the licensing register (an organisation: no personal data)."""

    name: str
    number: str
    schemes: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None
    status: str  # berlaku / dibekukan / dicabut / kedaluwarsa
    public_id: str | None


def search_licences(query: str, limit: int = 10) -> list[LicenceHit]:
    """LSP licences by LSP name, licence number or scheme, read through the licensing register."""
    from portal.licensing import register

    q = normalise_query(query)
    if len(q) < 4:
        return []
    return [LicenceHit(e.name, e.number, tuple(e.schemes), e.valid_from, e.valid_until, e.status,
                       e.public_id) for e in register.entries(q)[:limit]]


def signed_file_key(public_id: str) -> tuple[str, str] | None:
    """(storage key, suggested filename) of the signed PDF behind a public id."""
    from portal.cases.models import Case, DocumentVersion
    from portal.flows.registry import get_flow

    if not PUBLIC_ID.match(public_id or ""):
        return None
    row = db.session.execute(
        select(DocumentVersion.storage_key, SignatureRequest.doc_type, SignatureRequest.number,
               SignatureRequest.code, Case.flow_code)
        .join(DocumentVersion, DocumentVersion.id == SignatureRequest.signed_version_id)
        .join(Case, Case.id == SignatureRequest.case_id)
        .where(SignatureRequest.public_id == public_id, SignatureRequest.state == SIGNED)
    ).first()
    if row is None:
        return None
    flow = get_flow(row.flow_code)
    if row.code not in flow.document_codes or "public" not in flow.document(row.code).seen_by:
        return None  # verifiable by its QR, but the flow does not publish the document itself
    stem = re.sub(r"[^A-Za-z0-9.-]+", "-", f"{row.doc_type}-{row.number or public_id}").strip("-")
    return row.storage_key, f"{stem}.pdf"


# --- staff operations ------------------------------------------------------------------------

def find_for_staff(query: str) -> list[SignatureRequest]:
    """Signed documents matching a number, registration number or public id exactly."""
    q = normalise_query(query)
    if not q:
        return []
    return list(db.session.scalars(
        select(SignatureRequest)
        .where(SignatureRequest.state == SIGNED)
        .where(or_(SignatureRequest.number == q, SignatureRequest.registration_number == q,
                   SignatureRequest.public_id == q,
                   func.upper(SignatureRequest.number) == q.upper()))
        .order_by(SignatureRequest.signed_at.desc()).limit(20)))


def recently_revoked(limit: int = 20) -> list[SignatureRequest]:
    return list(db.session.scalars(
        select(SignatureRequest).where(SignatureRequest.revoked_at.is_not(None))
        .order_by(SignatureRequest.revoked_at.desc()).limit(limit)))


def get_signed(public_id: str) -> SignatureRequest:
    req = db.session.scalar(select(SignatureRequest).where(
        SignatureRequest.public_id == public_id, SignatureRequest.state == SIGNED))
    if req is None:
        raise VerificationError("Dokumen bertanda tangan tidak ditemukan.")
    return req


def revoke(req: SignatureRequest, *, reason: str, reference: str, actor: User,
           category: str = "keputusan_bnsp", when: datetime | None = None) -> SignatureRequest:
    """Revoke (cabut) a signed certificate, licence or decree; shown by /v/<id> at once."""
    reason, reference = (reason or "").strip(), " ".join((reference or "").split())
    if req.state != SIGNED:
        raise VerificationError("Hanya dokumen yang sudah ditandatangani yang dapat dicabut.")
    if req.doc_type not in REVOCABLE_TYPES:
        raise VerificationError("Hanya sertifikat, sertifikat lisensi, dan surat keputusan yang "
                                "dapat dicabut.")
    if req.revoked_at is not None:
        raise VerificationError("Dokumen ini sudah dicabut.")
    if len(reason) < 5:
        raise VerificationError("Alasan pencabutan wajib diisi.")
    if len(reference) < 3:
        raise VerificationError("Nomor SK pencabutan wajib diisi.")
    if category not in REVOCATION_CATEGORIES["id"]:
        raise VerificationError("Pilih kategori alasan pencabutan yang ditampilkan kepada publik.")
    req.revoked_at = when or utcnow()
    req.revoked_reason = reason[:2000]
    req.revoked_category = category
    req.revoked_reference = reference[:120]
    db.session.flush()
    record("verification.revoke", req, actor=actor, detail={
        "public_id": req.public_id, "number": req.number, "doc_type": req.doc_type,
        "reason": req.revoked_reason, "category": category, "reference": req.revoked_reference})
    return req


def supersede(old: SignatureRequest, new: SignatureRequest, *, actor: User | None) -> None:
    """Mark ``old`` as replaced by ``new`` (e.g. a corrected certificate was issued)."""
    if old.id == new.id:
        raise VerificationError("Dokumen tidak dapat menggantikan dirinya sendiri.")
    if new.state != SIGNED:
        raise VerificationError("Dokumen pengganti belum ditandatangani.")
    old.superseded_by_id = new.id
    db.session.flush()
    record("verification.supersede", old, actor=actor, detail={
        "public_id": old.public_id, "number": old.number, "superseded_by": new.public_id})
