"""Dashboard charts as server-side SVG in the style of the SLA chart (portal/correspondence/chart.py):
no script, no inline style (colours from static/css/notifications.css, which also prints them)."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from portal.core.dates import MONTHS_ID
from portal.correspondence.chart import MONTH_SHORT, SVG_NS
from portal.flows.roles import ROLES
from portal.notifications.dashboard import FlowMonth

FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11"'


def months_svg(year: int, totals: list[FlowMonth]) -> Markup:
    """One row per month (readable on a phone): cases finished on time and late as a stacked bar,
    and the number started that month at the right."""
    width, left, bar_right, row_h, top_y = 420, 44, 330, 22, 40
    height = top_y + 12 * row_h + 24
    top = max((f.finished for f in totals), default=0) or 1
    started = sum(f.started for f in totals)
    on_time = sum(f.on_time for f in totals)
    late = sum(f.late for f in totals)

    def length(value: int) -> float:
        return (bar_right - left) * value / top

    parts = [f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" class="dash-chart dash-months" role="img" '
             f'aria-labelledby="dash-months-title dash-months-desc" {FONT}>',
             f'<title id="dash-months-title">Kasus per bulan {year}</title>',
             f'<desc id="dash-months-desc">{started} kasus dimulai; {on_time} selesai tepat waktu, '
             f'{late} terlambat.</desc>',
             f'<rect class="chart-ontime" x="{left}" y="6" width="12" height="12" fill="#2e7d4f"/>',
             f'<text class="chart-legend" x="{left + 16}" y="16">Tepat waktu ({on_time})</text>',
             f'<rect class="chart-late" x="{left + 130}" y="6" width="12" height="12" fill="#c0392b"/>',
             f'<text class="chart-legend" x="{left + 146}" y="16">Terlambat ({late})</text>',
             f'<text class="chart-legend" x="{width - 6}" y="16" text-anchor="end">Dimulai</text>']
    for index, figure in enumerate(totals):
        y = top_y + index * row_h
        label = (f"{MONTHS_ID[figure.month - 1]}: {figure.started} dimulai, {figure.on_time} tepat waktu, "
                 f"{figure.late} terlambat")
        parts.append(f'<g class="chart-month"><title>{escape(label)}</title>'
                     f'<text class="chart-axis" x="8" y="{y + 14}">{MONTH_SHORT[figure.month - 1]}</text>'
                     f'<line class="chart-grid" x1="{left}" x2="{bar_right}" y1="{y + row_h - 1}" '
                     f'y2="{y + row_h - 1}" stroke="#d5dde6"/>')
        if figure.on_time:
            parts.append(f'<rect class="chart-ontime" x="{left}" y="{y + 3}" width="{length(figure.on_time):.1f}" '
                         'height="14" fill="#2e7d4f"/>')
        if figure.late:
            parts.append(f'<rect class="chart-late" x="{left + length(figure.on_time):.1f}" y="{y + 3}" '
                         f'width="{length(figure.late):.1f}" height="14" fill="#c0392b"/>')
        if figure.finished:
            parts.append(f'<text class="chart-value" x="{left + length(figure.finished) + 4:.1f}" y="{y + 14}">'
                         f'{figure.finished}</text>')
        parts.append(f'<text class="chart-value" x="{width - 6}" y="{y + 14}" text-anchor="end">{figure.started}</text></g>')
    parts += [f'<text class="chart-axis" x="8" y="{height - 6}">Batang: kasus selesai pada bulan itu</text>', "</svg>"]
    return Markup("\n".join(parts))


def roles_svg(per_role: list[tuple[str, int]]) -> Markup:
    """Open work per role as horizontal bars (readable on a phone: one row per role)."""
    row_h, left, width = 26, 180, 420
    height = 24 + row_h * max(len(per_role), 1)
    top = max((count for _role, count in per_role), default=1) or 1
    parts = [f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" class="dash-chart dash-roles" role="img" '
             f'aria-labelledby="dash-roles-title" {FONT}>',
             '<title id="dash-roles-title">Pekerjaan terbuka per peran</title>']
    if not per_role:
        parts.append('<text class="chart-axis" x="8" y="30">Tidak ada pekerjaan terbuka.</text>')
    for index, (role, count) in enumerate(per_role):
        y = 12 + index * row_h
        length = (width - left - 40) * count / top
        name = escape(ROLES.get(role, role))
        parts.append(f'<g><title>{name}: {count}</title>'
                     f'<text class="chart-axis" x="{left - 8}" y="{y + 15}" text-anchor="end">{name[:27]}</text>'
                     f'<rect class="chart-open" x="{left}" y="{y + 3}" width="{max(length, 2):.1f}" height="16" fill="#1f5f99"/>'
                     f'<text class="chart-value" x="{left + length + 6:.1f}" y="{y + 15}">{count}</text></g>')
    parts.append("</svg>")
    return Markup("\n".join(parts))
