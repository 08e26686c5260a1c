"""The monthly SLA chart of one mail flow as server-side SVG: per month a stacked bar of letters
finished on time and late. No inline styles (the CSP forbids them): colours come from the
classes in static/css/correspondence.css, which also prints them."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from portal.core.dates import MONTHS_ID
from portal.correspondence.monitoring import MonthFigure

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 34, 176
BAR_W = 26
MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def _nice_max(value: int) -> tuple[int, int]:
    """Axis top and tick step giving 2-5 whole-number ticks."""
    if value <= 4:
        return max(value, 1), 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value / step <= 5:
            return -(-value // step) * step, step
    step = 10 ** len(str(value))
    return -(-value // step) * step, step


def sla_chart_svg(chart_id: str, title: str, year: int, figures: list[MonthFigure]) -> Markup:
    top, step = _nice_max(max((f.total for f in figures), default=0))
    plot_h = BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / 12

    def y(value: float) -> float:
        return BOTTOM - plot_h * value / top

    on_time = sum(f.on_time for f in figures)
    late = sum(f.late for f in figures)
    summary = f"{title} {year}: {on_time} surat selesai tepat waktu, {late} terlambat."
    parts = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {WIDTH} {HEIGHT}" class="sla-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11">',
        f'<title id="{chart_id}-title">{escape(f"{title} — SLA per bulan {year}")}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for tick in range(0, top + 1, step):
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#d5dde6"/>')
        parts.append(f'<text class="chart-axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, figure in enumerate(figures):
        x = LEFT + slot * index + (slot - BAR_W) / 2
        month = MONTHS_ID[figure.month - 1]
        label = f"{month}: {figure.on_time} tepat waktu, {figure.late} terlambat"
        parts.append(f'<g class="chart-month"><title>{escape(label)}</title>')
        if figure.on_time:
            parts.append(f'<rect class="chart-ontime" x="{x:.1f}" y="{y(figure.on_time):.1f}" width="{BAR_W}" '
                         f'height="{plot_h * figure.on_time / top:.1f}" fill="#2e7d4f"/>')
        if figure.late:
            parts.append(f'<rect class="chart-late" x="{x:.1f}" y="{y(figure.total):.1f}" width="{BAR_W}" '
                         f'height="{plot_h * figure.late / top:.1f}" fill="#c0392b"/>')
        if figure.total:
            parts.append(f'<text class="chart-value" x="{x + BAR_W / 2:.1f}" y="{y(figure.total) - 4:.1f}" '
                         f'text-anchor="middle">{figure.total}</text>')
        parts.append(f'<text class="chart-axis" x="{x + BAR_W / 2:.1f}" y="{BOTTOM + 16}" '
                     f'text-anchor="middle">{MONTH_SHORT[figure.month - 1]}</text></g>')
    parts.append(f'<line class="chart-baseline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{BOTTOM}" y2="{BOTTOM}" '
                 'stroke="#44546a"/>')
    legend_x = WIDTH - RIGHT - 230
    parts += [
        f'<rect class="chart-ontime" x="{legend_x}" y="8" width="12" height="12" fill="#2e7d4f"/>',
        f'<text class="chart-legend" x="{legend_x + 17}" y="18">Tepat waktu ({on_time})</text>',
        f'<rect class="chart-late" x="{legend_x + 120}" y="8" width="12" height="12" fill="#c0392b"/>',
        f'<text class="chart-legend" x="{legend_x + 137}" y="18">Terlambat ({late})</text>',
        f'<text class="chart-axis" x="{LEFT}" y="{HEIGHT - 8}">Jumlah surat yang selesai pada bulan itu</text>',
        "</svg>",
    ]
    return Markup("\n".join(parts))
