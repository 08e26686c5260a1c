"""Object-level access: who may name whom on a case (declared in portal/cases/assignment_rules.py,
the signer rule of outgoing letters included), real objects of two organisations and two
participants walked through the case routes, and list pages that filter and count in SQL."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.cases import engine
from portal.cases.models import Case, WorkItem
from portal.cases.services import cases_for
from tests.conftest import login, make_organisation, make_user
from tests.factories import sample_pdf


@pytest.fixture()
def world(app, db):
    """Two LSPs with a licence case each, two RCC cases with one participant each, a named MA
    Penguji on organisation A's RCC case, and internal staff."""
    w = {}
    for key in ("a", "b"):
        org = make_organisation(f"LSP {key.upper()}")
        w[f"lsp_{key}"] = make_user(f"lsp_{key}", ["lsp"], organisation=org)
        w[f"lis_{key}"] = engine.open_case("LIS", w[f"lsp_{key}"], f"Lisensi {key}", organisation=org)
        w[f"rcc_{key}"] = engine.open_case("RCC", w[f"lsp_{key}"], f"RCC {key}", organisation=org,
                                           participants=[f"Peserta {key.upper()}"])
        w[f"peserta_{key}"] = make_user(f"peserta_{key}", ["peserta"])
        w[f"rcc_{key}"].items[0].user = w[f"peserta_{key}"]
    for role in ("ma_penguji", "asesor_lisensi", "cs", "kasek", "staf_sertifikasi", "admin"):
        w[role] = make_user(f"obj_{role}", [role])
    engine.assign(w["rcc_a"], "spt_ma_penguji", w["ma_penguji"], w["staf_sertifikasi"])
    db.session.commit()
    return w


# who -> the cases they may open (everyone else gets 404 on them)
EXPECTED = {
    "lsp_a": {"lis_a", "rcc_a"}, "lsp_b": {"lis_b", "rcc_b"},
    "peserta_a": {"rcc_a"}, "peserta_b": {"rcc_b"},
    "ma_penguji": {"rcc_a"}, "asesor_lisensi": set(),
    "cs": {"lis_a", "lis_b", "rcc_a", "rcc_b"}, "kasek": {"lis_a", "lis_b", "rcc_a", "rcc_b"},
}
CASES = ("lis_a", "lis_b", "rcc_a", "rcc_b")
# D1 (the request) is declared visible to the applicant; internal staff see every document.
SEES_D1 = {"lsp_a", "lsp_b", "cs", "kasek"}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_case_routes_with_real_objects_of_two_organisations(app, db, world, who):
    """Every case route, called by a user of each kind on real cases of both organisations."""
    versions = {key: engine.upload_document(world[key], "D1", "d1.pdf", sample_pdf(), world["admin"], check=False)
                for key in CASES}
    db.session.commit()
    client = app.test_client()
    login(client, world[who].username)
    for key in CASES:
        case, allowed = world[key], key in EXPECTED[who]
        work = db.session.scalar(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open"))
        page = client.get(f"/kasus/{case.number}")
        assert page.status_code == (200 if allowed else 404), (who, key, page.status_code)
        with client.get(f"/kasus/{case.number}/dokumen/{versions[key].id}") as download:
            expected = 200 if allowed and who in SEES_D1 else 404
            assert download.status_code == expected, (who, key, download.status_code)
        if allowed:
            continue
        # Changes to a case one may not see are refused without revealing it.
        for path, data in ((f"/kasus/{case.number}/kerja/{work.id}/unggah",
                            {"code": "D1", "file": (io.BytesIO(sample_pdf()), "x.pdf")}),
                           (f"/kasus/{case.number}/kerja/{work.id}/tindakan", {"transition": "submit"}),
                           (f"/kasus/{case.number}/tugaskan", {"slot": "spt_ma_penguji", "user_id": world["ma_penguji"].id})):
            response = client.post(path, data=data, content_type="multipart/form-data")
            assert response.status_code in (403, 404), (who, key, path, response.status_code)
    db.session.expire_all()
    assert engine.assignees(db.session.get(Case, world["rcc_b"].id), "spt_ma_penguji") == []


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_case_list_shows_and_counts_exactly_what_the_user_may_open(app, db, world, who):
    page = cases_for(world[who])
    assert {c.number for c in page.items} == {world[k].number for k in EXPECTED[who]}
    assert page.total == len(EXPECTED[who])


def test_an_assessors_first_page_is_not_empty_and_counts_only_their_cases(app, db, world):
    org = make_organisation("LSP Ramai")
    lsp = make_user("lsp_ramai", ["lsp"], organisation=org)
    for i in range(30):  # newer than the MA's case: they filled the first page before
        engine.open_case("RCC", lsp, f"RCC ramai {i}", organisation=org)
    db.session.commit()
    ma = app.test_client()
    login(ma, world["ma_penguji"].username)
    assert world["rcc_a"].number in ma.get("/kasus").get_data(as_text=True)
    page = cases_for(world["ma_penguji"])
    assert [c.number for c in page.items] == [world["rcc_a"].number] and page.total == 1


# --- who may name whom ---------------------------------------------------------------------------

def _secretariat_letter(app, db):
    staf = make_user("pengonsep_sks", ["staf_sertifikasi"])
    kasek = make_user("kasek_sks", ["kasek"])
    ketua = make_user("ketua_sks", ["ketua"])
    client = app.test_client()
    login(client, staf.username)
    created = client.post("/surat/keluar/baru", data={
        "jenis": "SKS", "subject": "Undangan rapat", "classification": "LS.01.00", "sifat": "biasa",
        "lampiran": "-", "signer_role": "kasek", "kepada": "Yth. Ketua LSP\ndi\nJakarta",
        "isi": "Dengan hormat.\n\nDemikian.", "then": "ajukan"})
    assert created.status_code == 302
    case = db.session.scalar(select(Case).where(Case.flow_code == "SKS"))
    return case, staf, kasek, ketua


def test_customer_service_cannot_move_a_letter_to_another_signer(app, db):
    case, _staf, kasek, ketua = _secretariat_letter(app, db)
    cs = make_user("cs_nakal", ["cs"])
    client = app.test_client()
    login(client, cs.username)
    response = client.post(f"/kasus/{case.number}/tugaskan", data={"slot": "penandatangan", "user_id": ketua.id})
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert engine.assignees(db.session.get(Case, case.id), "penandatangan") == [kasek.id]


def test_the_kasek_may_change_the_signer_only_to_the_letters_signer_role(app, db):
    case, _staf, kasek, ketua = _secretariat_letter(app, db)
    other = make_user("staf_lain", ["staf_sertifikasi"])
    with pytest.raises(engine.CaseError) as refused:
        engine.assign(case, "penandatangan", ketua, other)
    assert refused.value.status == 403
    with pytest.raises(engine.CaseError):
        engine.assign(case, "penandatangan", ketua, kasek)  # the letter says the Kasek signs
    engine.assign(case, "penandatangan", kasek, kasek)


def test_a_members_letter_is_signed_by_that_member_only(app, db):
    anggota, other = make_user("anggota_satu", ["anggota"]), make_user("anggota_dua", ["anggota"])
    admin = make_user("admin_ska", ["admin"])
    case = engine.open_case("SKA", anggota, "Tanggapan undangan")
    with pytest.raises(engine.CaseError):
        engine.assign(case, "penandatangan", other, admin)
    with pytest.raises(engine.CaseError):
        engine.assign(case, "penandatangan", other, anggota)


def test_only_the_certification_staff_name_the_ma_of_an_spt(app, db, world):
    with pytest.raises(engine.CaseError) as refused:
        engine.assign(world["rcc_b"], "spt_ma_penguji", world["ma_penguji"], world["cs"])
    assert refused.value.status == 403
    engine.assign(world["rcc_b"], "spt_ma_penguji", world["ma_penguji"], world["staf_sertifikasi"])
