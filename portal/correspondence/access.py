"""Who may see a secret (rahasia) letter: its addressees and PHU.

The case engine asks this for every case marked `sifat = rahasia` (case page, lists, search, CSV,
downloads). Addressees are whoever the letter names: people (`addressee_user_ids`), roles
(`addressee_roles`: the disposer's, the disposition's target units, the reviewers of a draft),
the people named on the case (disposer, follow-up unit, signer) and whoever registered or drafted it.
"""
from __future__ import annotations


def may_view_secret(user, case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if "phu" in user.role_codes:
        return True
    data = case.data or {}
    if case.created_by_id is not None and case.created_by_id == user.id:
        return True
    if user.id in set(data.get("addressee_user_ids", [])):
        return True
    if user.role_codes & set(data.get("addressee_roles", [])):
        return True
    named = {uid for ids in data.get("assignees", {}).values() for uid in ids}
    return user.id in named
