"""Checkpoints of the audit chain's head, kept outside the audit table: a signed line appended to
``AUDIT_CHECKPOINT_DIR/checkpoints.jsonl`` (default: the storage area) and written to the log.
Deleting the newest rows (truncation) or editing a row and recomputing every later hash
(wholesale re-hashing) leaves the chain self-consistent, but no longer matches a checkpoint.

Run ``flask --app wsgi audit-checkpoint`` regularly (e.g. hourly from a timer); ``audit-verify``
checks the chain and every checkpoint.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from flask import current_app
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.core.dates import utcnow
from portal.extensions import db

log = logging.getLogger("portal.audit.checkpoint")
FILENAME = "checkpoints.jsonl"
_DOMAIN = "bnsp-audit-checkpoint|1"


@dataclass(frozen=True)
class Checkpoint:
    entry_id: int
    entry_hash: str
    count: int
    at: str
    kid: str
    signature: str

    def message(self) -> bytes:
        return "|".join((_DOMAIN, str(self.entry_id), self.entry_hash, str(self.count), self.at,
                         self.kid)).encode()


def _path() -> Path:
    folder = current_app.config.get("AUDIT_CHECKPOINT_DIR") or os.path.join(
        current_app.config["STORAGE_DIR"], "audit-checkpoints")
    return Path(folder) / FILENAME


def write_checkpoint() -> Checkpoint | None:
    """Sign the current head of the chain and append it (None while the trail is empty)."""
    from portal.verification.offline import b64url, signing_key

    head = db.session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    if head is None:
        return None
    count = db.session.scalar(select(func.count(AuditEntry.id))) or 0
    key = signing_key()
    unsigned = Checkpoint(head.id, head.entry_hash, count, utcnow().isoformat(), key.key_id, "")
    checkpoint = Checkpoint(**{**unsigned.__dict__, "signature": b64url(key.private.sign(unsigned.message()))})
    line = json.dumps(checkpoint.__dict__, sort_keys=True)
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    log.info("audit checkpoint %s", line)  # the daily log keeps a second copy
    return checkpoint


def read_checkpoints() -> list[tuple[int, Checkpoint | None]]:
    """(line number, checkpoint) for every line of the file; None where a line is unreadable."""
    path = _path()
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            found.append((number, Checkpoint(**json.loads(line))))
        except (ValueError, TypeError):
            found.append((number, None))
    return found


def checkpoint_breaks() -> list[tuple[int | None, str]]:
    """(entry id, reason) for every checkpoint the trail no longer matches."""
    from portal.verification.offline import b64url_decode, signing_key

    key = signing_key()
    public = key.private.public_key()
    breaks = []
    for number, checkpoint in read_checkpoints():
        if checkpoint is None:
            breaks.append((None, f"checkpoint line {number} is unreadable"))
            continue
        try:
            if checkpoint.kid != key.key_id:
                raise InvalidSignature
            public.verify(b64url_decode(checkpoint.signature), checkpoint.message())
        except (InvalidSignature, ValueError):
            breaks.append((checkpoint.entry_id, f"checkpoint line {number} has no valid signature of this server"))
            continue
        stored = db.session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == checkpoint.entry_id))
        if stored is None:
            breaks.append((checkpoint.entry_id, f"entry {checkpoint.entry_id} of the checkpoint of "
                                                f"{checkpoint.at} is gone: the trail was truncated"))
        elif stored != checkpoint.entry_hash:
            breaks.append((checkpoint.entry_id, f"entry {checkpoint.entry_id} no longer has the hash "
                                                f"checkpointed at {checkpoint.at}: the trail was rewritten"))
    return breaks
