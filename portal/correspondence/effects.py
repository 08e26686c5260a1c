"""Effects the mail flows declare: the agenda number of an incoming letter."""
from __future__ import annotations

from portal.cases.signals import on_effect
from portal.cases.timeline import log
from portal.core.dates import to_wib, utcnow
from portal.numbering.services import next_value


@on_effect("assign_agenda_number")
def assign_agenda_number(case, flow, step, actor, **_) -> None:
    if (case.data or {}).get("agenda_number"):
        return
    year = to_wib(case.created_at or utcnow()).year  # the agenda book's year in Jakarta
    number = next_value("agenda", year)
    case.data = {**(case.data or {}), "agenda_number": f"{number:05d}/SM/{year}"}
    log(case, actor, "system", f"Nomor agenda diberikan: {case.data['agenda_number']}", step_key=step.key)
