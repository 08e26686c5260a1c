"""Queries and checks the case screens need, kept out of the views."""
from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select

from portal.accounts.models import User, UserRole
from portal.cases import access, engine
from portal.cases.models import Case, CaseItem, DocumentVersion
from portal.cases.visibility import visible_to
from portal.extensions import db
from portal.flows.registry import FLOWS
from portal.flows.roles import EXTERNAL_ROLES


def load_case_for(user, number: str) -> Case:
    """The case, or 404 for anyone who may not see it (its existence is not revealed)."""
    case = db.session.scalar(select(Case).where(Case.number == number))
    if case is None or not engine.can_view(user, case):
        abort(404)
    return case


def flows_user_may_open(user) -> list:
    """Flows whose first step one of the user's roles performs (e.g. LSP: RCC, ASKOM, LIS)."""
    return [flow for flow in FLOWS.values() if user.role_codes & set(flow.steps[0].roles)]


def can_view_document(user, case: Case, version: DocumentVersion) -> bool:
    return access.can_view_document(user, case, version)


def cases_for(user, q: str = "", page: int = 1):
    """The cases ``user`` may see, filtered and counted in SQL (portal.cases.visibility)."""
    query = select(Case).where(visible_to(user))
    if q.strip():
        query = query.where(or_(Case.number.ilike(f"%{q.strip()}%"), Case.title.ilike(f"%{q.strip()}%")))
    return db.paginate(query.order_by(Case.id.desc()), page=page, per_page=25, error_out=False)


def candidates_for(step) -> list[User]:
    """People who may be named for a step (holders of its role, enabled)."""
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role.in_(step.roles), User.is_enabled.is_(True))
        .order_by(User.full_name).distinct()
    ))


def is_internal(user) -> bool:
    return bool(user.role_codes - set(EXTERNAL_ROLES))
