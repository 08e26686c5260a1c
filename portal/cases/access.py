"""Who may see a case, act on its work, and open each of its documents.

Document visibility comes from the flow file's declarations (`Document.seen_by`): internal staff see
every document; an external user sees only what is declared for them (the applicant organisation,
the participant a document belongs to, the people named on the case).
"""
from __future__ import annotations

from portal.accounts.models import User
from portal.cases.models import Case, CaseItem, DocumentVersion, WorkItem
from portal.extensions import db
from portal.flows import machine
from portal.flows.definition import Flow, Kind, Transition
from portal.flows.registry import get_flow
from portal.flows.roles import EXTERNAL_ROLES, ROLES

ROLE_BITS: dict[str, int] = {code: 1 << index for index, code in enumerate(ROLES)}


def role_mask(roles) -> int:
    mask = 0
    for role in roles:
        mask |= ROLE_BITS.get(role, 0)
    return mask


def flow_of(case: Case) -> Flow:
    return get_flow(case.flow_code)


def is_internal(user: User) -> bool:
    return bool(user.role_codes - set(EXTERNAL_ROLES))


def assignees(case: Case, named_actor: str | None) -> list[int]:
    if not named_actor:
        return []
    return list((case.data or {}).get("assignees", {}).get(named_actor, []))


def named_people(case: Case) -> set[int]:
    """Everyone named on the case for some slot (MA in an SPT, an assessor team, a signer)."""
    return {uid for ids in (case.data or {}).get("assignees", {}).values() for uid in ids}


def owns_case(user: User, case: Case) -> bool:
    return bool(user.organisation_id) and case.organisation_id == user.organisation_id


def can_view(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if (case.data or {}).get("sifat") == "rahasia":
        # Secret letters: only their addressees and PHU (portal/correspondence decides).
        from portal.correspondence.access import may_view_secret

        return may_view_secret(user, case)
    if is_internal(user):
        return True
    roles = user.role_codes
    if "lsp" in roles and owns_case(user, case):
        return True
    if "peserta" in roles and any(item.user_id == user.id for item in case.items):
        return True
    return user.id in named_people(case)


def can_view_document(user: User, case: Case, version: DocumentVersion) -> bool:
    """Internal staff see every document; others only what the flow declares visible to them."""
    if not can_view(user, case):
        return False
    if is_internal(user) or version.uploaded_by_id == user.id:
        return True
    flow = flow_of(case)
    if version.code not in flow.document_codes:
        return False
    audiences = set(flow.document(version.code).seen_by)
    roles = user.role_codes
    if "applicant" in audiences and "lsp" in roles and owns_case(user, case):
        return True
    if "participant" in audiences and "peserta" in roles:
        if version.item_key:
            item = db.session.get(CaseItem, int(version.item_key.split(":", 1)[1]))
            if item is not None and item.user_id == user.id:
                return True
        elif any(item.user_id == user.id for item in case.items):
            return True
    return "assigned" in audiences and user.id in named_people(case)


def may_act_on(user: User, case: Case, work: WorkItem, transition: Transition | None = None) -> bool:
    """Whether `user` may act on this open work item (optionally: take this transition)."""
    step = flow_of(case).step(work.step_key)
    roles = set(transition.roles or step.roles) if transition else set(step.roles)
    held = user.role_codes & roles
    if not held:
        return False
    if work.assignee_id is not None:
        # A named person (MA in the SPT, the peserta themself, the chosen signer) narrows the role.
        return work.assignee_id == user.id or (transition is not None and transition.kind is Kind.WITHDRAW
                                                and owns_case(user, case))
    if held <= {"lsp"}:
        return owns_case(user, case)
    if held <= set(EXTERNAL_ROLES):
        return False  # an external role acts only where the case names them
    return True


def actions_for(user: User, case: Case, work: WorkItem, present: set[str]) -> list[tuple[Transition, tuple[str, ...]]]:
    """Every action of the step this user may take, each with the documents it still misses."""
    step = flow_of(case).step(work.step_key)
    return [(transition, machine.missing_documents(step, transition, present))
            for transition in step.transitions if may_act_on(user, case, work, transition)]
