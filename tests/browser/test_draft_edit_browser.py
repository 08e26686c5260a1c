"""Issue 12 in a real browser: "Ubah draf" on the case screen opens the prefilled form under the step
(HTMX), a refused edit comes back in place with its messages, an accepted one updates the case."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.cases import engine

pytestmark = pytest.mark.browser


def test_drafter_edits_a_generated_letter_on_the_case_screen(page, live_server, db, sign_in, snap):
    from portal.accounts.services import hash_password
    from portal.assessment.people import MA_SLOTS, name_master_assessor
    from portal.cases.drafts import generate_draft
    from portal.cli import DEMO_PASSWORD
    from tests.assessment_data import open_assessor_case
    from tests.factories import Cast, drive

    cast = Cast()
    case = open_assessor_case("RCC", cast, 2, title="Uji ubah draf di peramban")
    drive(case, cast, until="draft_approval")
    staf = cast.user("staf_sertifikasi")
    for slot, (role, _label) in MA_SLOTS.items():
        name_master_assessor(case, slot, cast.user(role), staf)
    work = engine.open_work(case)[0]
    for code in ("D5 A", "D6 A", "D6 B"):
        generate_draft(case, work, code, staf)
    staf.password_hash = hash_password(DEMO_PASSWORD)
    db.session.commit()

    sign_in(staf.username)
    page.goto(f"/kasus/{case.number}")
    page.get_by_role("link", name="Ubah draf D5 A").click()
    form = page.locator(".draft-edit-panel form")
    expect(form.get_by_label("Hal", exact=True)).to_have_value(
        "Persetujuan Permohonan Recognition of Current Competency (RCC) Asesor Kompetensi")
    form.get_by_label("Hal", exact=True).fill("Persetujuan RCC Asesor Kompetensi Gelombang Kedua")
    form.get_by_label("Hal", exact=True).scroll_into_view_if_needed()
    snap("ubah-draf-surat")

    # A refused edit (the browser's own check taken away) answers in place, what was typed kept.
    form.get_by_label("Kepada").evaluate("el => { el.required = false; el.value = ''; }")
    form.get_by_role("button", name="Simpan draf dan perbarui PDF").click()
    panel = page.locator(".draft-edit-panel")
    expect(panel).to_contain_text("Kepada (satu baris per baris alamat) wajib diisi.")
    expect(panel.get_by_label("Hal", exact=True)).to_have_value("Persetujuan RCC Asesor Kompetensi Gelombang Kedua")
    snap("ubah-draf-surat-ditolak")

    panel.get_by_label("Kepada").fill("Yth. Pimpinan LSP Uji Alur\ndi tempat")
    panel.get_by_role("button", name="Simpan draf dan perbarui PDF").click()
    expect(page.locator("#timeline")).to_contain_text("Draf D5 A diubah (versi 2): Hal")
    expect(page.locator(".draft-edit-panel")).to_have_count(0)
    snap("ubah-draf-surat-tersimpan")
