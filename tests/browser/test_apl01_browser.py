"""APL.01 on a phone: the participant finds their data already filled from the request, completes
the rest, is told in Indonesian what is missing (nothing typed is lost), uploads one PDF per basic
requirement and submits; the form then turns read-only and the step's action becomes available."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import Cast, drive

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _askom_case_waiting_for_apl01(db):
    from portal.accounts.models import User
    from portal.assessment.models import Person
    from tests.assessment_data import open_assessor_case

    users = {u.username: u for u in db.session.scalars(select(User))}
    cast = Cast()
    cast.users["ma_pelatih"] = users["ma_pelatih"]
    case = open_assessor_case("ASKOM", cast, 1)
    person = db.session.scalar(select(Person))
    person.user_id = users["peserta1"].id  # the demo participant's own account
    db.session.commit()
    drive(case, cast, until="apl01")
    db.session.commit()
    return case, person


def test_participant_fills_apl01_on_a_phone(page, db, live_server, demo_accounts, sign_in, snap, tmp_path):
    from portal.seeding.demo_assessment import evidence_pdf

    case, person = _askom_case_waiting_for_apl01(db)
    proof = tmp_path / "ijazah.pdf"
    proof.write_bytes(evidence_pdf())
    page.set_viewport_size(PHONE)
    sign_in("peserta1")
    page.goto("/peserta")
    page.get_by_role("link", name="Permohonan sertifikasi (APL.01.ASKOM)").click()
    form = page.locator("section.apl01")
    expect(form.get_by_label("Nama lengkap")).to_have_value(person.full_name)  # from the request
    expect(form.get_by_label("No. KTP / NIK")).to_have_value(person.nik)
    snap("apl01-kosong-peserta")
    page.set_viewport_size(PHONE)
    form.get_by_label("Jabatan").fill("Kepala Program Studi")
    form.get_by_label("Kualifikasi pendidikan").select_option("s2")
    form.get_by_label("Pengakuan Kompetensi Terkini (PKT)").check()
    form.get_by_label("Alamat rumah").fill("Jl. Pahlawan No. 7, Semarang")
    form.get_by_label("Kode pos", exact=True).fill("502")  # no file yet either
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST") as answer:
        form.get_by_role("button", name="Ajukan APL.01").click()
    assert answer.value.status == 422
    form = page.locator("section.apl01")
    expect(form).to_contain_text("Kode pos harus 5 angka.")
    expect(form).to_contain_text("Unggah bukti “Ijazah pendidikan terakhir")
    expect(form.get_by_label("Jabatan")).to_have_value("Kepala Program Studi")  # nothing typed is lost
    snap("apl01-ditolak-peserta")
    page.set_viewport_size(PHONE)
    form.locator("input[name=postal_code]").fill("50241")
    for index in range(4):
        form.locator("input[type=file]").nth(index).set_input_files(str(proof))
    expect(form.locator(".autosave-status")).to_contain_text("tersimpan")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    snap("apl01-diisi-peserta")
    page.set_viewport_size(PHONE)
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST") as answer:
        page.locator("section.apl01").get_by_role("button", name="Ajukan APL.01").click()
    assert answer.value.status == 200
    expect(page.locator("section.apl01")).to_have_count(0)  # read-only once submitted
    page.get_by_role("button", name="Kirim APL.01").click()
    expect(page.locator(".case-head")).to_contain_text("Kaji dan validasi APL.01")
    snap("apl01-diajukan-peserta")
    db.session.expire_all()
    from portal.assessment.models import Apl01

    record = db.session.scalar(select(Apl01))
    assert record.address == "Jl. Pahlawan No. 7, Semarang" and record.purpose == "pkt"
    assert [e.file_name for e in record.evidence] == ["ijazah.pdf"] * 4


def test_rcc_participant_reads_apl01_and_confirms_it_on_a_phone(page, db, live_server, demo_accounts, sign_in, snap):
    from portal.accounts.models import User
    from portal.assessment.models import Person
    from tests.assessment_data import open_assessor_case

    users = {u.username: u for u in db.session.scalars(select(User))}
    cast = Cast()
    case = open_assessor_case("RCC", cast, 1)
    person = db.session.scalar(select(Person))
    person.user_id = users["peserta1"].id
    db.session.commit()
    drive(case, cast, until="apl01")
    db.session.commit()
    page.set_viewport_size(PHONE)
    sign_in("peserta1")
    page.goto("/peserta")
    page.get_by_role("link", name="Rekaman permohonan (APL.01.RCC)").click()
    section = page.locator("section.apl01")
    expect(section).to_contain_text("tidak dapat Anda ubah")
    expect(section).to_contain_text(person.met_number)
    expect(section.locator("input[name=full_name]")).to_have_count(0)
    snap("apl01-rcc-baca-peserta")
    page.set_viewport_size(PHONE)
    section.get_by_label("Saya telah membaca APL.01 ini").check()
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST") as answer:
        section.get_by_role("button", name="Simpan APL.01").click()
    assert answer.value.status == 200
    page.get_by_role("button", name="Konfirmasi APL.01").click()
    expect(page.locator(".case-head")).to_contain_text("Asesmen mandiri (APL.02.RCC)")
