"""Bulk statements (UPDATE … WHERE …) next to pending ORM changes.

Autoflush writes every pending change before any statement, so a bulk UPDATE in the middle of a
case action pays for a whole flush it does not need. :func:`execute_on` flushes only when objects
of the tables the statement touches are pending; everything else waits for the next flush.
"""
from __future__ import annotations

from portal.extensions import db


def execute_on(models: tuple[type, ...], statement):
    """Execute `statement`, which reads and writes only the tables of `models`: their pending
    objects are flushed first (as autoflush would), other pending changes are left pending."""
    session = db.session()
    if any(isinstance(obj, models) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.flush()
    with session.no_autoflush:
        return session.execute(statement)
