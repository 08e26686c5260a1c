"""Throwaway PostgreSQL schemas for tests and benchmarks: each run gets its own, dropped after."""
from __future__ import annotations

import os
import secrets
from typing import Callable

from sqlalchemy import create_engine, text


def scratch_schema(base_url: str, prefix: str = "t") -> tuple[str, Callable[[], None]]:
    """Create a fresh schema; return a database URL whose search_path is that schema, and `drop`."""
    from portal import normalise_database_url

    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(normalise_database_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    url = f"{normalise_database_url(base_url)}{sep}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, drop
