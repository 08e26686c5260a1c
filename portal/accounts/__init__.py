"""Accounts: users, roles, organisations, login with throttling, self-registration."""
