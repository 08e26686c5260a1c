"""The assessment area's reactions to the case engine's signals (portal/cases/signals.py)."""
from __future__ import annotations

from portal.cases import signals
from portal.flows.registry import get_flow


def _is_assessor_flow(case) -> bool:
    """Flows whose steps run per participant (RCC, ASKOM), read from the flow declaration."""
    return get_flow(case.flow_code).has_participants


@signals.step_closed.connect
def _participants_leave_after_decisions(case, work, forward=False, **_) -> None:
    """After the Koordinator's decision and the MA's recommendation, only participants approved and
    recommended walk on to APL.01 / APL.02 / assessment."""
    if _is_assessor_flow(case) and forward and work.step_key in ("decision", "recommendation"):
        from portal.assessment.decisions import settle_walkers

        settle_walkers(case)


@signals.step_opened.connect
def _unnamed_work_reaches_the_staff(case, work, **_) -> None:
    """A step for the MA named in the SPT opened while nobody is named: the staff who name the MA
    (the role drafting the SPTs) get it in their Kotak Kerja, so the case cannot stall unseen; they
    can name someone there but not act for the MA."""
    if not _is_assessor_flow(case) or work.assignee_id is not None:
        return
    from portal.cases.access import flow_of, role_mask

    flow = flow_of(case)
    if flow.step(work.step_key).named_actor:
        work.role_mask |= role_mask(flow.step("draft_approval").roles)


@signals.step_closed.connect
def _apl02_validated_only_when_every_element_is_accepted(case, work, forward=False, **_) -> None:
    if not _is_assessor_flow(case) or not forward or work.step_key != "review_apl02":
        return
    from portal.assessment.apl01 import participant_of
    from portal.assessment.apl02 import apl02_of
    from portal.cases.errors import CaseError

    record = apl02_of(participant_of(work))
    if record is not None and record.status != "diterima":
        raise CaseError("APL.02 ini belum diterima seluruhnya: simpan kajian dengan semua elemen “Sesuai”, atau "
                        "pilih “Kembalikan APL.02” dengan alasannya.", 422)


@signals.step_closed.connect
def _apl01_validated_only_when_every_requirement_is_met(case, work, forward=False, **_) -> None:
    """ASKOM: the MA Pelatih validates an APL.01 only once every basic requirement is Memenuhi; a
    return (with or without a saved review) reopens the APL.01 for the participant."""
    if not _is_assessor_flow(case) or work.step_key != "review_apl01":
        return
    from portal.assessment.apl01 import apl01_of, participant_of
    from portal.cases.errors import CaseError

    record = apl01_of(participant_of(work))
    if record is None:
        return
    if forward and record.status != "diterima":
        raise CaseError("APL.01 ini belum diterima: simpan kajian dengan semua bukti “Memenuhi”, atau pilih "
                        "“Kembalikan APL.01” dengan alasannya.", 422)
    if not forward and work.action_key and record.status == "diajukan":
        record.status = "dikembalikan"
