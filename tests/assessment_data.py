"""RCC / ASKOM cases opened as the LSP would (a scheme and checked participant rows)."""
from __future__ import annotations

from datetime import date

from portal.assessment import catalogue
from portal.assessment.request import open_request
from portal.seeding.demo_assessment import PEOPLE, form_answers, people_rows  # noqa: F401


def names(count: int, offset: int = 0) -> list[str]:
    known = [p[0] for p in PEOPLE[offset:offset + count]]
    return known + [f"Peserta Uji {n:02d}" for n in range(len(known) + 1, count + 1)]


def open_assessor_case(flow_code: str, cast, count: int = 3, *, offset: int = 0, title: str = ""):
    scheme = catalogue.assessor_scheme() or catalogue.seed_assessor_schemes()[0]
    rows = people_rows(flow_code, names(count, offset), today=date.today())
    return open_request(flow_code, cast.user("lsp"), scheme, rows, title=title, organisation=cast.organisation)
