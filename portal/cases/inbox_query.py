"""The SQL of the Kotak Kerja, built so each part reads an index in due order at any size.

A user gets an open work item in one of a few ways ("branches"): it is assigned to them; it waits,
unassigned, for one of their internal roles (one branch per role); or it waits for the applicant
LSP on one of their organisation's running cases. Each branch is a plain AND of conditions that one
partial index answers in due order: `ix_work_item_open_role_<role>` holds only the open, unassigned
items for that role, `ix_work_item_assignee_open` a person's open items. One query takes the
union of each branch's first COUNT_CAP + 1 ids in due order: the page is a slice of it and its
length the (capped) count, so nothing grows with the number of work items (one OR over all branches could only be read by filtering the
whole open list). The role bit is written as a literal so the database matches the partial index.
"""
from __future__ import annotations

from sqlalchemy import literal_column, select, union

from portal.cases.access import ROLE_BITS
from portal.cases.models import Case, WorkItem
from portal.flows.roles import EXTERNAL_ROLES

ORDER = (WorkItem.due_at.asc().nulls_last(), WorkItem.id)


def _waiting_for(role: str) -> list:
    # The same terms as the index predicate, the bit as a literal (not a bound parameter).
    return [WorkItem.assignee_id.is_(None),
            WorkItem.role_mask.op("&")(literal_column(str(ROLE_BITS[role]))) != literal_column("0")]


def running_cases(*conditions):
    """Ids of running cases matching `conditions`. Only running cases have open work items; saying
    so lets the database skip the closed history."""
    return select(Case.id).where(Case.state == "berjalan", *conditions)


def branches(user) -> list[list]:
    """The conditions of each way `user` gets an open work item (disjoint but for items that wait
    for two of the user's roles; the unions below remove such doubles)."""
    found = [[WorkItem.assignee_id == user.id]]
    internal = sorted(user.role_codes - set(EXTERNAL_ROLES), key=list(ROLE_BITS).index)
    found += [_waiting_for(role) for role in internal if role in ROLE_BITS]
    if "lsp" in user.role_codes and user.organisation_id:
        found.append([*_waiting_for("lsp"),
                      WorkItem.case_id.in_(running_cases(Case.organisation_id == user.organisation_id))])
    return found


def _union(selects: list):
    parts = [s.subquery().select() for s in selects]
    return parts[0] if len(parts) == 1 else union(*parts)


def first_matches(user, conditions: list, take: int):
    """(id, due_at) of the first `take` matching open work items of each branch, without doubles,
    in due order: the page is a slice of it, and its length is the count while no branch reached
    `take` (past that, there are at least `take`). One pass over the indexes serves both."""
    picked = _union([select(WorkItem.id, WorkItem.due_at).where(WorkItem.state == "open", *branch, *conditions)
                     .order_by(*ORDER).limit(take) for branch in branches(user)]).subquery()
    return select(picked.c.id, picked.c.due_at).order_by(picked.c.due_at.asc().nulls_last(), picked.c.id)
