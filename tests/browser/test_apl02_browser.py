"""APL.02 on a phone: the participant fills every element (saved as typed) and submits it once; the
MA named in the SPT returns one element with a note; the participant sees the note on their own
screen, corrects only that element and resubmits; the MA accepts it and the case moves on."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import Cast, drive

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _case_waiting_for_apl02(db):
    from portal.accounts.models import User
    from portal.assessment.models import Person
    from tests.assessment_data import open_assessor_case

    users = {u.username: u for u in db.session.scalars(select(User))}
    cast = Cast()
    cast.users["ma_penguji"] = users["ma_penguji"]
    case = open_assessor_case("RCC", cast, 1)
    person = db.session.scalar(select(Person))
    person.user_id = users["peserta1"].id  # the demo participant's own account
    db.session.commit()
    drive(case, cast, until="apl02")
    db.session.commit()
    return case


def _phone_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_participant_fills_apl02_and_the_named_ma_returns_one_element_then_accepts(
        page, db, live_server, demo_accounts, sign_in, snap):
    case = _case_waiting_for_apl02(db)
    page.set_viewport_size(PHONE)
    sign_in("peserta1")
    page.goto("/peserta")
    page.get_by_role("link", name="Asesmen mandiri (APL.02.RCC)").click()
    form = page.locator("section.apl02")
    elements = form.locator("fieldset.apl02-element.editable")
    count = elements.count()
    assert count == 10  # every element of the three units of the Asesor Kompetensi scheme
    for index in range(count):
        element = elements.nth(index)
        element.get_by_label("K (kompeten)").check()
        element.get_by_label("Bukti yang relevan").fill(f"Portofolio asesmen 2025, berkas {index + 1}")
    expect(form.locator(".autosave-status")).to_contain_text("tersimpan")
    assert _phone_overflow(page) <= 0
    snap("apl02-diisi-peserta")
    page.set_viewport_size(PHONE)
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST"):
        form.get_by_role("button", name="Ajukan APL.02").click()
    expect(page.locator("section.apl02")).to_have_count(0)  # read-only once submitted
    page.get_by_role("button", name="Kirim APL.02").click()
    expect(page.locator(".flash-success, .case-head")).not_to_have_count(0)

    page.context.clear_cookies()
    sign_in("ma_penguji")
    page.set_viewport_size(PHONE)
    page.goto(f"/kasus/{case.number}")
    review = page.locator("section.apl02-review")
    first = review.locator("fieldset.apl02-element").first
    first.get_by_label("Kaji").select_option("kembali")
    first.get_by_label("Catatan").fill("Bukti belum menunjukkan identifikasi konteks asesmen (KUK 1.1).")
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST"):
        review.get_by_role("button", name="Simpan kajian").click()
    validate = page.get_by_role("button", name="Validasi")
    validate.click()
    expect(page.get_by_role("alert")).to_contain_text("belum diterima seluruhnya")
    page.get_by_label("Alasan / catatan untuk kembalikan apl.02").fill("Perbaiki bukti elemen 1 unit MAPA.")
    page.get_by_role("button", name="Kembalikan APL.02").click()
    snap("apl02-dikembalikan-ma")

    page.context.clear_cookies()
    sign_in("peserta1")
    page.set_viewport_size(PHONE)
    page.goto("/peserta")
    expect(page.get_by_role("alert")).to_contain_text("identifikasi konteks asesmen (KUK 1.1)")
    page.get_by_role("link", name="Asesmen mandiri (APL.02.RCC)").click()
    form = page.locator("section.apl02")
    expect(form.locator(".return-note")).to_contain_text("identifikasi konteks asesmen (KUK 1.1)")
    editable = form.locator("fieldset.apl02-element.editable")
    expect(editable).to_have_count(1)  # only what was returned reopens
    editable.get_by_label("Bukti yang relevan").fill("Rencana asesmen dengan analisis konteks asesi, 2025")
    snap("apl02-perbaikan-peserta")
    page.set_viewport_size(PHONE)
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST"):
        form.get_by_role("button", name="Ajukan APL.02").click()
    page.get_by_role("button", name="Kirim APL.02").click()

    page.context.clear_cookies()
    sign_in("ma_penguji")
    page.set_viewport_size(PHONE)
    page.goto(f"/kasus/{case.number}")
    review = page.locator("section.apl02-review")
    review.locator("fieldset.apl02-element").first.get_by_label("Kaji").select_option("sesuai")
    with page.expect_response(lambda r: r.url.endswith("/formulir") and r.request.method == "POST"):
        review.get_by_role("button", name="Simpan kajian").click()
    page.get_by_role("button", name="Validasi").click()
    expect(page.locator(".case-head")).to_contain_text("Asesmen: rekaman dan laporan")
    snap("apl02-diterima-ma")
    db.session.expire_all()
    from portal.assessment.models import Apl02

    record = db.session.scalar(select(Apl02))
    assert record.status == "diterima" and record.recommendation == "lanjut"
