"""Every state change of the mail screens, in one place for the views and the tests.

Surat Masuk (portal/correspondence/incoming.py): register and route incoming mail, dispose it,
record the follow-up and archive. Surat Keluar (outgoing.py): draft, review, choose the signer of,
number and dispatch outgoing letters. Both drive the case engine (which checks roles and documents
and writes the timeline) and keep the letter's facts in `case.data`. Operations only flush; the
request commits once. Refusals raise `CaseError` with an Indonesian message and an HTTP status.
"""
from __future__ import annotations

from portal.cases.engine import CaseError
from portal.correspondence.common import Upload, check_uploads, clean_filename, return_letter
from portal.correspondence.disposition import default_follow_up_due, disposition_sheet
from portal.correspondence.incoming import (
    IncomingLetter, archive_letter, correct_registration, dispose, record_follow_up, register_incoming, route_incoming,
)
from portal.correspondence.outgoing import (
    DISPATCH_CHANNELS, OutgoingDraft, choose_signer, dispatch_letter, draft_outgoing, placeholder_number,
    render_draft, review_draft, revise_draft, submit_draft,
)

__all__ = [
    "DISPATCH_CHANNELS", "CaseError", "IncomingLetter", "OutgoingDraft", "Upload", "archive_letter",
    "check_uploads", "choose_signer", "clean_filename", "correct_registration", "default_follow_up_due",
    "dispatch_letter", "dispose", "disposition_sheet", "draft_outgoing", "placeholder_number", "record_follow_up",
    "register_incoming", "render_draft", "return_letter", "review_draft", "revise_draft", "route_incoming",
    "submit_draft",
]
