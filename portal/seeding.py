"""Demo data beyond accounts; each area adds its own seeding step here."""


def seed_everything_else() -> None:
    from portal.calendar.services import seed_default_holidays

    seed_default_holidays()
