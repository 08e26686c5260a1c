"""The assessment area's reactions to the case engine's signals (portal/cases/signals.py)."""
from __future__ import annotations

from portal.cases import signals

ASSESSOR_FLOWS = ("RCC", "ASKOM")


@signals.step_closed.connect
def _participants_leave_after_decisions(case, work, forward=False, **_) -> None:
    """After the Koordinator's decision and the MA's recommendation, only participants approved and
    recommended walk on to APL.01 / APL.02 / assessment."""
    if case.flow_code in ASSESSOR_FLOWS and forward and work.step_key in ("decision", "recommendation"):
        from portal.assessment.decisions import settle_walkers

        settle_walkers(case)
