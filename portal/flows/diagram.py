"""Swimlane SVG of a flow, drawn from its declaration (see layout.py), with a case's progress.

The SVG has no inline styles (the site's CSP forbids them): geometry uses presentation
attributes, colours come from the classes in static/css/flows.css, with plain defaults as
attributes so the drawing stays legible without the stylesheet.
"""
from __future__ import annotations

from collections.abc import Collection
from html import escape

from portal.flows.definition import END_LABELS, ENDS, PER_LABELS, Flow, Kind, Step, Transition
from portal.flows.layout import BOX_H, BOX_W, COL_W, LABEL_W, LANE_PAD, LEGEND_H, ROW_GAP, STAGE_H, Layout, layout

SVG_NS = "http://www.w3.org/2000/svg"
TITLE_SIZE = 11
TITLE_LINES = 3
TEXT_W = BOX_W - 14  # usable width inside a box
END_W, END_H = 84, 30


def legend(flow: Flow) -> list[tuple[str, str]]:
    """The flow's document legend as (code, name) pairs, in the decree's order."""
    return [(document.code, document.title) for document in flow.documents]


def size_class(flow: Flow) -> str:
    """CSS class giving wide diagrams a minimum width (in steps of 4 columns) so text stays legible."""
    columns = layout(flow).columns
    return f"flow-diagram--cols-{min(40, -(-columns // 4) * 4)}"


def render_flow_svg(flow: Flow, current: Collection[str] = frozenset(),
                    done: Collection[str] = frozenset()) -> str:
    """Standalone SVG of the flow; `current` and `done` step keys get their own classes."""
    geo = layout(flow)
    prefix = f"flow-{flow.code.lower()}"
    parts = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {geo.width:g} {geo.height:g}" '
        f'class="flow-diagram {size_class(flow)}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" '
        'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{prefix}-title">{_t(f"Diagram {flow.name} (Lampiran {flow.lampiran})")}</title>',
        f'<desc id="{prefix}-desc">{_t(_description(flow, current))}</desc>',
        _markers(prefix),
    ]
    parts += _bands(geo)
    parts += _lanes(geo)
    parts.append('<g class="flow-arrows">')
    parts += _arrows(flow, geo, prefix)
    parts.append("</g>")
    for step in flow.steps:
        parts.append(_step_box(flow, step, geo, current, done))
    parts += _ends(geo)
    parts += _key(geo)
    parts.append("</svg>")
    return "\n".join(parts)


def _t(text: str) -> str:
    return escape(text, quote=True)


def _description(flow: Flow, current: Collection[str]) -> str:
    steps = "; ".join(f"{flow.number_of(s.key)}. {s.title} ({s.lane})" for s in flow.steps)
    now = [flow.step(key).title for key in current if flow.has_step(key)]
    return f"Langkah: {steps}." + (f" Sedang berjalan: {', '.join(now)}." if now else "")


def _markers(prefix: str) -> str:
    markers = []
    for variant, fill in (("", "#4a5568"), ("-reject", "#c0392b"), ("-return", "#7f8c8d"), ("-escalate", "#b7791f")):
        markers.append(
            f'<marker id="{prefix}-arrow{variant}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{fill}" class="flow-arrowhead flow-arrowhead{variant or "-default"}"/>'
            "</marker>"
        )
    return "<defs>" + "".join(markers) + "</defs>"


def _bands(geo: Layout) -> list[str]:
    parts = []
    for band in geo.bands:
        x = LABEL_W + band.first * COL_W + 3
        width = (band.last - band.first + 1) * COL_W - 6
        y = band.row * STAGE_H + 2
        parts.append(
            f'<g class="flow-stage"><rect x="{x:g}" y="{y:g}" width="{width:g}" height="{STAGE_H - 6}" rx="4" '
            f'fill="#e8eef6" stroke="#9fb3c8"/>'
            f'<text x="{x + width / 2:g}" y="{y + STAGE_H / 2 + 1:g}" text-anchor="middle" '
            f'class="flow-stage-label" font-weight="bold">{_t(band.title)}</text></g>'
        )
    return parts


def _lanes(geo: Layout) -> list[str]:
    parts = []
    for index, (title, top, height) in enumerate(zip(geo.lanes, geo.lane_tops, geo.lane_heights)):
        parity = "odd" if index % 2 else "even"
        fill = "#f7f9fb" if index % 2 else "#ffffff"
        parts.append(
            f'<g class="flow-lane flow-lane--{parity}">'
            f'<rect x="0" y="{top:g}" width="{geo.width:g}" height="{height:g}" fill="{fill}" stroke="#d0d7de"/>'
            f'<rect x="0" y="{top:g}" width="{LABEL_W - 10}" height="{height:g}" fill="#eef2f6" '
            'class="flow-lane-header"/>'
        )
        lines = _wrap(title, LABEL_W - 26, 3, 13 * 1.1)
        first = top + height / 2 - (len(lines) - 1) * 8 + 4
        parts.append(_text_lines(lines, 10, first, 16, 'class="flow-lane-label" font-size="13" font-weight="bold"'))
        parts.append("</g>")
    return parts


def _step_box(flow: Flow, step: Step, geo: Layout, current: Collection[str], done: Collection[str]) -> str:
    cell = geo.cells[step.key]
    x, y = cell.x, cell.y
    classes = ["flow-step"]
    if step.key in current:
        classes.append("flow-step--current")
    elif step.key in done:
        classes.append("flow-step--done")
    if step.automatic:
        classes.append("flow-step--system")
    if step.signs:
        classes.append("flow-step--sign")
    if any(t.kind is Kind.WITHDRAW for t in step.transitions):
        classes.append("flow-step--withdrawable")
    number = flow.number_of(step.key)
    docs = ", ".join(code for code in flow.document_codes if code in step.document_codes)
    title_lines = _wrap(step.title, TEXT_W, TITLE_LINES, TITLE_SIZE)
    parts = [
        f'<g class="{" ".join(classes)}" data-step="{_t(step.key)}">',
        f"<title>{_t(_tooltip(flow, step, current, done))}</title>",
        f'<rect x="{x:g}" y="{y:g}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#ffffff" stroke="#4a5568" '
        'stroke-width="1.5" class="flow-step-box"/>',
        f'<circle cx="{x + 13:g}" cy="{y + 13:g}" r="10" fill="#4a5568" class="flow-step-badge"/>',
        f'<text x="{x + 13:g}" y="{y + 17:g}" text-anchor="middle" font-size="11" font-weight="bold" '
        f'fill="#ffffff" class="flow-step-number">{number}</text>',
    ]
    if step.per:
        parts.append(f'<text x="{x + BOX_W - 6:g}" y="{y + 17:g}" text-anchor="end" font-size="10" '
                     f'class="flow-step-per">{_t(PER_LABELS[step.per])}</text>')
    parts.append(_text_lines(title_lines, x + 7, y + 38, 14, f'class="flow-step-title" font-size="{TITLE_SIZE:g}"'))
    if docs:
        # Codes take a second line when the title leaves room for it.
        doc_lines = _wrap(docs, TEXT_W, 2 if len(title_lines) < TITLE_LINES else 1, 11 * 1.1)
        parts.append(_text_lines(doc_lines, x + 7, y + 82 - 13 * (len(doc_lines) - 1), 13,
                                 'class="flow-step-docs" font-size="11" font-weight="bold"'))
    marks = " ".join(m for m, on in (("TTE", step.signs), ("No.", step.numbers), ("Otomatis", step.automatic)) if on)
    if marks:
        parts.append(f'<text x="{x + 7:g}" y="{y + BOX_H - 7:g}" font-size="10" '
                     f'class="flow-step-marks">{_t(marks)}</text>')
    sla_class = "flow-step-sla flow-step-sla--assumed" if step.sla.assumed else "flow-step-sla"
    parts.append(f'<text x="{x + BOX_W - 7:g}" y="{y + BOX_H - 7:g}" text-anchor="end" font-size="11" '
                 f'font-weight="bold" class="{sla_class}">{_t(step.sla.label)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _tooltip(flow: Flow, step: Step, current: Collection[str], done: Collection[str]) -> str:
    lines = [f"{flow.number_of(step.key)}. {step.title}", f"Pelaksana: {step.lane}"]
    if step.document_codes:
        lines.append("Dokumen: " + "; ".join(f"{c} = {flow.document_name(c)}" for c in step.document_codes))
    if step.signs:
        lines.append("Ditandatangani secara elektronik: " + ", ".join(step.signs))
    sla = step.sla.label.rstrip("*") + (" (asumsi)" if step.sla.assumed else "")
    lines.append(f"Batas waktu: {sla}")
    if any(t.kind is Kind.WITHDRAW for t in step.transitions):
        lines.append("Pemohon dapat menarik permohonan pada langkah ini.")
    if step.key in current:
        lines.append("Status: sedang berjalan")
    elif step.key in done:
        lines.append("Status: selesai")
    return "\n".join(lines)


def _arrows(flow: Flow, geo: Layout, prefix: str) -> list[str]:
    parts = []
    returns_seen = 0
    for step in flow.steps:
        src = geo.cells[step.key]
        for t in step.transitions:
            if t.kind is Kind.WITHDRAW:
                continue
            for target in t.targets:
                key = f"{target}@{step.key}" if target in ENDS else target
                dst = geo.cells[key]
                if t.kind is Kind.RETURN:
                    parts.append(_arrow(_return_path(src, dst, returns_seen), "return", prefix, step, t))
                    returns_seen += 1
                else:
                    variant = "reject" if t.kind is Kind.REJECT else ("approve" if t.kind is Kind.APPROVE else "")
                    parts.append(_arrow(_forward_path(src, dst), variant, prefix, step, t))
    from portal.cases.timers import timer_label  # the unit of days follows the configured reading

    for timer in flow.timers:
        src = geo.cells[timer.steps[-1]]
        dst = geo.cells[timer.target]
        parts.append(
            f'<path d="{_forward_path(src, dst)}" fill="none" stroke="#b7791f" stroke-width="1.5" '
            f'stroke-dasharray="2 4" class="flow-arrow flow-arrow--escalate" '
            f'marker-end="url(#{prefix}-arrow-escalate)"><title>{_t(timer_label(timer))}</title></path>'
        )
    return parts


def _arrow(path: str, variant: str, prefix: str, step: Step, t: Transition) -> str:
    classes = "flow-arrow" + (f" flow-arrow--{variant}" if variant else "")
    stroke = {"reject": "#c0392b", "return": "#7f8c8d"}.get(variant, "#4a5568")
    dash = {"reject": ' stroke-dasharray="6 4"', "return": ' stroke-dasharray="3 3"'}.get(variant, "")
    marker = f"{prefix}-arrow" + ({"reject": "-reject", "return": "-return"}.get(variant, ""))
    return (f'<path d="{path}" fill="none" stroke="{stroke}" stroke-width="1.5"{dash} class="{classes}" '
            f'marker-end="url(#{marker})"><title>{_t(f"{step.title}: {t.label}")}</title></path>')


def _forward_path(src, dst) -> str:
    sx, sy = src.x + BOX_W, src.y + BOX_H / 2
    tx, ty = dst.x, dst.y + BOX_H / 2
    if abs(sy - ty) < 0.5 and dst.column == src.column + 1:
        return f"M{sx:g},{sy:g} H{tx - 1:g}"
    # Vertical runs sit in the right part of the gap before the target, staggered by the source's
    # stacking row so that arrows from stacked branch steps stay apart.
    drop = tx - 8 - 6 * (src.row % 3)
    if dst.column == src.column + 1:
        return f"M{sx:g},{sy:g} H{drop:g} V{ty:g} H{tx - 1:g}"
    # Skipping columns: run along the channel under the source's row, clear of the boxes.
    channel = src.y + BOX_H + ROW_GAP / 2
    return f"M{sx:g},{sy:g} H{sx + 20:g} V{channel:g} H{drop:g} V{ty:g} H{tx - 1:g}"


def _return_path(src, dst, index: int) -> str:
    """Back to an earlier step: up into the channel above the source, left to the gap right of the
    target's column (the left part of the gap, apart from forward arrows), then down into the target."""
    offset = (index % 4) * 3
    sx = src.x + BOX_W / 2 - 12
    tx = dst.x + BOX_W / 2 + 12
    up_src = src.y - (LANE_PAD if src.row == 0 else ROW_GAP / 2) + 4 + offset
    up_dst = dst.y - (LANE_PAD if dst.row == 0 else ROW_GAP / 2) + 4 + offset
    if src.lane == dst.lane and src.row == dst.row:
        return f"M{sx:g},{src.y:g} V{up_src:g} H{tx:g} V{dst.y - 1:g}"
    gx = dst.x + BOX_W + 6 + offset
    return f"M{sx:g},{src.y:g} V{up_src:g} H{gx:g} V{up_dst:g} H{tx:g} V{dst.y - 1:g}"


def _ends(geo: Layout) -> list[str]:
    parts = []
    for key, cell in geo.cells.items():
        end = key.split("@", 1)[0]
        if end not in ENDS:
            continue
        variant = {"END_OK": "ok", "END_REJECTED": "rejected", "END_WITHDRAWN": "withdrawn"}[end]
        fill = {"ok": "#2f855a", "rejected": "#c0392b", "withdrawn": "#7f8c8d"}[variant]
        top = cell.y + (BOX_H - END_H) / 2  # centred on the row, where arrows arrive
        parts.append(
            f'<g class="flow-end flow-end--{variant}">'
            f'<rect x="{cell.x:g}" y="{top:g}" width="{END_W}" height="{END_H}" rx="{END_H / 2:g}" '
            f'fill="{fill}"/>'
            f'<text x="{cell.x + END_W / 2:g}" y="{top + END_H / 2 + 4:g}" text-anchor="middle" '
            f'fill="#ffffff" font-weight="bold" class="flow-end-label">{_t(END_LABELS[end])}</text></g>'
        )
    return parts


def _key(geo: Layout) -> list[str]:
    y = geo.height - LEGEND_H / 2
    items = [
        ("", "#4a5568", "", "Lanjut / setujui"),
        ("flow-arrow--reject", "#c0392b", ' stroke-dasharray="6 4"', "Tolak"),
        ("flow-arrow--return", "#7f8c8d", ' stroke-dasharray="3 3"', "Kembalikan untuk perbaikan"),
    ]
    parts = ['<g class="flow-key" font-size="11">']
    x = 10.0
    for cls, stroke, dash, label in items:
        parts.append(f'<path d="M{x:g},{y:g} H{x + 34:g}" stroke="{stroke}" stroke-width="1.5"{dash} '
                     f'class="{f"flow-arrow {cls}".strip()}" fill="none"/>')
        parts.append(f'<text x="{x + 40:g}" y="{y + 4:g}">{_t(label)}</text>')
        x += 60 + len(label) * 6.5
    note = "TTE = tanda tangan elektronik · No. = penomoran PHU · TS = tanggal yang sama · Hr = hari kerja · * = asumsi"
    parts.append(f'<text x="{x:g}" y="{y + 4:g}">{_t(note)}</text>')
    parts.append("</g>")
    return parts


# Advance widths (in em) of DejaVu Sans, the font the diagram asks for, to wrap text to the box.
_NARROW = dict.fromkeys("ijlIJ", 0.28) | dict.fromkeys(" .,:;/", 0.33) | dict.fromkeys("f-()t", 0.37)
_WIDE = dict.fromkeys("CUHNDGOQw&", 0.78) | dict.fromkeys("MmW…", 0.97)


def text_width(text: str, size: float) -> float:
    """Estimated rendered width of `text` at font `size` (bold text is about 10% wider)."""
    return size * sum(_NARROW.get(ch, _WIDE.get(ch, 0.66 if ch.isupper() else 0.61)) for ch in text)


def _wrap(text: str, width: float, max_lines: int, size: float) -> list[str]:
    """Word-wrap `text` to lines at most `width` wide; the last allowed line ends in "…" if cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + " …"
    return [_clip(line, width, size) for line in lines]


def _clip(text: str, width: float, size: float) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _text_lines(lines: list[str], x: float, y: float, step: float, attrs: str) -> str:
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if i == 0 else step:g}">{_t(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{x:g}" y="{y:g}" {attrs}>{spans}</text>'
