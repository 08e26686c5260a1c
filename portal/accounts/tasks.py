"""Worker task of the accounts: remove login sessions that can no longer be used (logged out,
ended by a password change, or older than SESSION_MAX_HOURS), every night at 02.30 WIB."""
from __future__ import annotations

from huey import crontab

from portal.tasks import app_context, huey


@huey.periodic_task(crontab(minute="30", hour="19"))
def prune_sessions() -> int:
    from portal.accounts.sessions import prune_expired
    from portal.extensions import db

    with app_context():
        removed = prune_expired()
        db.session.commit()
        return removed
