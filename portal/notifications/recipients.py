"""Who is told: the people who may act on a work item, the applicant side of a case, the holders
of a role, and those a document is addressed to (from the flow file's `seen_by`)."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.cases.access import may_act_on, named_people
from portal.cases.models import Case, CaseItem, WorkItem
from portal.extensions import db
from portal.flows.registry import get_flow
from portal.flows.roles import EXTERNAL_ROLES


def role_holders(*roles: str, memo: dict | None = None) -> list[User]:
    """Enabled users holding any of `roles`; `memo` keeps answers across one pass of notices."""
    if not roles:
        return []
    if memo is not None:
        if roles not in memo:
            memo[roles] = role_holders(*roles)
        return memo[roles]
    return list(db.session.scalars(
        select(User).where(User.is_enabled.is_(True),
                           User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
        .order_by(User.id)))


def holders_of(case: Case, work: WorkItem, memo: dict | None = None) -> list[User]:
    """Everyone who may act on the open work item now (the named person, else the role holders)."""
    if work.assignee_id is not None:
        user = db.session.get(User, work.assignee_id)
        return [user] if user is not None and user.is_enabled else []
    step = get_flow(case.flow_code).step(work.step_key)
    return [user for user in role_holders(*step.roles, memo=memo) if may_act_on(user, case, work)]


def applicant_side(case: Case) -> list[User]:
    """The applicant organisation's users and the case's participants (who hear its decision)."""
    ids = {item.user_id for item in case.items if item.kind == "participant" and item.user_id}
    query = select(User).where(User.is_enabled.is_(True), User.id.in_(ids or [0]))
    if case.organisation_id:
        query = select(User).where(User.is_enabled.is_(True), (User.id.in_(ids or [0]))
                                   | (User.organisation_id == case.organisation_id))
    return list(db.session.scalars(query.order_by(User.id)))


def addressees(case: Case, code: str, item_key: str = "") -> list[User]:
    """External people a document is addressed to, by its declared audiences."""
    return addressees_by_item(case, code, [item_key])[item_key]


def addressees_by_item(case: Case, code: str, item_keys) -> dict[str, list[User]]:
    """`addressees` for several copies of one document (a certificate per participant) at once:
    the same few queries whatever their number."""
    audiences = set(get_flow(case.flow_code).document(code).seen_by)
    common: set[int] = set()
    if "applicant" in audiences and case.organisation_id:
        common |= set(db.session.scalars(select(User.id).where(User.organisation_id == case.organisation_id)))
    if "assigned" in audiences:
        common |= named_people(case)
    per_key: dict[str, set[int]] = {}
    keyed = {key: int(key.split(":", 1)[1]) for key in item_keys if key}
    holder = dict(db.session.execute(select(CaseItem.id, CaseItem.user_id).where(CaseItem.id.in_(set(keyed.values()))))
                  .all()) if keyed and "participant" in audiences else {}
    for item_key in dict.fromkeys(item_keys):
        ids = set(common)
        if "participant" in audiences:
            if item_key:
                ids |= {holder[keyed[item_key]]} if holder.get(keyed[item_key]) else set()
            else:
                ids |= {item.user_id for item in case.items if item.kind == "participant" and item.user_id}
        per_key[item_key] = ids
    everyone = set().union(*per_key.values()) if per_key else set()
    users = list(db.session.scalars(select(User).where(User.id.in_(everyone or [0]), User.is_enabled.is_(True))
                                    .order_by(User.id)))
    return {key: [user for user in users if user.id in ids] for key, ids in per_key.items()}


def is_external(user: User) -> bool:
    return bool(user.role_codes) and user.role_codes <= set(EXTERNAL_ROLES)
