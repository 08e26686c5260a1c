"""Worker tasks of notifications (times in UTC; WIB = UTC+7): SLA reminders at 06.45 WIB, the
e-mail digest at 07.00 WIB (both do nothing on weekends and holidays), the 90-day cleanup at night."""
from __future__ import annotations

from huey import crontab

from portal.tasks import app_context, huey


@huey.periodic_task(crontab(minute="45", hour="23"))
def sla_reminders() -> int:
    from portal.extensions import db
    from portal.notifications.reminders import send_reminders

    with app_context():
        told = send_reminders()
        db.session.commit()
        return len(told)


@huey.periodic_task(crontab(minute="0", hour="0"))
def daily_digest() -> int:
    from portal.extensions import db
    from portal.notifications.services import send_digests

    with app_context():
        sent = send_digests()
        db.session.commit()
        return sent


@huey.periodic_task(crontab(minute="15", hour="19"))
def cleanup_notifications() -> int:
    from portal.extensions import db
    from portal.notifications.services import cleanup

    with app_context():
        removed = cleanup()
        db.session.commit()
        return removed
