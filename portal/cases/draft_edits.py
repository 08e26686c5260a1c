"""Editing a generated draft from the case screen before it goes to the signer.

A draft rendered from an official template (portal.cases.drafts.generate_draft) keeps its context
with the case, under case.data["drafts"][slot]; the drafter changes the fields a kind allows
(portal.documents.editing), the PDF is rendered again from the same template and stored as the
slot's next version. Only the newest version of a slot is editable, and only while it is the
rendered one (a PDF uploaded afterwards is not overwritten by an edit of an older context).
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.audit.services import record
from portal.cases.access import flow_of, may_act_on
from portal.cases.documents import item_key, latest_documents, upload_document
from portal.cases.errors import CaseError
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.cases.timeline import note
from portal.documents.editing import EditableField, apply_edits, editable_fields, form_values, from_data, to_data

DRAFTS = "drafts"  # key in case.data


class DraftInvalid(Exception):
    """The submitted edit was refused field by field; nothing was stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class EditableDraft:
    code: str
    kind: str  # the portal.documents.pdf kind ("letter", "spt", "sk", "undangan")
    context: object
    version: DocumentVersion  # the slot's newest version, rendered from `context`

    @property
    def fields(self) -> tuple[EditableField, ...]:
        return editable_fields(self.context)

    @property
    def values(self) -> dict[str, str]:
        return form_values(self.context)


def _slot(code: str, key: str) -> str:
    return f"{code}@{key}" if key else code


def remember(case: Case, version: DocumentVersion, kind: str, context) -> None:
    """Keep the context a draft was rendered from, so the drafter can change it later."""
    if not editable_fields(context):
        return  # e.g. a certificate: nothing a drafter changes
    drafts = dict((case.data or {}).get(DRAFTS) or {})
    drafts[_slot(version.code, version.item_key)] = {"kind": kind, "context": to_data(context),
                                                     "version_id": version.id}
    case.data = {**(case.data or {}), DRAFTS: drafts}  # a new dict: the JSON column sees the change


def codes_editable_at(case: Case, work: WorkItem) -> tuple[str, ...]:
    """Drafts this step makes, and the drafts of what it signs (the signer may correct one, as they may
    upload a corrected draft there)."""
    flow = flow_of(case)
    step = flow.step(work.step_key)
    signed_drafts = [flow.document(code).draft for code in step.signs if flow.document(code).draft]
    return tuple(dict.fromkeys([*step.produces, *signed_drafts]))


def editable_draft(case: Case, work: WorkItem, code: str, latest: dict | None = None) -> EditableDraft | None:
    """The draft of `code` at this work item, if one rendered from a template is the slot's newest."""
    if work.state != "open" or code not in codes_editable_at(case, work):
        return None
    key = item_key(work.item)
    stored = ((case.data or {}).get(DRAFTS) or {}).get(_slot(code, key))
    if not stored:
        return None
    newest = (latest if latest is not None else latest_documents(case)).get((code, key))
    if newest is None or newest.id != stored.get("version_id"):
        return None
    try:
        context = from_data(stored["context"])
    except (KeyError, TypeError, ValueError):
        return None
    return EditableDraft(code=code, kind=stored["kind"], context=context, version=newest)


def drafts_user_may_edit(user, case: Case, work: WorkItem, latest: dict | None = None) -> list[EditableDraft]:
    """What the case screen offers this user as "Ubah draf …" at this work item."""
    if work.state != "open" or not may_act_on(user, case, work):
        return []
    latest = latest if latest is not None else latest_documents(case)
    found = (editable_draft(case, work, code, latest) for code in codes_editable_at(case, work))
    return [draft for draft in found if draft is not None]


def draft_for_editing(case: Case, work: WorkItem, code: str, actor) -> EditableDraft:
    """The draft `actor` opens to edit; refuses anyone who may not act on the work item."""
    if work.state != "open" or not may_act_on(actor, case, work):
        raise CaseError("Anda tidak dapat mengubah draf pada langkah ini.", 403)
    draft = editable_draft(case, work, code)
    if draft is None:
        raise CaseError(f"Draf {code} tidak dapat diubah di sini; buat draf dari templat resmi terlebih dahulu.", 404)
    return draft


def edit_draft(case: Case, work: WorkItem, code: str, form, actor) -> DocumentVersion:
    """Apply the form to the stored draft, render it again and store it as the slot's next version.

    Raises DraftInvalid (the messages per field) before anything is rendered or stored.
    """
    from portal.documents.pdf import render_pdf

    draft = draft_for_editing(case, work, code, actor)
    edited, errors = apply_edits(draft.context, form)
    if errors:
        raise DraftInvalid(errors)
    before, after = draft.values, form_values(edited)
    changed = [f for f in draft.fields if before.get(f.name) != after.get(f.name)]
    rendered = render_pdf(draft.kind, edited)
    box = rendered.signature_box
    labels = ", ".join(_short(f.label) for f in changed) or "tanpa perubahan isi"
    version = upload_document(
        case, code, draft.version.filename, rendered.data, actor, work=work, check=False,
        note=f"Draf diubah: {labels}"[:500],
        signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2], number_boxes=rendered.number_boxes_json)
    remember(case, version, draft.kind, edited)
    note(case, actor, f"Draf {code} diubah (versi {version.version}): {labels}", step_key=work.step_key)
    record("case.draft_edited", case, actor=actor,
           detail={"code": code, "version": version.version, "fields": [f.name for f in changed]})
    return version


def _short(label: str) -> str:
    return label.split(" (", 1)[0]
