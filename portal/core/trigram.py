"""Trigram indexes (PostgreSQL's pg_trgm) for substring search: `LIKE '%word%'` and `ILIKE` read
a GIN index instead of every row. The extension is created in schema `public` when missing (it is
a trusted extension: the database owner may create it); where that is not permitted the indexes are
simply left out and searches still work, scanning as before. SQLite has no such index.

Models declare such an index with ``.ddl_if(callable_=trigram_available)`` and the operator class
``OPS`` (schema-qualified, so it is found whatever the connection's search_path)."""
from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
SCHEMA = "public"
OPS = f"{SCHEMA}.gin_trgm_ops"


def _installed_in(connection) -> str | None:
    return connection.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()


def ensure_extension(connection) -> bool:
    """True when `OPS` can be used on this PostgreSQL connection (creating pg_trgm if need be)."""
    if connection is None or connection.dialect.name != "postgresql":
        return False
    schema = _installed_in(connection)
    if schema is None:
        try:
            with connection.begin_nested():
                connection.execute(text(f"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA {SCHEMA}"))
        except DBAPIError as exc:  # not permitted, or created at this moment by another process
            log.warning("pg_trgm not created (%s): substring search runs without its index", exc.orig)
        schema = _installed_in(connection)
    if schema not in (None, SCHEMA):
        log.warning("pg_trgm is installed in schema %s, not %s: trigram indexes left out", schema, SCHEMA)
    return schema == SCHEMA


def trigram_available(ddl, target, bind, **kw) -> bool:
    """`ddl_if` callable: create the index only where the extension is usable."""
    return ensure_extension(bind)
