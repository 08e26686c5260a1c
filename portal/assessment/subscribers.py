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


@signals.step_opened.connect
def _unnamed_work_reaches_the_staff(case, work, **_) -> None:
    """A step for the MA named in the SPT opened while nobody is named: the staff who name the MA
    (the role drafting the SPTs) get it in their Kotak Kerja, so the case cannot stall unseen; they
    can name someone there but not act for the MA."""
    if case.flow_code not in ASSESSOR_FLOWS or work.assignee_id is not None:
        return
    from portal.cases.access import flow_of, role_mask

    flow = flow_of(case)
    if flow.step(work.step_key).named_actor:
        work.role_mask |= role_mask(flow.step("draft_approval").roles)
