"""The flow files declare every document completely (kind, template, series, signer, who may see it),
the app refuses incomplete or contradictory declarations, and each external role downloads exactly
the documents declared visible to it."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.accounts.services import hash_password
from portal.cases import engine
from portal.cases.drafts import TEMPLATES
from portal.cases.models import DocumentVersion
from portal.flows.definition import SIGNED_KINDS, DocKind
from portal.flows.registry import FLOWS
from portal.flows.validation import FlowDefinitionError, check_references, validate_flow
from portal.numbering.formats import SERIES
from tests.conftest import TEST_PASSWORD, login, make_organisation, make_user
from tests.factories import Cast, drive


@pytest.mark.parametrize("flow_code", list(FLOWS))
def test_every_document_a_step_drafts_signs_numbers_or_records_is_declared_completely(flow_code):
    flow = FLOWS[flow_code]
    for step in flow.steps:
        for code in step.signs:
            document = flow.document(code)
            assert document.kind in SIGNED_KINDS and document.signer, (flow.code, code)
            assert document.draft in (*step.requires, *step.produces), (flow.code, code)
            draft = flow.document(document.draft)
            assert draft.kind == document.kind, f"{flow.code} {code}: its draft {draft.code} is another kind"
        for code in step.numbers:
            assert flow.document(code).series in SERIES, (flow.code, code)
        recorded = [c for t in step.transitions for c in t.produces]
        for code in recorded:
            assert flow.document(code).kind is DocKind.FORM_RECORD, (flow.code, code)
        for code in (*step.produces, *step.requires, *recorded):
            document = flow.document(code)
            assert document.title and document.short_name, (flow.code, code)
            if document.template:
                assert document.template in TEMPLATES, (flow.code, code)


def test_every_signed_document_says_who_outside_the_agency_receives_it():
    for flow in FLOWS.values():
        for document in flow.documents:
            if document.signed and document.kind is not DocKind.UNDANGAN:
                assert "public" in document.seen_by, f"{flow.code} {document.code} cannot be verified by QR"


def test_a_signed_document_without_signer_or_draft_stops_the_flow_from_loading():
    flow = FLOWS["RCC"]
    broken = tuple(replace(d, signer=None) if d.code == "D7 A" else d for d in flow.documents)
    with pytest.raises(FlowDefinitionError, match="D7 A"):
        validate_flow(replace(flow, documents=broken))
    no_draft = tuple(replace(d, draft=None) if d.code == "D22" else d for d in flow.documents)
    with pytest.raises(FlowDefinitionError, match="D22"):
        validate_flow(replace(flow, documents=no_draft))
    upload_with_series = tuple(replace(d, series="letter") if d.code == "D1" else d for d in flow.documents)
    with pytest.raises(FlowDefinitionError, match="D1"):
        validate_flow(replace(flow, documents=upload_with_series))


def test_unknown_template_series_or_effect_handler_is_refused_at_start_up():
    flow = FLOWS["LIS"]
    names = dict(templates=TEMPLATES, series=SERIES, effects={e for s in flow.steps for e in s.effects})
    check_references([flow], **names)  # the real declarations pass
    missing_template = tuple(replace(d, template="tidak_ada") if d.code == "D3" else d for d in flow.documents)
    with pytest.raises(FlowDefinitionError, match="template 'tidak_ada'"):
        check_references([replace(flow, documents=missing_template)], **names)
    missing_series = tuple(replace(d, series="tidak_ada") if d.code == "D23c" else d for d in flow.documents)
    with pytest.raises(FlowDefinitionError, match="number series 'tidak_ada'"):
        check_references([replace(flow, documents=missing_series)], **names)
    with pytest.raises(FlowDefinitionError, match="effect 'issue_access_code' has no handler"):
        check_references([flow], **{**names, "effects": set()})


def test_the_case_engine_does_not_import_signing():
    root = Path(__file__).resolve().parent.parent / "portal" / "cases"
    offenders = [str(path.name) for path in root.glob("*.py")
                 if re.search(r"^\s*(from|import)\s+portal\.signing", path.read_text(), re.M)]
    assert offenders == []


# --- who downloads what --------------------------------------------------------------------------------

def _peserta_login(app, item):
    item.user.password_hash = hash_password(TEST_PASSWORD)
    from portal.extensions import db

    db.session.commit()
    client = app.test_client()
    login(client, item.user.username)
    return client


def test_each_external_role_downloads_exactly_the_documents_declared_visible_to_it(app, db):
    cast = Cast(make_organisation("LSP Pemohon Satu"))
    case = engine.open_case("RCC", cast.user("lsp"), "RCC dua peserta", organisation=cast.organisation,
                            participants=["Budi Santoso", "Siti Rahmawati"])
    db.session.commit()
    drive(case, cast)
    assert case.state == "selesai"
    budi, siti = sorted((i for i in case.items), key=lambda i: i.label)
    flow = FLOWS["RCC"]
    other_org = make_organisation("LSP Lain")
    stranger_lsp = make_user("lsp_lain", ["lsp"], organisation=other_org)
    unnamed_ma = make_user("ma_lain", ["ma_penguji"])
    clients = {"lsp": app.test_client(), "lsp_lain": app.test_client(), "ma": app.test_client(),
               "ma_lain": app.test_client()}
    login(clients["lsp"], cast.user("lsp").username)
    login(clients["lsp_lain"], stranger_lsp.username)
    login(clients["ma"], cast.user("ma_penguji").username)
    login(clients["ma_lain"], unnamed_ma.username)
    clients["budi"], clients["siti"] = _peserta_login(app, budi), _peserta_login(app, siti)

    def expected(who, version) -> bool:
        seen = flow.document(version.code).seen_by
        owner = {f"item:{budi.id}": "budi", f"item:{siti.id}": "siti"}.get(version.item_key)
        if who == "lsp":
            return "applicant" in seen or version.uploaded_by_id == cast.user("lsp").id
        if who in ("budi", "siti"):
            return "participant" in seen and owner in (None, who)
        if who == "ma":
            return "assigned" in seen or version.uploaded_by_id == cast.user("ma_penguji").id
        return False  # another organisation's LSP, an MA not named on this case

    versions = db.session.scalars(select(DocumentVersion).where(DocumentVersion.case_id == case.id)).all()
    assert len({v.code for v in versions}) >= 20
    seen_by_whom = {who: set() for who in clients}
    for version in versions:
        for who, client in clients.items():
            response = client.get(f"/kasus/{case.number}/dokumen/{version.id}")
            response.close()
            want = expected(who, version)
            assert response.status_code == (200 if want else 404), (who, version.code, version.item_key)
            if want:
                seen_by_whom[who].add((version.code, version.item_key))
    # What a person would notice: the LSP never gets the pleno minutes or the draft SK, a participant
    # gets their own APL.01 and nobody else's, and an MA not named on the case gets nothing.
    assert ("D7 A", "") in seen_by_whom["lsp"] and ("D22", "") in seen_by_whom["lsp"]
    assert not {code for code, _ in seen_by_whom["lsp"]} & {"D19", "D20", "D21", "D5 A", "D6 B"}
    assert ("D11", f"item:{budi.id}") in seen_by_whom["budi"]
    assert ("D11", f"item:{siti.id}") not in seen_by_whom["budi"]
    assert not {code for code, _ in seen_by_whom["budi"]} & {"D20", "D22", "D23", "D7 A"}
    assert seen_by_whom["lsp_lain"] == set() and seen_by_whom["ma_lain"] == set()
    assert ("D13", f"item:{siti.id}") in seen_by_whom["ma"]
