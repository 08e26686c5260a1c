"""Worker task of the audit trail: a signed checkpoint of the chain's head every hour (minute 5),
so a truncation or a wholesale re-hash is caught by `audit-verify` (portal.audit.anchor).
Several workers each write one: an extra checkpoint of the same head is harmless."""
from __future__ import annotations

from huey import crontab

from portal.tasks import app_context, huey


@huey.periodic_task(crontab(minute="5"))
def audit_checkpoint() -> int | None:
    """The checkpointed entry id (None while the trail is empty)."""
    from portal.audit.anchor import write_checkpoint

    with app_context():
        checkpoint = write_checkpoint()
        return checkpoint.entry_id if checkpoint is not None else None
