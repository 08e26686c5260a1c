"""Administration: internal users, their roles, activation; the audit trail."""
