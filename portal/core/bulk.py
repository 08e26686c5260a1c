"""Bulk statements (UPDATE … WHERE …) next to pending ORM changes.

Autoflush writes every pending change before any statement, so a bulk UPDATE in the middle of a
case action pays for a whole flush it does not need. :func:`execute_on` flushes only when objects
of the tables the statement touches are pending; everything else waits for the next flush.
"""
from __future__ import annotations

from contextlib import contextmanager

from portal.extensions import db


def execute_on(models: tuple[type, ...], statement):
    """Execute `statement`, which reads and writes only the tables of `models`: their pending
    objects are flushed first (as autoflush would), other pending changes are left pending."""
    session = db.session()
    if any(isinstance(obj, models) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.flush()
    with session.no_autoflush:
        return session.execute(statement)


GATHERED = "bulk_gathered"


def execute_in(models: tuple[type, ...], key, ids, build) -> None:
    """Execute ``build(ids)`` (a statement of the tables of `models` that affects exactly the rows
    of these ids) now; inside :func:`gathered`, once at its end for every id gathered under `key`
    (a signing group moving several cases on cancels their queue entries in one statement)."""
    session = db.session()
    waiting = session.info.get(GATHERED)
    if waiting is None:
        execute_on(models, build(list(ids)))
        return
    waiting.setdefault(key, (models, build, []))[2].extend(ids)


@contextmanager
def gathered():
    """Statements given to :func:`execute_in` inside run together when the block ends."""
    session = db.session()
    if GATHERED in session.info:
        yield  # an outer block runs them
        return
    session.info[GATHERED] = {}
    try:
        yield
    except BaseException:
        session.info.pop(GATHERED, None)
        raise
    for models, build, ids in session.info.pop(GATHERED).values():
        execute_on(models, build(list(dict.fromkeys(ids))))
