"""The official number of a document, taken as it is signed (issue 12, "number at signing").

The signing run reserves the number in the transaction that stores the signed PDF, puts it on
the request before the QR payload is built, and writes it into the draft's number placeholders;
only then does the signature seal the document. A signature that fails gives its number up as a
recorded void (never a silent gap); the retry takes the next number.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.audit.services import record
from portal.core.dates import utcnow
from portal.extensions import db
from portal.numbering.formats import series_key
from portal.numbering.models import NumberReservation
from portal.numbering.services import NumberingError, reserve_numbers, void_number


def _declaration(request):
    from portal.flows.registry import get_flow

    return get_flow(request.case.flow_code).document(request.code)


def classification_for(request, document) -> str | None:
    """The declaration's archive code; a letter drafted with its own code (outgoing letters, whose
    declaration names none) keeps the drafter's."""
    return document.classification or (request.case.data or {}).get("classification") or None


def number_many(requests, now: datetime | None = None):
    """Number every request of a signing chunk that takes a number and has none yet, in request
    order: one reservation per series and archive code for the whole chunk. Returns the requests
    numbered and the ``(request, NumberingError)`` pairs of those whose series refused."""
    now = now or utcnow()
    runs: dict[tuple[str, str | None], list] = {}
    for request in requests:
        if request.number:
            continue
        document = _declaration(request)
        if document.series is None:
            continue
        runs.setdefault((series_key(document.series), classification_for(request, document)), []).append(request)
    numbered, refused = [], []
    for (series, classification), members in runs.items():
        try:
            taken = reserve_numbers(series, now, len(members), classification)
        except NumberingError as exc:
            refused.extend((request, exc) for request in members)
            continue
        for request, (_sequence, text) in zip(members, taken):
            request.number = text
            record("signing.numbered", request, detail={"number": text, "at": "signing"})
            numbered.append(request)
    return numbered, refused


def takes_number(request) -> bool:
    return _declaration(request).series is not None


def void_unsigned(request, reason: str) -> bool:
    """The signature failed: the number reserved for it is recorded void and taken off the
    request, so a retry takes a fresh one. Numbers not reserved at signing (a participant's
    certificate number from the pleno) stay."""
    if not request.number:
        return False
    document = _declaration(request)
    if document.series is None:
        return False
    code = series_key(document.series)
    reservation = db.session.scalar(select(NumberReservation).where(
        NumberReservation.series_code == code, NumberReservation.text == request.number)
        .order_by(NumberReservation.id.desc()))
    if reservation is None:
        return False
    void_number(code, reservation.sequence, year=reservation.year,
                reason=f"Tanda tangan gagal ({request.title}): {reason}"[:500])
    request.number = None
    return True
