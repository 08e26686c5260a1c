"""Notifications: in-app notices with a bell, e-mail (at once or a daily digest), SLA reminders and
escalation, unassigned steps surfaced, and the management dashboard."""
