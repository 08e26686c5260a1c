"""Valid licensing records for `drive()` (the same filler the demo seeding uses)."""
from __future__ import annotations

from portal.seeding.demo_licensing import fill_licensing_form as _fill


def fill_licensing_form(case, work, step, actor, action: str | None = None) -> bool:
    from tests.factories import sample_pdf

    return _fill(case, work, step, actor, sample_pdf(), action)
