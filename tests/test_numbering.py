"""Number series the admin maintains: patterns, Jakarta year, continuous registers, voids,
no duplicate under parallel use (PostgreSQL), and the admin screens."""
from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.dates import roman_month, to_wib, utcnow
from portal.numbering import services
from portal.numbering.formats import format_number
from portal.numbering.models import NumberReservation, NumberVoid
from tests.conftest import make_user


def _now():
    return utcnow()


def test_letter_number_has_classification_roman_month_and_year(db):
    at = _now()
    local = to_wib(at)
    first = services.reserve_number("letter", at, classification="LS.01.00")
    second = services.reserve_number("letter", at)
    assert first == (1, f"1/BNSP/LS.01.00/{roman_month(local.month)}/{local.year}")
    assert second == (2, f"2/BNSP/UM.00.00/{roman_month(local.month)}/{local.year}")
    sk = services.reserve_number("sk", at)
    assert sk[1] == f"KEP.1/BNSP/{roman_month(local.month)}/{local.year}"


def test_spt_and_surat_tugas_share_one_format(db):
    at = _now()
    local = to_wib(at)
    assert services.reserve_number("spt", at)[1] == f"SPT.1/BNSP/KP.04.00/{roman_month(local.month)}/{local.year}"
    # The older callers that number a signed SPT themselves write the same format.
    assert format_number("spt", 7, local.date(), "KP.04.00") == \
        f"SPT.7/BNSP/KP.04.00/{roman_month(local.month)}/{local.year}"


def test_year_and_month_are_those_of_jakarta(db):
    year = to_wib(_now()).year
    late_december = datetime(year, 12, 31, 10, 0, tzinfo=timezone.utc)  # 17:00 WIB
    new_year_wib = datetime(year, 12, 31, 22, 0, tzinfo=timezone.utc)  # 05:00 WIB on 1 January
    assert services.reserve_number("letter", late_december) == (1, f"1/BNSP/UM.00.00/XII/{year}")
    assert services.reserve_number("letter", late_december)[0] == 2
    # UTC still says 31 December, Jakarta already counts the new year from 1.
    assert services.reserve_number("letter", new_year_wib) == (1, f"1/BNSP/UM.00.00/I/{year + 1}")


def test_licence_register_runs_on_across_years_from_the_number_the_admin_set(db):
    admin = make_user("admin_nomor", ["admin"])
    services.update_series("licence", name="Sertifikat lisensi LSP", pattern="BNSP-LSP-{seq}-ID",
                           classification="", reset="berlanjut", next_sequence=2630, actor=admin)
    at = _now()
    assert services.reserve_number("licence", at) == (2630, "BNSP-LSP-2630-ID")
    assert services.reserve_number("licence", at + timedelta(days=400)) == (2631, "BNSP-LSP-2631-ID")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "numbering.series_changed")).one()
    assert entry.actor_id == admin.id and entry.detail["changed"]["next"] == [1, 2630]


def test_next_number_never_goes_back_onto_numbers_given(db):
    at = _now()
    for _ in range(3):
        services.reserve_number("sk", at)
    with pytest.raises(services.NumberingError, match="terakhir: 3"):
        services.update_series("sk", name="SK", pattern="KEP.{seq}/BNSP/{bulan_romawi}/{tahun}",
                               classification="", reset="tahunan", next_sequence=3)


@pytest.mark.parametrize("pattern, message", [
    ("KEP/BNSP/{tahun}", "harus memuat {seq}"),
    ("{seq}/{nomor}", "tidak dikenal"),
    ("{seq.__class__}", "tidak dikenal"),
    ("{seq:>999}", "tidak didukung"),
    ("{seq/BNSP", "tidak berpasangan"),
])
def test_a_broken_pattern_is_refused_with_a_reason(db, pattern, message):
    with pytest.raises(services.NumberingError, match=message):
        services.update_series("sk", name="SK", pattern=pattern, classification="", reset="tahunan",
                               next_sequence=1)


def test_padded_sequence_and_admin_pattern_reach_older_callers(db):
    at = _now()
    local = to_wib(at)
    assert services.reserve_number("sertifikat-asesor", at)[1] == f"MET.000.000001.{local.year}"
    services.update_series("sk", name="SK", pattern="KEP.{seq:04d}/BNSP/{bulan:02d}/{tahun}",
                           classification="", reset="tahunan", next_sequence=15)
    assert format_number("sk", 15, local.date()) == f"KEP.0015/BNSP/{local.month:02d}/{local.year}"


def test_a_number_given_but_not_used_is_recorded_void(db):
    admin = make_user("admin_batal", ["admin"])
    at = _now()
    year = to_wib(at).year
    sequence, text = services.reserve_number("sk", at)
    services.void_number("sk", sequence, year=year, reason="Konsep SK dikembalikan penanda tangan", actor=admin)
    void = db.session.scalars(select(NumberVoid)).one()
    assert (void.text, void.voided_by_id) == (text, admin.id)
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "numbering.voided")).one()
    with pytest.raises(services.NumberingError, match="sudah tercatat batal"):
        services.void_number("sk", sequence, year=year, reason="lagi", actor=admin)
    with pytest.raises(services.NumberingError, match="belum pernah diberikan"):
        services.void_number("sk", sequence + 1, year=year, reason="belum ada", actor=admin)
    with pytest.raises(services.NumberingError, match="Alasan"):
        services.void_number("sk", sequence, year=year, reason=" ", actor=admin)
    # The next number continues after the void: nothing is given twice.
    assert services.reserve_number("sk", at)[0] == sequence + 1


def test_a_rolled_back_reservation_gives_the_number_back(db):
    at = _now()
    services.reserve_number("letter", at)
    db.session.commit()
    services.reserve_number("letter", at)
    db.session.rollback()
    assert services.reserve_number("letter", at)[0] == 2


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="parallel numbering needs PostgreSQL")
def test_fifty_parallel_reservations_give_fifty_consecutive_numbers(app, db):
    at = _now()
    start = threading.Barrier(50)
    results, errors = [], []

    def reserve():
        try:
            with app.app_context():
                start.wait(timeout=60)
                results.append(services.reserve_number("letter", at))
                db.session.commit()
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=reserve) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(sequence for sequence, _ in results) == list(range(1, 51))
    assert len({text for _, text in results}) == 50
    assert db.session.scalar(select(NumberReservation.id).order_by(NumberReservation.id.desc()).limit(1))


def test_admin_edits_a_series_and_sees_the_next_number(login_as):
    admin = login_as("admin")
    page = admin.get("/admin/penomoran/")
    assert page.status_code == 200 and "BNSP-LSP-1-ID" in page.text
    refused = admin.post("/admin/penomoran/licence", data={
        "name": "Sertifikat lisensi LSP", "pattern": "BNSP-LSP-ID", "classification": "", "reset": "berlanjut",
        "next_sequence": "2630"})
    assert refused.status_code == 422 and "harus memuat {seq}" in refused.text
    saved = admin.post("/admin/penomoran/licence", data={
        "name": "Sertifikat lisensi LSP", "pattern": "BNSP-LSP-{seq}-ID", "classification": "",
        "reset": "berlanjut", "next_sequence": "2630"})
    assert saved.status_code == 302
    assert "BNSP-LSP-2630-ID" in admin.get("/admin/penomoran/").text
    preview = admin.get("/admin/penomoran/sk/pratinjau?pattern=KEP.{seq}/X&next_sequence=9",
                        headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "KEP.9/X" in preview.text and "<html" not in preview.text
    assert admin.get("/admin/penomoran/tidak-ada").status_code == 404
    assert login_as("phu").get("/admin/penomoran/").status_code == 403


def test_admin_records_a_void_and_bad_input_keeps_the_form(login_as, db):
    admin = login_as("admin")
    year = to_wib(_now()).year
    services.reserve_number("sk", _now())
    db.session.commit()
    bad = admin.post("/admin/penomoran/sk", data={"name": "SK", "pattern": "KEP.{seq}/BNSP/{bulan_romawi}/{tahun}",
                                                  "classification": "", "reset": "tahunan", "next_sequence": "dua"})
    assert bad.status_code == 422 and "harus berupa angka" in bad.text and 'value="SK"' in bad.text
    refused = admin.post("/admin/penomoran/sk/batal", data={"sequence": "5", "year": str(year), "reason": "uji"})
    assert refused.status_code == 422 and "belum pernah diberikan" in refused.text
    done = admin.post("/admin/penomoran/sk/batal", data={"sequence": "1", "year": str(year),
                                                         "reason": "Konsep ditarik pemohon"})
    assert done.status_code == 302
    page = admin.get("/admin/penomoran/sk")
    assert "Konsep ditarik pemohon" in page.text and "KEP.1/BNSP/" in page.text
    assert db.session.scalars(select(NumberVoid)).one().voided_by_id == admin.user.id
