"""Worker tasks of the outbox: deliver after each commit that queued mail, and sweep every minute
for retries and for anything a stopped worker left behind."""
from __future__ import annotations

from huey import crontab

from portal.tasks import app_context, huey


@huey.task()
def deliver_mail_task() -> int:
    from portal.mail.outbox import deliver_pending

    with app_context():
        return deliver_pending()


@huey.periodic_task(crontab(minute="*"))
def sweep_mail_outbox() -> int:
    from portal.mail.outbox import deliver_pending

    with app_context():
        return deliver_pending()
