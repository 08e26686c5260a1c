"""SLA reminders and escalation, run by a periodic worker task on working days only: on the morning
a step is due its holders are reminded; once it is late, its holders and the step's supervising role
(`Step.supervisor` in the flow file) are told. At most once per work item per working day
(ReminderLog), however often the task runs."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from portal.calendar.services import work_calendar
from portal.cases.models import Case, WorkItem
from portal.core.dates import WIB, to_wib, utcnow
from portal.extensions import db
from portal.flows.registry import get_flow
from portal.notifications import messages
from portal.notifications.models import ReminderLog
from portal.notifications.recipients import holders_of, role_holders
from portal.notifications.services import notify


def send_reminders(now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Remind and escalate; returns (case number, step key, "due"|"late") for every item told."""
    now = now or utcnow()
    today = to_wib(now).date()
    if not work_calendar().is_working_day(today):
        return []
    end_of_today = datetime.combine(today, time(23, 59, 59), tzinfo=WIB)
    already = select(ReminderLog.work_item_id).where(ReminderLog.day == today)
    items = db.session.scalars(
        select(WorkItem).join(Case, Case.id == WorkItem.case_id)
        .where(WorkItem.state == "open", Case.state == "berjalan", WorkItem.due_at.is_not(None),
               WorkItem.due_at <= end_of_today, WorkItem.id.not_in(already))
        .order_by(WorkItem.due_at, WorkItem.id)).all()
    told = []
    for work in items:
        late = work.due_at < now
        recipients = _remind(work, late, now)
        db.session.add(ReminderLog(work_item_id=work.id, day=today, kind="late" if late else "due",
                                   recipients=recipients, sent_at=now))
        told.append((work.case.number, work.step_key, "late" if late else "due"))
    db.session.flush()
    return told


def _remind(work: WorkItem, late: bool, now: datetime) -> int:
    case = work.case
    step = get_flow(case.flow_code).step(work.step_key)
    holders = holders_of(case, work)
    title, body = messages.reminder(case, work, late)
    for user in holders:
        notify(user, "terlambat" if late else "jatuh_tempo", title, body, case=case, work=work,
               due_at=work.due_at, now=now)
    count = len(holders)
    if late and step.supervisor:
        title, body = messages.reminder(case, work, late, for_supervisor=True)
        for user in role_holders(step.supervisor):
            if user.id not in {holder.id for holder in holders}:
                notify(user, "eskalasi", title, body, case=case, work=work, due_at=work.due_at, now=now)
                count += 1
    return count
