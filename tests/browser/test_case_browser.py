"""Issue 3 in a real browser: the Kotak Kerja with its HTMX filter, and a case page whose flow
diagram highlights the running step, acted on through the generic step screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.cases import engine
from tests.factories import Cast, drive, sample_pdf

pytestmark = pytest.mark.browser


def test_case_page_shows_the_diagram_with_the_current_step_and_acts_with_htmx(
        page, live_server, db, sign_in, snap, tmp_path):
    cast = Cast()
    case = engine.open_case("LIS", cast.user("lsp"), "Permohonan lisensi LSP Energi", organisation=cast.organisation)
    # The LSP's generic upload step: the witnessing request (D26), open beside the SK handover.
    # (The licence documents D6 are a checklist record now: tests/browser/test_licensing_browser.py.)
    drive(case, cast, until="witnessing_request")
    db.session.commit()
    from portal.accounts.models import User
    from portal.cli import DEMO_PASSWORD
    from portal.accounts.services import hash_password

    lsp = cast.user("lsp")
    lsp.password_hash = hash_password(DEMO_PASSWORD)
    db.session.commit()

    sign_in(lsp.username)
    page.goto("/kotak-kerja")
    row = page.locator("table.inbox tbody tr", has_text=case.number)
    expect(row).to_contain_text("Pengajuan penyaksian uji kompetensi")
    row.get_by_role("link", name=case.number).click()

    current = page.locator("svg .flow-step--current", has_text="penyaksian")
    expect(current).to_have_count(1)
    assert page.locator("svg .flow-step--done").count() >= 4
    snap("kasus-lisensi")

    pdf = tmp_path / "dokumen-lisensi.pdf"
    pdf.write_bytes(sample_pdf())
    panel = page.locator("section.action-panel")
    for code in ("D26",):
        panel.get_by_label("Dokumen").select_option(code)
        panel.get_by_label("Berkas PDF").set_input_files(str(pdf))
        panel.get_by_role("button", name="Unggah").click()
        expect(page.locator("#timeline")).to_contain_text(f"{code} ")
    button = page.locator("section.action-panel form.action-form button.primary").first
    expect(button).to_be_enabled()
    label = button.inner_text()
    button.click()
    expect(page.locator("#timeline")).to_contain_text(label)
    expect(page.locator("svg .flow-step--current", has_text="Pengajuan penyaksian")).to_have_count(0)
    snap("kasus-lisensi-setelah-ajukan")
    db.session.expire_all()
    assert "draft_witnessing" in {w.step_key for w in engine.open_work(case)}
    assert User  # imported for the password change above
