"""Automatic swimlane layout of a flow: lanes as rows, steps as columns, no manual positions.

A step's column is the length of the longest chain of forward actions leading to it, so branches
(approve / reject) and parallel work (after a fork) share columns; two steps that land in the same
lane and column are stacked. End markers sit just after the step that leads to them.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.flows.definition import ENDS, Flow, Kind

LABEL_W = 150  # lane label column
COL_W = 204
BOX_W = 160
BOX_H = 104
ROW_GAP = 30  # vertical room between stacked boxes, also used as an arrow channel
LANE_PAD = 16
STAGE_H = 28
LEGEND_H = 40


@dataclass(frozen=True)
class Cell:
    key: str  # step key, or "<END_*>@<source step>" for an end marker
    lane: int
    column: int
    row: int  # stacking index inside the lane
    x: float
    y: float


@dataclass(frozen=True)
class Band:
    title: str
    first: int
    last: int
    row: int


@dataclass(frozen=True)
class Layout:
    cells: dict[str, Cell]
    lanes: tuple[str, ...]
    lane_tops: tuple[float, ...]
    lane_heights: tuple[float, ...]
    bands: tuple[Band, ...]
    columns: int
    width: float
    height: float
    top: float  # where the first lane starts (below the stage bands)

    def end_key(self, end: str, source: str) -> str:
        return f"{end}@{source}"


def columns_of(flow: Flow) -> dict[str, int]:
    """Longest forward path from the first step; steps entered only by a return follow their source."""
    order = _topological(flow)
    column = {key: 0 for key in order}
    for key in order:
        for t in flow.step(key).transitions:
            if t.kind is Kind.RETURN:
                continue
            for target in t.targets:
                if target not in ENDS:
                    column[target] = max(column[target], column[key] + 1)
    return column


def _topological(flow: Flow) -> list[str]:
    seen: set[str] = set()
    order: list[str] = []

    def visit(key: str) -> None:
        seen.add(key)
        for t in flow.step(key).transitions:
            if t.kind is Kind.RETURN:
                continue
            for target in t.targets:
                if target not in ENDS and target not in seen:
                    visit(target)
        order.append(key)

    for step in flow.steps:
        if step.key not in seen:
            visit(step.key)
    return order[::-1]


def layout(flow: Flow) -> Layout:
    lanes = flow.lanes
    column = columns_of(flow)
    taken: set[tuple[int, int, int]] = set()  # lane index, column, row
    stacked: list[tuple[str, int, int, int]] = []

    def place(key: str, lane: int, col: int, preferred: int = 0) -> int:
        row = preferred if (lane, col, preferred) not in taken else 0
        while (lane, col, row) in taken:
            row += 1
        taken.add((lane, col, row))
        stacked.append((key, lane, col, row))
        return row

    step_rows = {step.key: place(step.key, lanes.index(step.lane), column[step.key]) for step in flow.steps}
    for step in flow.steps:
        for t in step.transitions:
            key = f"{t.target}@{step.key}"
            # Withdrawals are not drawn as arrows: the applicant may withdraw at many steps.
            if t.target in ENDS and t.kind is not Kind.WITHDRAW and key not in {s[0] for s in stacked}:
                # Beside its source, so it cannot be mistaken for the end of a neighbouring step.
                place(key, lanes.index(step.lane), column[step.key] + 1, step_rows[step.key])
    lane_rows = [max([r + 1 for _, ln, _, r in stacked if ln == i], default=1) for i in range(len(lanes))]

    bands = _bands(flow, column)
    band_rows = max((b.row + 1 for b in bands), default=0)
    top = band_rows * STAGE_H + (8 if bands else 0)
    lane_tops, lane_heights = [], []
    y = top
    for count in lane_rows:
        height = 2 * LANE_PAD + count * BOX_H + (count - 1) * ROW_GAP
        lane_tops.append(y)
        lane_heights.append(height)
        y += height
    columns = max(col for _, _, col, _ in stacked) + 1
    cells = {
        key: Cell(key, lane, col, row,
                  x=LABEL_W + col * COL_W + (COL_W - BOX_W) / 2,
                  y=lane_tops[lane] + LANE_PAD + row * (BOX_H + ROW_GAP))
        for key, lane, col, row in stacked
    }
    return Layout(cells=cells, lanes=lanes, lane_tops=tuple(lane_tops), lane_heights=tuple(lane_heights),
                  bands=bands, columns=columns, width=LABEL_W + columns * COL_W + 8,
                  height=y + LEGEND_H, top=top)


def _bands(flow: Flow, column: dict[str, int]) -> tuple[Band, ...]:
    """One band per stage over its columns; overlapping stages (parallel branches) get a second row."""
    spans = []
    for stage in flow.stages:
        cols = [column[s.key] for s in flow.steps if s.stage == stage]
        spans.append((stage, min(cols), max(cols)))
    bands: list[Band] = []
    for title, first, last in spans:
        row = 0
        while any(b.row == row and not (last < b.first or first > b.last) for b in bands):
            row += 1
        bands.append(Band(title, first, last, row))
    return tuple(bands)
