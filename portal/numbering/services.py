"""Taking official numbers inside the caller's transaction, and the admin's series settings.

The increment is one UPDATE ... RETURNING, so two transactions can never read the same value:
the second waits on the row lock (PostgreSQL) or the write lock (SQLite) until the first commits
or rolls back. A rollback gives the number back, so numbers are never skipped either; a number
that was committed but will never stand on a document is recorded with :func:`void_number`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.audit.services import record
from portal.core.dates import to_wib, utcnow
from portal.extensions import db
from portal.numbering.formats import (
    CLASSIFICATIONS, DEFAULT_SERIES, PatternError, check_pattern, render_pattern,
)
from portal.numbering.models import (
    CONTINUOUS_YEAR, RESET_CONTINUOUS, RESET_YEARLY, NumberReservation, NumberSeries,
    NumberVoid, SeriesDefinition,
)


class NumberingError(Exception):
    """A numbering request the admin or a caller must correct; the message is Indonesian."""


def _continuous(series: str) -> bool:
    found = definition_of(series)
    return found.continuous if found is not None else False


def _counter_year(series: str, year: int, continuous: bool | None = None) -> int:
    return CONTINUOUS_YEAR if (_continuous(series) if continuous is None else continuous) else year


def next_value(series: str, year: int, *, continuous: bool | None = None, count: int = 1) -> int:
    """The next sequence of ``series`` in ``year`` (ignored for a continuous series; `continuous`:
    the caller already read the series' settings). With ``count``, that many sequences are taken at
    once and the last of them is returned (the run ends there: ``last - count + 1 .. last``)."""
    year = _counter_year(series, year, continuous)
    bump = (
        update(NumberSeries)
        .where(NumberSeries.series == series, NumberSeries.year == year)
        .values(last_value=NumberSeries.last_value + count)
        .returning(NumberSeries.last_value)
    )
    value = db.session.execute(bump).scalar()
    if value is not None:
        return value
    # First number of the series this year: create the row, tolerating a concurrent creator.
    _ensure_counter(series, year)
    return db.session.execute(bump).scalar_one()


def _insert():
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _ensure_counter(series: str, year: int) -> None:
    db.session.execute(
        _insert()(NumberSeries).values(series=series, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["series", "year"])
    )


def current_value(series: str, year: int) -> int:
    year = _counter_year(series, year)
    return db.session.scalar(
        select(NumberSeries.last_value).where(NumberSeries.series == series, NumberSeries.year == year)
    ) or 0


# --- Series settings ------------------------------------------------------------------------

def definition_of(code: str) -> SeriesDefinition | None:
    """The admin's settings of ``code``, created from the defaults on first use."""
    query = select(SeriesDefinition).where(SeriesDefinition.code == code)
    found = db.session.scalar(query)
    if found is None and code in DEFAULT_SERIES:
        default = DEFAULT_SERIES[code]
        # Tolerates a concurrent first use, like the counters.
        db.session.execute(_insert()(SeriesDefinition).values(
            code=code, name=default.name, pattern=default.pattern, classification=default.classification,
            reset=RESET_CONTINUOUS if default.continuous else RESET_YEARLY, updated_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["code"]))
        found = db.session.scalar(query)
    return found


def all_definitions() -> list[SeriesDefinition]:
    for code in DEFAULT_SERIES:
        definition_of(code)
    return list(db.session.scalars(select(SeriesDefinition).order_by(SeriesDefinition.id)))


def _require(code: str) -> SeriesDefinition:
    found = definition_of(code)
    if found is None:
        raise NumberingError(f"Seri nomor {code!r} tidak dikenal.")
    return found


@dataclass(frozen=True)
class SeriesView:
    """One series as the admin screens show it."""

    definition: SeriesDefinition
    next_sequence: int
    preview: str
    counter_year: int  # the year the next number counts in (0: continuous)


def describe(code: str, at: datetime | None = None) -> SeriesView:
    found = _require(code)
    local = to_wib(at or utcnow())
    next_sequence = current_value(code, local.year) + 1
    return SeriesView(found, next_sequence,
                      render_pattern(found.pattern, next_sequence, local.date(), found.classification),
                      _counter_year(code, local.year))


def update_series(code: str, *, name: str, pattern: str, classification: str, reset: str,
                  next_sequence: int, actor=None, at: datetime | None = None) -> SeriesView:
    """Save the admin's settings; the next number may move forward (to continue a paper register),
    never back onto numbers already given."""
    found = _require(code)
    name, pattern, classification = name.strip(), pattern.strip(), classification.strip()
    if not name:
        raise NumberingError("Nama seri wajib diisi.")
    try:
        check_pattern(pattern)
    except PatternError as exc:
        raise NumberingError(str(exc)) from None
    if reset not in (RESET_YEARLY, RESET_CONTINUOUS):
        raise NumberingError("Pilih: nomor diulang setiap tahun, atau berlanjut terus.")
    if "{klasifikasi}" in pattern and classification not in CLASSIFICATIONS:
        raise NumberingError("Kode klasifikasi tidak dikenal; pilih dari daftar klasifikasi arsip.")
    before = {"name": found.name, "pattern": found.pattern, "classification": found.classification,
              "reset": found.reset, "next": describe(code, at).next_sequence}
    found.name, found.pattern, found.classification, found.reset = name, pattern, classification, reset
    found.updated_at = utcnow()
    db.session.flush()
    local_year = to_wib(at or utcnow()).year
    year, last_used = _counter_year(code, local_year), current_value(code, local_year)
    if next_sequence < 1:
        raise NumberingError("Nomor berikutnya minimal 1.")
    if next_sequence <= last_used:
        raise NumberingError(f"Nomor berikutnya tidak boleh kembali ke nomor yang sudah terpakai "
                             f"(terakhir: {last_used}); nomor ganda tidak diizinkan.")
    _ensure_counter(code, year)
    db.session.execute(update(NumberSeries).where(NumberSeries.series == code, NumberSeries.year == year)
                       .values(last_value=next_sequence - 1))
    after = {"name": name, "pattern": pattern, "classification": classification, "reset": reset,
             "next": next_sequence}
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        record("numbering.series_changed", found, actor=actor, detail={"code": code, "changed": changed})
    return describe(code, at)


# --- Reserving and voiding ------------------------------------------------------------------

def reserve_number(series_code: str, at: datetime, classification: str | None = None) -> tuple[int, str]:
    """Take the next number of ``series_code`` in the caller's transaction: ``(sequence, text)``.

    The year and month are those of Jakarta at ``at`` (05:00 WIB on 1 January is already the new
    year). Commit with the document that carries the number; a rollback gives the number back.
    """
    (sequence, text), = reserve_numbers(series_code, at, 1, classification)
    db.session.flush()
    return sequence, text


def reserve_numbers(series_code: str, at: datetime, count: int,
                    classification: str | None = None) -> list[tuple[int, str]]:
    """Take ``count`` consecutive numbers of ``series_code`` at once (a signing batch numbering its
    documents): one counter update and one insert of their reservations, in the caller's transaction."""
    found = _require(series_code)
    local = to_wib(at)
    classification = classification or found.classification
    if "{klasifikasi}" in found.pattern and classification not in CLASSIFICATIONS:
        raise NumberingError(f"Kode klasifikasi {classification!r} tidak dikenal.")
    if count < 1:
        return []
    last = next_value(series_code, local.year, continuous=found.continuous, count=count)
    year = _counter_year(series_code, local.year, found.continuous)
    taken = [(sequence, render_pattern(found.pattern, sequence, local.date(), classification))
             for sequence in range(last - count + 1, last + 1)]
    db.session.execute(insert(NumberReservation), [
        {"series_code": series_code, "year": year, "sequence": sequence, "text": text, "reserved_at": at}
        for sequence, text in taken])
    return taken


def void_number(series_code: str, sequence: int, *, year: int, reason: str, actor=None) -> NumberVoid:
    """Record that a number given out will never be used (a failed or withdrawn document)."""
    reason = reason.strip()
    if not reason:
        raise NumberingError("Alasan pembatalan nomor wajib diisi.")
    last_used, year = current_value(series_code, year), _counter_year(series_code, year)
    if not 1 <= sequence <= last_used:
        raise NumberingError(f"Nomor urut {sequence} belum pernah diberikan pada seri ini.")
    exists = db.session.scalar(select(NumberVoid.id).where(
        NumberVoid.series_code == series_code, NumberVoid.year == year, NumberVoid.sequence == sequence))
    if exists:
        raise NumberingError(f"Nomor urut {sequence} sudah tercatat batal.")
    text = db.session.scalar(select(NumberReservation.text).where(
        NumberReservation.series_code == series_code, NumberReservation.year == year,
        NumberReservation.sequence == sequence)) or ""
    void = NumberVoid(series_code=series_code, year=year, sequence=sequence, text=text, reason=reason[:500],
                      voided_by_id=actor.id if actor is not None else None)
    db.session.add(void)
    db.session.flush()
    record("numbering.voided", void, actor=actor,
           detail={"series": series_code, "year": year, "sequence": sequence, "text": text, "reason": reason})
    return void


def voids_of(series_code: str, limit: int = 50) -> list[NumberVoid]:
    return list(db.session.scalars(select(NumberVoid).where(NumberVoid.series_code == series_code)
                                   .order_by(NumberVoid.id.desc()).limit(limit)))
