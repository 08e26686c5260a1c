"""Effects the Lisensi flow declares: the access code for uploading the licence documents (D5)."""
from __future__ import annotations

from portal.cases.signals import on_effect
from portal.licensing import access_code


@on_effect("issue_access_code")
def issue_access_code(case, flow, step, actor, **_) -> None:
    access_code.issue(case, actor)
