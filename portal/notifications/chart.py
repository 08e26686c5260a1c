"""Dashboard charts as server-side SVG in the style of the SLA chart (portal/correspondence/chart.py):
no script, no inline style (colours from static/css/notifications.css, which also prints them)."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from portal.core.dates import MONTHS_ID
from portal.correspondence.chart import MONTH_SHORT, SVG_NS, _nice_max
from portal.flows.roles import ROLES
from portal.notifications.dashboard import FlowMonth

FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11"'


def months_svg(year: int, totals: list[FlowMonth]) -> Markup:
    """Per month: cases finished on time and late (stacked) and a tick for cases started."""
    width, height, left, right, top_y, bottom = 720, 230, 44, 12, 34, 186
    top, step = _nice_max(max((max(f.finished, f.started) for f in totals), default=0))
    plot_h, slot, bar = bottom - top_y, (width - left - right) / 12, 26

    def y(value: float) -> float:
        return bottom - plot_h * value / top

    started = sum(f.started for f in totals)
    on_time = sum(f.on_time for f in totals)
    late = sum(f.late for f in totals)
    parts = [f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" class="dash-chart" role="img" '
             f'aria-labelledby="dash-months-title dash-months-desc" {FONT}>',
             f'<title id="dash-months-title">Kasus per bulan {year}</title>',
             f'<desc id="dash-months-desc">{started} kasus dimulai; {on_time} selesai tepat waktu, '
             f'{late} terlambat.</desc>']
    for tick in range(0, top + 1, step):
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#d5dde6"/>'
                     f'<text class="chart-axis" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, figure in enumerate(totals):
        x = left + slot * index + (slot - bar) / 2
        label = (f"{MONTHS_ID[figure.month - 1]}: {figure.started} dimulai, {figure.on_time} tepat waktu, "
                 f"{figure.late} terlambat")
        parts.append(f'<g class="chart-month"><title>{escape(label)}</title>')
        if figure.on_time:
            parts.append(f'<rect class="chart-ontime" x="{x:.1f}" y="{y(figure.on_time):.1f}" width="{bar}" '
                         f'height="{plot_h * figure.on_time / top:.1f}" fill="#2e7d4f"/>')
        if figure.late:
            parts.append(f'<rect class="chart-late" x="{x:.1f}" y="{y(figure.finished):.1f}" width="{bar}" '
                         f'height="{plot_h * figure.late / top:.1f}" fill="#c0392b"/>')
        if figure.started:
            parts.append(f'<line class="chart-started" x1="{x - 3:.1f}" x2="{x + bar + 3:.1f}" '
                         f'y1="{y(figure.started):.1f}" y2="{y(figure.started):.1f}" stroke="#0b2f5b" stroke-width="3"/>')
        parts.append(f'<text class="chart-axis" x="{x + bar / 2:.1f}" y="{bottom + 16}" '
                     f'text-anchor="middle">{MONTH_SHORT[figure.month - 1]}</text></g>')
    legend = width - right - 340
    parts += [f'<line class="chart-baseline" x1="{left}" x2="{width - right}" y1="{bottom}" y2="{bottom}" stroke="#44546a"/>',
              f'<line class="chart-started" x1="{legend}" x2="{legend + 14}" y1="14" y2="14" stroke="#0b2f5b" stroke-width="3"/>',
              f'<text class="chart-legend" x="{legend + 19}" y="18">Dimulai ({started})</text>',
              f'<rect class="chart-ontime" x="{legend + 110}" y="8" width="12" height="12" fill="#2e7d4f"/>',
              f'<text class="chart-legend" x="{legend + 127}" y="18">Tepat waktu ({on_time})</text>',
              f'<rect class="chart-late" x="{legend + 230}" y="8" width="12" height="12" fill="#c0392b"/>',
              f'<text class="chart-legend" x="{legend + 247}" y="18">Terlambat ({late})</text>',
              f'<text class="chart-axis" x="{left}" y="{height - 8}">Selesai pada bulan itu (batang) dan dimulai (garis)</text>',
              "</svg>"]
    return Markup("\n".join(parts))


def roles_svg(per_role: list[tuple[str, int]]) -> Markup:
    """Open work per role as horizontal bars (readable on a phone: one row per role)."""
    row_h, left, width = 26, 230, 560
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
                     f'<text class="chart-axis" x="{left - 8}" y="{y + 15}" text-anchor="end">{name[:34]}</text>'
                     f'<rect class="chart-open" x="{left}" y="{y + 3}" width="{max(length, 2):.1f}" height="16" fill="#1f5f99"/>'
                     f'<text class="chart-value" x="{left + length + 6:.1f}" y="{y + 15}">{count}</text></g>')
    parts.append("</svg>")
    return Markup("\n".join(parts))
