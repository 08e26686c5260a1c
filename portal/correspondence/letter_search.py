"""Substring search over the letters' index rows (`letter_index.search_text`, lower-cased numbers,
subject, sender / addressee), read through an index on both databases:

- PostgreSQL: a pg_trgm GIN index on the column (sla_index.LetterIndex), used by `LIKE '%…%'`.
- SQLite: an FTS5 table with the trigram tokenizer (`letter_search`, rowid = case id), kept next to
  the index rows by sla_index.refresh(); `LIKE '%…%'` on it reads the trigram index.
Patterns shorter than three characters, or holding LIKE's wildcards, fall back to a plain LIKE, and
so does a text found in more than PROBE_LIMIT letters (matches are then dense: reading the list in
its order finds a page at once).
"""
from __future__ import annotations

from sqlalchemy import DDL, event, func, literal_column, select, table, text

from portal.extensions import db

FTS_TABLE = "letter_search"
CREATE_FTS = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, tokenize='trigram')"
_fts = table(FTS_TABLE)
PROBE_LIMIT = 1000


def attach(letter_table) -> None:
    """Create / drop the SQLite search table with the index table (db.create_all, tests)."""
    event.listen(letter_table, "after_create", DDL(CREATE_FTS).execute_if(dialect="sqlite"))
    event.listen(letter_table, "after_drop", DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"))


_ready: dict[str, bool] = {}


def _sqlite(fresh: bool = False) -> bool:
    """SQLite with the search table (a database built before it by create_all has none: plain LIKE).
    Readers use the answer remembered per database; writers ask afresh, so rows are never missed."""
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    key = str(bind.url)
    if fresh or key not in _ready:
        _ready[key] = db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"),
                                         {"name": FTS_TABLE}).first() is not None
    return _ready[key]


def store(rows: list[dict]) -> None:
    """Replace the search rows of these letters (SQLite; PostgreSQL indexes the column itself)."""
    if not rows or not _sqlite(fresh=True):
        return
    ids = [row["case_id"] for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(map(str, chunk))})"))
    db.session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, search_text) VALUES (:case_id, :search_text)"),
                       [{"case_id": r["case_id"], "search_text": r["search_text"] or ""} for r in rows])


def matches(column_case_id, column_text, q: str):
    """SQL condition: the letter's search text contains `q` (case-insensitive, % and _ literal)."""
    needle = q.lower()
    if _sqlite() and len(needle) >= 3 and not any(c in needle for c in "%_\\"):
        found = select(literal_column("rowid")).select_from(_fts).where(
            literal_column("search_text").like(f"%{needle}%"))
        # The trigram index finds a rare text at once, but a common one (a sender's name in every
        # sixth letter) is cheaper to check row by row along the list's order: ask it how many first.
        probe = select(func.count()).select_from(found.limit(PROBE_LIMIT + 1).subquery())
        if db.session.scalar(probe) <= PROBE_LIMIT:
            return column_case_id.in_(found)
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column_text.like(f"%{escaped}%", escape="\\")
