"""Worker task of the case engine: the flows' declared timers, run every 30 minutes."""
from __future__ import annotations

from huey import crontab

from portal.tasks import app_context, huey


@huey.periodic_task(crontab(minute="*/30"))
def run_flow_timers() -> int:
    from portal.cases.timers import run_timers
    from portal.extensions import db

    with app_context():
        fired = run_timers()
        db.session.commit()
        return len(fired)
