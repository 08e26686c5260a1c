"""No case stalls unseen: running cases with no open work item that anyone can act on now.

A work item can be acted on when its named person is enabled, or (nobody named) when an enabled
person holds one of its internal roles, or it is the applicant's step and the applicant organisation
has an enabled user. External roles other than the applicant act only where the case names them."""
from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User, UserRole
from portal.cases.access import ROLE_BITS, role_mask
from portal.cases.models import Case, WorkItem
from portal.extensions import db
from portal.flows.roles import EXTERNAL_ROLES


def _held_internal_mask() -> int:
    held = db.session.scalars(select(UserRole.role).distinct().join(User, User.id == UserRole.user_id)
                              .where(User.is_enabled.is_(True))).all()
    return role_mask(set(held) - set(EXTERNAL_ROLES))


def actionable_work():
    """A condition on WorkItem: open and someone can act on it now."""
    assignee = aliased(User)
    applicant = aliased(User)
    internal = _held_internal_mask()
    named_ok = exists().where(assignee.id == WorkItem.assignee_id, assignee.is_enabled.is_(True))
    applicant_ok = and_(WorkItem.role_mask.op("&")(ROLE_BITS["lsp"]) != 0, exists().where(
        applicant.organisation_id == Case.organisation_id, applicant.is_enabled.is_(True),
        Case.id == WorkItem.case_id))
    unnamed_ok = or_(WorkItem.role_mask.op("&")(internal) != 0 if internal else false(), applicant_ok)
    return and_(WorkItem.state == "open", or_(and_(WorkItem.assignee_id.is_not(None), named_ok),
                                              and_(WorkItem.assignee_id.is_(None), unnamed_ok)))


def stalled_cases(limit: int = 50) -> list[Case]:
    """Running cases nobody can move on, oldest change first."""
    movable = select(WorkItem.case_id).where(actionable_work())
    return list(db.session.scalars(select(Case).where(Case.state == "berjalan", Case.id.not_in(movable))
                                   .order_by(Case.updated_at, Case.id).limit(limit)))
