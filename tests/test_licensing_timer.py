"""The 15-day LKS rule on the real 2026 calendar (Nyepi, Idul Fitri and its cuti bersama, Good Friday):
working days by default, calendar days when TIMER_DAYS says so; days left on the case page; the
periodic worker task flags the case for the members' pleno."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.calendar.services import seed_default_holidays
from portal.cases import engine
from portal.cases.models import CaseEvent
from portal.cases.timers import days_left, run_timers, timer_deadline
from portal.core.dates import WIB
from portal.flows.registry import get_flow
from portal.licensing import lks
from tests.conftest import login
from tests.factories import Cast, actor_for, drive

LKS_SENT = datetime(2026, 3, 16, 10, 0, tzinfo=WIB)  # Monday before Nyepi and Idul Fitri 2026
TIMER = get_flow("LIS").timers[0]


@pytest.fixture()
def calendar_2026(db):
    seed_default_holidays([2026])
    db.session.commit()


def case_with_open_finding(db):
    cast = Cast()
    case = engine.open_case("LIS", cast.user("lsp"), "Lisensi LSP Tenggat", organisation=cast.organisation)
    db.session.commit()

    def one_finding(case, work):
        if work.step_key == "full_assessment" and not lks.findings_of(case):
            lks.add_finding(case, MultiDict({"acuan": "PBNSP 202 Klausul 4.3.1", "finding": "Komite skema belum ada",
                                             "category": "mayor", "evidence": "Struktur organisasi"}),
                            actor_for(case, work, cast))
            return True
        return False

    drive(case, cast, before=one_finding, until="lks_correction")
    for work in engine.open_work(case):
        work.ready_at = LKS_SENT
    db.session.commit()
    return case, cast


def test_fifteen_working_days_skip_nyepi_idul_fitri_cuti_bersama_and_good_friday(app, db, calendar_2026):
    case, _ = case_with_open_finding(db)
    deadline = timer_deadline(case, TIMER)
    # 17 Mar is day 1; 18-24 Mar are Nyepi, Idul Fitri and cuti bersama; 3 Apr is Good Friday.
    assert deadline == datetime(2026, 4, 14, 15, 0, tzinfo=WIB)
    assert days_left(datetime(2026, 4, 9, 9, 0, tzinfo=WIB), deadline) == (3, "3 hari kerja lagi")
    assert run_timers(now=datetime(2026, 4, 14, 14, 59, tzinfo=WIB)) == []
    assert run_timers(now=datetime(2026, 4, 14, 15, 1, tzinfo=WIB)) == [(case.number, "lks_15_hari")]
    db.session.commit()
    assert "lks_lewat_15_hari" in case.flags
    assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.label.contains("15 hari kerja")))


def test_calendar_day_reading_is_configurable(app, db, calendar_2026, monkeypatch):
    monkeypatch.setitem(app.config, "TIMER_DAYS", "kalender")
    case, cast = case_with_open_finding(db)
    deadline = timer_deadline(case, TIMER)
    assert deadline == datetime(2026, 3, 31, 15, 0, tzinfo=WIB)  # 16 Mar + 15 calendar days, a Tuesday
    assert days_left(datetime(2026, 3, 29, 9, 0, tzinfo=WIB), deadline) == (2, "2 hari kalender lagi")
    assert run_timers(now=datetime(2026, 4, 1, 9, 0, tzinfo=WIB)) == [(case.number, "lks_15_hari")]
    db.session.commit()
    fired = db.session.scalar(select(CaseEvent.label).where(CaseEvent.case_id == case.id,
                                                            CaseEvent.label.contains("LKS belum closed")))
    assert "15 hari kalender" in fired and "hari kerja" not in fired
    client = app.test_client()
    login(client, cast.user("staf_lisensi").username)
    panel = client.get(f"/kasus/{case.number}").get_data(as_text=True).split('id="licence-panel"')[1].split("</section>")[0]
    assert "lebih dari 15 hari kalender" in panel and "hari kerja" not in panel


def test_clsp_and_staff_see_the_days_left_on_the_case_page(app, db, calendar_2026):
    case, cast = case_with_open_finding(db)
    for role in ("lsp", "staf_lisensi"):
        client = app.test_client()
        login(client, cast.user(role).username)
        page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
        assert "14 April 2026" in page and "Komite skema belum ada" in page
        assert "Terlambat" in page  # today is long past 14 April 2026
        panel = page.split('id="licence-panel"')[1].split("</section>")[0]
        assert "lebih dari 15 hari kerja" in panel and "hari kalender" not in panel  # the default reading
