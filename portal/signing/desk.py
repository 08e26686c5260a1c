"""The signer's desk: what each waiting document is, grouped, filtered, searched and paged.

Read-only. A page costs a fixed number of queries whatever the queue holds (rows of one page,
the group sizes, the kind and flow facets, the holiday calendar); what a document *is* comes from
its flow file's declaration, what a letter is about from its case.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import aliased

from portal.accounts.models import Organisation, User
from portal.calendar.services import work_calendar
from portal.cases.models import Case, DocumentVersion
from portal.correspondence.letters import MAIL_FLOWS, counterpart
from portal.core.dates import utcnow
from portal.extensions import db
from portal.flows.definition import KIND_LABELS, DocKind
from portal.flows.registry import get_flow
from portal.signing.models import SignatureRequest

PAGE_SIZE = 50
GROUPINGS = {"kasus": "Per kasus", "jenis": "Per jenis dokumen"}
LETTER_KINDS = (DocKind.LETTER, DocKind.UNDANGAN, DocKind.SPT, DocKind.SK)
CERTIFICATE_KINDS = (DocKind.CERTIFICATE, DocKind.LICENCE_CERTIFICATE)
WORKDAY = timedelta(hours=7)  # 08:00-15:00 WIB


@dataclass(frozen=True)
class DeskFilters:
    """What the signer asked to see: ?jenis=certificate&alur=RCC&q=budi&kelompok=jenis&halaman=2"""

    kind: str = ""
    flow: str = ""
    q: str = ""
    group_by: str = "kasus"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> DeskFilters:
        page = args.get("halaman", "1")
        group_by = args.get("kelompok", "kasus")
        return cls(kind=args.get("jenis", "").strip()[:30], flow=args.get("alur", "").strip()[:10],
                   q=args.get("q", "").strip()[:100], group_by=group_by if group_by in GROUPINGS else "kasus",
                   page=max(1, int(page)) if page.isdigit() else 1)

    def args(self, **changes) -> dict:
        """Query-string arguments of this view (with changes), for links and hidden fields."""
        view = replace(self, **changes)
        values = {"jenis": view.kind, "alur": view.flow, "q": view.q, "kelompok": view.group_by,
                  "halaman": view.page if view.page > 1 else ""}
        return {k: v for k, v in values.items() if v not in ("", None)}


NUMBER_OUTSIDE_PDF = ("Draf unggahan: nomor resmi diberikan saat ditandatangani dan tercatat di registri serta "
                      "kode QR, tetapi tidak tertulis di dalam PDF.")


@dataclass
class DeskRow:
    id: int
    code: str
    kind: str
    kind_label: str
    name: str  # the document's short name in its flow ("Surat persetujuan permohonan")
    subject: str
    addressee: str
    holder: str
    scheme: str
    case_id: int
    case_number: str
    flow_code: str
    flow_name: str
    prepared_by: str
    waiting_since: datetime
    waited: str
    state: str
    error: str | None
    number_note: str | None = None  # an uploaded draft that takes a number: it cannot stand inside the PDF


@dataclass
class DeskGroup:
    key: str  # "kasus:12" | "jenis:certificate" (a value of the form's `groups`)
    label: str
    detail: str
    count: int  # documents in the group under the current filters, on every page
    rows: list[DeskRow] = field(default_factory=list)


@dataclass
class DeskPage:
    filters: DeskFilters
    groups: list[DeskGroup]
    total: int  # documents matching the filters
    waiting: int  # documents waiting for the signer, whatever the filters
    pages: int
    kinds: list[tuple[str, str, int]]  # (kind, label, count)
    flows: list[tuple[str, str, int]]  # (flow code, name, count)

    @property
    def rows(self) -> list[DeskRow]:
        return [row for group in self.groups for row in group.rows]


def _mine(user: User):
    from portal.signing.queue import OPEN_STATES

    return (SignatureRequest.state.in_(OPEN_STATES), SignatureRequest.signer_role.in_(user.role_codes),
            or_(SignatureRequest.signer_user_id.is_(None), SignatureRequest.signer_user_id == user.id))


def _filtered(user: User, filters: DeskFilters):
    conditions = list(_mine(user))
    if filters.kind:
        conditions.append(SignatureRequest.doc_type == filters.kind)
    if filters.flow:
        conditions.append(Case.flow_code == filters.flow)
    if filters.q:
        like = f"%{filters.q}%"
        conditions.append(or_(
            SignatureRequest.title.ilike(like), SignatureRequest.holder_name.ilike(like),
            SignatureRequest.code.ilike(like), Case.number.ilike(like), Case.title.ilike(like),
            Organisation.name.ilike(like), cast(Case.data, String).ilike(like)))
    return conditions


def _joined(query):
    return (query.join(Case, Case.id == SignatureRequest.case_id)
            .outerjoin(Organisation, Organisation.id == Case.organisation_id))


def _group_column(filters: DeskFilters):
    return SignatureRequest.case_id if filters.group_by == "kasus" else SignatureRequest.doc_type


def desk_page(user: User, filters: DeskFilters, now: datetime | None = None) -> DeskPage:
    now = now or utcnow()
    conditions = _filtered(user, filters)
    group_column = _group_column(filters)
    sizes = dict(db.session.execute(_joined(select(group_column, func.count()).select_from(SignatureRequest))
                                    .where(*conditions).group_by(group_column)).all())
    total = sum(sizes.values())
    pages = max(1, -(-total // PAGE_SIZE))
    filters = replace(filters, page=min(filters.page, pages))
    uploader = aliased(User)
    order = ((Case.number.desc(),) if filters.group_by == "kasus" else (SignatureRequest.doc_type,))
    rows = db.session.execute(
        _joined(select(SignatureRequest, Case, Organisation.name, uploader.full_name, DocumentVersion.number_boxes)
                .select_from(SignatureRequest))
        .join(DocumentVersion, DocumentVersion.id == SignatureRequest.source_version_id)
        .outerjoin(uploader, uploader.id == DocumentVersion.uploaded_by_id)
        .where(*conditions)
        .order_by(*order, SignatureRequest.created_at, SignatureRequest.id)
        .offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    calendar = work_calendar()
    groups: dict[str, DeskGroup] = {}
    for request, case, organisation, prepared_by, number_boxes in rows:
        row = _row(request, case, organisation, prepared_by, calendar, now, number_boxes)
        if filters.group_by == "kasus":
            key = f"kasus:{case.id}"
            group = groups.get(key) or DeskGroup(key, f"Kasus {case.number}", f"{row.flow_name} — {case.title}",
                                                 sizes.get(case.id, 0))
        else:
            key = f"jenis:{row.kind}"
            group = groups.get(key) or DeskGroup(key, row.kind_label, "", sizes.get(request.doc_type, 0))
        groups[key] = group
        group.rows.append(row)
    waiting, kinds, flows = _facets(user)
    return DeskPage(filters, list(groups.values()), total, waiting, pages, kinds, flows)


def _facets(user: User) -> tuple[int, list, list]:
    mine = _mine(user)
    by_kind = db.session.execute(select(SignatureRequest.doc_type, func.count()).where(*mine)
                                 .group_by(SignatureRequest.doc_type)).all()
    by_flow = db.session.execute(_joined(select(Case.flow_code, func.count()).select_from(SignatureRequest))
                                 .where(*mine).group_by(Case.flow_code)).all()
    kinds = sorted((kind, KIND_LABELS.get(kind, kind), n) for kind, n in by_kind)
    flows = sorted((code, get_flow(code).name, n) for code, n in by_flow)
    return sum(n for *_, n in kinds), kinds, flows


def _row(request: SignatureRequest, case: Case, organisation: str | None, prepared_by: str | None,
         calendar, now: datetime, number_boxes=None) -> DeskRow:
    flow = get_flow(case.flow_code)
    document = flow.document(request.code)
    number_note = NUMBER_OUTSIDE_PDF if document.series and not request.number and not number_boxes else None
    kind = str(document.kind)
    subject = addressee = holder = scheme = ""
    if document.kind in CERTIFICATE_KINDS:
        holder = request.holder_name or organisation or ""
        scheme = ("Lisensi Lembaga Sertifikasi Profesi" if document.kind == DocKind.LICENCE_CERTIFICATE
                  else (case.data or {}).get("scheme_number") or flow.service)
    elif case.flow_code in MAIL_FLOWS:
        subject, addressee = case.title, counterpart(case)
    else:
        # Assessor and licensing letters answer the case's request and go to its organisation.
        subject, addressee = case.title, organisation or ""
        if request.holder_name:
            holder = request.holder_name
    return DeskRow(
        id=request.id, code=request.code, kind=kind, kind_label=KIND_LABELS[kind], name=document.short_name,
        subject=subject, addressee=addressee, holder=holder, scheme=scheme, case_id=case.id,
        case_number=case.number, flow_code=case.flow_code, flow_name=flow.name,
        prepared_by=prepared_by or "—", waiting_since=request.created_at,
        waited=waited_label(calendar, request.created_at, now), state=request.state, error=request.error,
        number_note=number_note)


def waited_label(calendar, since: datetime, now: datetime) -> str:
    """How long a document has waited, in working time: "3 jam kerja", "2 hari kerja"."""
    elapsed = calendar.working_time_elapsed(since, max(since, now))
    if elapsed >= WORKDAY:
        return f"{elapsed // WORKDAY} hari kerja"
    hours = int(elapsed.total_seconds() // 3600)
    return f"{hours} jam kerja" if hours else "< 1 jam kerja"


def resolve_selection(user: User, ids: list[int], groups: list[str], filters: DeskFilters) -> list[int]:
    """The documents the signer chose: ticked ones plus every document of each chosen group (on
    every page, under the filters the page was showing), in desk order."""
    chosen = set(ids)
    conditions = _filtered(user, filters)
    for group in groups:
        kind, _, value = group.partition(":")
        if kind == "semua":
            extra = ()
        elif kind == "kasus" and value.isdigit():
            extra = (SignatureRequest.case_id == int(value),)
        elif kind == "jenis" and value:
            extra = (SignatureRequest.doc_type == value,)
        else:
            continue
        chosen.update(db.session.scalars(_joined(select(SignatureRequest.id)).where(*conditions, *extra)))
    if not chosen:
        return []
    order = ((Case.number.desc(),) if filters.group_by == "kasus" else (SignatureRequest.doc_type,))
    ordered = list(db.session.scalars(_joined(select(SignatureRequest.id)).where(
        *_mine(user), SignatureRequest.id.in_(chosen)).order_by(*order, SignatureRequest.created_at,
                                                                SignatureRequest.id)))
    # Ticked documents that are no longer waiting for this signer stay in, so they are refused.
    return ordered + sorted(chosen - set(ordered))


def rows_for(user: User, ids: list[int], now: datetime | None = None) -> list[DeskRow]:
    """Desk rows for given documents (a prepared batch), in the order of `ids`."""
    if not ids:
        return []
    uploader = aliased(User)
    found = db.session.execute(
        _joined(select(SignatureRequest, Case, Organisation.name, uploader.full_name, DocumentVersion.number_boxes)
                .select_from(SignatureRequest))
        .join(DocumentVersion, DocumentVersion.id == SignatureRequest.source_version_id)
        .outerjoin(uploader, uploader.id == DocumentVersion.uploaded_by_id)
        .where(SignatureRequest.id.in_(ids))).all()
    calendar = work_calendar()
    now = now or utcnow()
    by_id = {r.id: _row(r, c, o, p, calendar, now, boxes) for r, c, o, p, boxes in found}
    return [by_id[i] for i in ids if i in by_id]


def kind_counts(rows: list[DeskRow]) -> list[tuple[str, int]]:
    """"Sertifikat Kompetensi: 35, Surat: 2" for the confirmation, largest first."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.kind_label] = counts.get(row.kind_label, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
