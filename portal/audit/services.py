"""Writing and verifying the hash-chained audit trail."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timezone

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, text

from portal.audit.models import AuditEntry
from portal.core.dates import utcnow
from portal.core.transaction_info import forget_at_transaction_end
from portal.extensions import db

GENESIS_HASH = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    at = entry.at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = [
        entry.id, at, entry.actor_id, entry.actor_name, entry.action, entry.object_type,
        entry.object_id, entry.ip_address, entry.detail or {}, entry.prev_hash,
    ]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


HEAD = "audit_chain_head"


def _lock_chain() -> None:
    # Two transactions appending at once would both link to the same previous row.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(815001)"))


def _chain_head() -> tuple[int, str] | None:
    """The last entry's id and hash. Read once per transaction (under the chain lock, which the
    transaction then holds); later entries of the same transaction link to the one added before."""
    session = db.session()
    if HEAD in session.info:
        return session.info[HEAD]
    _lock_chain()
    session.flush()
    last = session.execute(select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (last.id, last.entry_hash) if last else None


# Committed, rolled back or a savepoint ended: the next entry reads the head again.
forget_at_transaction_end(HEAD)


def record(action: str, obj=None, *, object_type: str | None = None, object_id=None,
           detail: dict | None = None, actor=None) -> AuditEntry:
    """Append an entry in the current transaction (the request's single commit persists it)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    last = _chain_head()
    entry = AuditEntry(
        id=(last[0] + 1) if last else 1,
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        ip_address=request.remote_addr if has_request_context() else None,
        detail=detail or {},
        prev_hash=last[1] if last else GENESIS_HASH,
    )
    entry.entry_hash = compute_hash(entry)
    db.session.add(entry)
    db.session.info[HEAD] = (entry.id, entry.entry_hash)
    return entry


@dataclass
class ChainReport:
    checked: int
    breaks: list[tuple[int | None, str]] = field(default_factory=list)  # (entry id, reason), all

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def broken_at(self) -> int | None:
        return self.breaks[0][0] if self.breaks else None

    @property
    def reason(self) -> str | None:
        return self.breaks[0][1] if self.breaks else None


def verify_chain() -> ChainReport:
    """Check every link and every row, and the chain head against the signed checkpoints kept
    outside the table; every break is listed, not only the first."""
    from portal.audit.anchor import checkpoint_breaks

    prev_hash, expected_id, checked, breaks = GENESIS_HASH, 1, 0, []
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows:
        if entry.id != expected_id:
            missing = f"entry {expected_id}" if entry.id == expected_id + 1 else \
                f"entries {expected_id}–{entry.id - 1}"
            breaks.append((expected_id, f"{missing} missing"))
        elif entry.prev_hash != prev_hash:
            breaks.append((entry.id, "link to the previous entry does not match"))
        if compute_hash(entry) != entry.entry_hash:
            breaks.append((entry.id, "entry content was altered"))
        prev_hash, expected_id, checked = entry.entry_hash, entry.id + 1, checked + 1
    breaks += checkpoint_breaks()
    return ChainReport(checked, breaks)


def recent_entries(limit: int = 100) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


def entries_for(object_type: str, object_id) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id)
    ))


