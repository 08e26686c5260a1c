"""Each of the six flows driven from its start to its end through the case engine."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.cases import engine
from portal.cases.models import CaseEvent, DocumentVersion, WorkItem
from portal.flows.registry import FLOWS
from werkzeug.datastructures import MultiDict

from portal.licensing import lks
from tests.factories import Cast, actor_for, drive, sample_pdf

PARTICIPANTS = ["Budi Santoso", "Siti Rahmawati"]


def _open(flow_code, cast, participants=None, **extra):
    if flow_code in ("RCC", "ASKOM"):
        from tests.assessment_data import open_assessor_case

        return open_assessor_case(flow_code, cast, len(participants or PARTICIPANTS),
                                  offset=2 if participants == ["Orang Lain"] else 0)
    organisation = cast.organisation if flow_code in ("LIS",) else None
    # A member's letter (SKA) is opened by the member who signs it; other mail by PHU.
    opener = cast.user("lsp") if organisation else cast.user("anggota" if flow_code == "SKA" else "phu")
    return engine.open_case(flow_code, opener, f"Uji alur {flow_code}", organisation=organisation, **extra)


@pytest.mark.parametrize("flow_code", list(FLOWS))
def test_each_flow_runs_from_start_to_end(db, flow_code):
    cast = Cast()
    case = _open(flow_code, cast, participants=PARTICIPANTS if flow_code in ("RCC", "ASKOM") else None)
    db.session.commit()
    assert case.number.startswith(f"{FLOWS[flow_code].number_prefix}-")
    walked = drive(case, cast)
    assert case.state == "selesai" and case.outcome == "END_OK"
    assert walked[0] == FLOWS[flow_code].steps[0].key
    assert not db.session.scalars(select(WorkItem).where(WorkItem.case_id == case.id,
                                                         WorkItem.state == "open")).all()
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert len(events) >= len(walked)


def test_rcc_approval_creates_participant_accounts_and_certificates(db):
    cast = Cast()
    case = _open("RCC", cast, participants=PARTICIPANTS)
    drive(case, cast)
    users = [item.user for item in case.items]
    assert all(u is not None and u.role_codes == {"peserta"} for u in users)
    certificates = db.session.scalars(select(DocumentVersion).where(
        DocumentVersion.case_id == case.id, DocumentVersion.code == "D23")).all()
    assert {c.item_key for c in certificates} == {f"item:{i.id}" for i in case.items}
    assert all(c.size > 1000 for c in certificates)


def test_rcc_rejection_ends_rejected(db):
    cast = Cast()
    case = _open("RCC", cast, participants=PARTICIPANTS)
    drive(case, cast, choose=lambda step: "reject" if step == "decision" else None)
    assert case.state == "ditolak"


def test_lisensi_rejection_in_pleno_ends_rejected_after_the_signed_notice(db):
    cast = Cast()
    case = _open("LIS", cast)
    walked = drive(case, cast, choose=lambda step: "reject" if step == "pleno" else None)
    assert case.state == "ditolak"
    assert walked[-2:] == ["draft_rejection", "sign_rejection"]


def test_lisensi_lks_findings_each_walk_correction_and_verification(db):
    cast = Cast()
    case = _open("LIS", cast)
    added = []

    def add_findings(case, work):
        if work.step_key == "full_assessment" and not added:
            assessor = actor_for(case, work, cast)
            for acuan, text in (("PBNSP 201 Klausul 5.1", "Skema belum diverifikasi"),
                                ("PBNSP 202 Klausul 4.3.1", "Dokumen mutu belum disahkan")):
                added.append(lks.add_finding(case, MultiDict({"acuan": acuan, "finding": text, "category": "minor",
                                                              "evidence": "Dokumen mutu v1"}), assessor))
            return True
        return False

    walked = drive(case, cast, before=add_findings)
    assert case.state == "selesai"
    assert walked.count("lks_correction") == 2 and walked.count("lks_verification") == 2
    assert all(finding.case_item.position == "ITEM_DONE" for finding in added)


def test_action_refused_without_required_documents(db):
    cast = Cast()
    case = _open("LIS", cast)
    work = engine.open_work(case)[0]
    with pytest.raises(engine.CaseError) as refused:
        engine.act(case, work.id, "submit", cast.user("lsp"))
    assert "belum tersedia" in refused.value.message and refused.value.status == 422


def test_action_refused_for_a_role_that_does_not_act_here(db):
    cast = Cast()
    case = _open("LIS", cast)
    work = engine.open_work(case)[0]
    with pytest.raises(engine.CaseError) as refused:
        engine.act(case, work.id, "submit", cast.user("kasek"))
    assert refused.value.status == 403


def test_another_organisation_cannot_act_or_see(db):
    cast = Cast()
    case = _open("LIS", cast)
    other_cast = Cast()
    stranger = other_cast.user("lsp")
    work = engine.open_work(case)[0]
    engine.upload_document(case, "D1", "D1.pdf", sample_pdf(), cast.user("lsp"), work=work)
    assert not engine.can_view(stranger, case)
    with pytest.raises(engine.CaseError) as refused:
        engine.act(case, work.id, "submit", stranger)
    assert refused.value.status == 403


def test_replayed_action_is_refused_and_changes_nothing(db):
    cast = Cast()
    case = _open("LIS", cast)
    work = engine.open_work(case)[0]
    engine.upload_document(case, "D1", "D1.pdf", sample_pdf(), cast.user("lsp"), work=work)
    version = case.version
    engine.act(case, work.id, "submit", cast.user("lsp"), expected_version=version)
    db.session.commit()
    active = list(case.active_steps)
    with pytest.raises(engine.CaseError) as replay:
        engine.act(case, work.id, "submit", cast.user("lsp"), expected_version=version)
    assert replay.value.status == 409
    assert case.active_steps == active


def test_return_for_correction_needs_a_reason_and_keeps_versions(db):
    cast = Cast()
    case = _open("LIS", cast)
    lsp = cast.user("lsp")
    work = engine.open_work(case)[0]
    engine.upload_document(case, "D1", "D1.pdf", sample_pdf(), lsp, work=work)
    engine.act(case, work.id, "submit", lsp)
    check = engine.open_work(case)[0]
    returning = next(t for t in engine.flow_of(case).step(check.step_key).transitions if t.kind == "return")
    with pytest.raises(engine.CaseError) as no_reason:
        engine.act(case, check.id, returning.key, cast.user("cs"))
    assert "Alasan wajib diisi" in no_reason.value.message
    engine.act(case, check.id, returning.key, cast.user("cs"), reason="Akta pendirian belum dilampirkan")
    again = engine.open_work(case)[0]
    assert again.step_key == engine.flow_of(case).steps[0].key
    engine.upload_document(case, "D1", "D1-perbaikan.pdf", sample_pdf(), lsp, work=again)
    versions = db.session.scalars(select(DocumentVersion.version).where(
        DocumentVersion.case_id == case.id, DocumentVersion.code == "D1")).all()
    assert sorted(versions) == [1, 2]


def test_withdraw_by_applicant_ends_the_case(db):
    cast = Cast()
    case = _open("RCC", cast, participants=PARTICIPANTS)
    work = engine.open_work(case)[0]
    engine.act(case, work.id, "withdraw", cast.user("lsp"), reason="Jadwal berubah")
    assert case.state == "ditarik" and engine.open_work(case) == []


def test_uploads_are_checked_by_content(db):
    cast = Cast()
    case = _open("LIS", cast)
    work = engine.open_work(case)[0]
    lsp = cast.user("lsp")
    for data, message in [
        (b"PK\x03\x04 zip file pretending", "bukan PDF"),
        (b"%PDF-1.7\n garbage without structure", "rusak"),
        (b"", "kosong"),
    ]:
        with pytest.raises(engine.CaseError) as refused:
            engine.upload_document(case, "D1", "x.pdf", data, lsp, work=work)
        assert message in refused.value.message
    assert db.session.scalars(select(DocumentVersion).where(DocumentVersion.case_id == case.id)).all() == []


def test_case_numbers_run_per_flow_and_year(db):
    cast = Cast()
    first = _open("LIS", cast)
    second = _open("LIS", cast)
    other = _open("RCC", cast, participants=PARTICIPANTS)
    assert first.number.endswith("-00001") and second.number.endswith("-00002")
    assert other.number.endswith("-00001")


def test_peserta_sees_only_cases_naming_them(db):
    cast = Cast()
    case = _open("RCC", cast, participants=PARTICIPANTS)
    drive(case, cast)
    peserta = case.items[0].user
    assert not engine.can_view(peserta, case)  # not yet activated: cannot log in at all
    from portal.assessment.activation import activate, activation_link

    activate(activation_link(peserta).rsplit("/", 1)[1], "kata-sandi-sendiri", "kata-sandi-sendiri")
    assert engine.can_view(peserta, case)
    other = _open("RCC", cast, participants=["Orang Lain"])
    assert not engine.can_view(peserta, other)
    assert isinstance(peserta, User)


def test_a_secretariat_draft_returned_for_correction_goes_back_to_its_drafter(db):
    from tests.conftest import make_user

    drafter = make_user("pengonsep_a", ["staf_lisensi"])
    colleague = make_user("pengonsep_b", ["staf_lisensi"])
    kabag = make_user("kabag_uji", ["kabag"])
    case = engine.open_case("SKS", drafter, "Undangan rapat koordinasi")
    work = engine.open_work(case)[0]
    assert work.assignee_id == drafter.id
    engine.upload_document(case, "KONSEP", "konsep.pdf", sample_pdf(), drafter, work=work)
    engine.act(case, work.id, "submit", drafter)
    review = engine.open_work(case)[0]
    engine.act(case, review.id, "return", kabag, reason="Perbaiki daftar undangan")
    back = engine.open_work(case)[0]
    assert back.step_key == "konsep" and back.assignee_id == drafter.id
    assert not engine.may_act_on(colleague, case, back)
