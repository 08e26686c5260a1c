"""Number series (case numbers, agenda numbers, letter numbers): never duplicated, never skipped."""
