"""Who may see a secret (rahasia) letter: its addressees and PHU."""
from __future__ import annotations


def may_view_secret(user, case) -> bool:
    if "phu" in user.role_codes:
        return True
    data = case.data or {}
    allowed_users = set(data.get("addressee_user_ids", []))
    allowed_roles = set(data.get("addressee_roles", []))
    return user.id in allowed_users or bool(user.role_codes & allowed_roles) or (
        case.created_by_id is not None and case.created_by_id == user.id)
