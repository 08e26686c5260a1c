"""Effects the Lisensi flow declares: the access code for uploading the licence documents (D5)."""
from __future__ import annotations

import secrets

from portal.cases.signals import on_effect
from portal.cases.timeline import log


@on_effect("issue_access_code")
def issue_access_code(case, flow, step, actor, **_) -> None:
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    case.data = {**(case.data or {}), "access_code": code}
    log(case, actor, "system", "Kode akses unggah dokumen lisensi diterbitkan untuk CLSP", step_key=step.key)
