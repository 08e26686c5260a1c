"""Facts kept in ``session.info`` for one transaction only (the audit chain's head, the letters
already marked stale): forgotten when it commits or rolls back, or a savepoint inside it ends."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session


def forget_at_transaction_end(key: str) -> None:
    """Drop ``session.info[key]`` whenever a transaction or savepoint ends (a flush's own
    subtransaction changes nothing)."""

    @event.listens_for(Session, "after_transaction_end")
    def _forget(session: Session, transaction) -> None:
        if transaction.parent is None or transaction.nested:
            session.info.pop(key, None)
