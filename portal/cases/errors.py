"""The case area's refusal: a message for the user (Indonesian) and the HTTP status to answer with."""
from __future__ import annotations

from portal.core.errors import UserError


class CaseError(UserError):
    """Refused by the case engine (not allowed, missing documents, stale form, …)."""
