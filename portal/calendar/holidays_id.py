"""Default Indonesian holiday list (libur nasional and cuti bersama) used to seed the admin-editable calendar."""
from __future__ import annotations

from datetime import date

# "public" = libur nasional; "government" = cuti bersama for civil servants, which BNSP observes.
HOLIDAY_CATEGORIES = ("public", "government")


def default_holidays(year: int) -> list[tuple[date, str]]:
    """National holidays and cuti bersama of `year`, sorted by date, named in Bahasa Indonesia.

    Taken from the `holidays` package; cuti bersama is decreed yearly (SKB 3 Menteri), so the
    result is a starting point that an admin corrects, not the source of truth.
    Two holidays on the same date come back as one entry with names joined by "; ".
    """
    import holidays  # imported lazily: only seeding needs it, not every request

    calendar = holidays.country_holidays(
        "ID", years=year, categories=HOLIDAY_CATEGORIES, language="id"
    )
    return sorted(calendar.items())
