"""The case timeline: append-only lines anyone who may see the case reads (who did what, when)."""
from __future__ import annotations

from datetime import datetime

from portal.cases.models import Case, CaseEvent, CaseItem, DocumentVersion
from portal.core.dates import utcnow
from portal.extensions import db


def log(case: Case, actor, kind: str, label: str, *, step_key: str | None = None,
        item: CaseItem | None = None, action_key: str | None = None, reason: str | None = None,
        document: DocumentVersion | None = None, now: datetime | None = None) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=now or utcnow(), actor_id=actor.id if actor else None, kind=kind,
                      step_key=step_key, item_id=item.id if item else None, action_key=action_key,
                      label=label[:300], reason=reason, document_version_id=document.id if document else None)
    db.session.add(event)
    return event


def note(case: Case, actor, label: str, *, step_key: str | None = None, now: datetime | None = None) -> CaseEvent:
    """Add a line to the case timeline (e.g. "Nomor surat diberikan: …")."""
    return log(case, actor, "system", label, step_key=step_key, now=now)
