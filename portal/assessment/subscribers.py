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


@signals.document_stored.connect
def _apl02_application_is_also_its_record(case, version, work=None, actor=None, **_) -> None:
    """The submitted APL.02 is both the decree's "Aplikasi" (D12 / D15) and its "Rekaman" (D13 / D16)
    that the MA reviews: the rendered form fills both slots."""
    if not _is_assessor_flow(case) or work is None or version.step_key != "apl02":
        return
    from portal import storage
    from portal.cases.access import flow_of
    from portal.cases.documents import upload_document

    step = flow_of(case).step("apl02")
    if step.form == "apl02" and version.code == step.produces[0] and len(step.produces) > 1:
        upload_document(case, step.produces[1], version.filename, storage.read_bytes(version.storage_key), actor,
                        work=work, note="Rekaman asesmen mandiri (APL.02)", check=False,
                        signature_box=version.signature_box)


@signals.step_closed.connect
def _apl02_validated_only_when_every_element_is_accepted(case, work, forward=False, **_) -> None:
    if not _is_assessor_flow(case) or not forward or work.step_key != "review_apl02":
        return
    from portal.assessment.apl02 import apl02_of, participant_of
    from portal.cases.errors import CaseError

    record = apl02_of(participant_of(work))
    if record is not None and record.status != "diterima":
        raise CaseError("APL.02 ini belum diterima seluruhnya: simpan kajian dengan semua elemen “Sesuai”, atau "
                        "pilih “Kembalikan APL.02” dengan alasannya.", 422)
