"""Bulk loading for the benchmarks: PostgreSQL COPY (a million cases in minutes), Core executemany
on SQLite. Rows are plain dicts with the same keys; JSON columns are sent as JSON text."""
from __future__ import annotations

import json

from sqlalchemy import JSON, insert


def load(session, table, rows: list[dict]) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    names = ", ".join(f'"{c}"' for c in columns)
    raw = connection.connection.driver_connection  # the psycopg connection, inside the session's transaction
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                            for c in columns])
