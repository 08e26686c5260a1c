"""Swimlane SVGs drawn from the flow declarations: valid standalone SVG, one box per step,
progress classes, no inline styles (CSP), escaped text, and the CSS classes they rely on."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from portal.flows.diagram import legend, render_flow_svg, size_class
from portal.flows.registry import FLOWS, get_flow

SVG = "{http://www.w3.org/2000/svg}"
CSS = (Path(__file__).resolve().parents[1] / "static" / "css" / "flows.css").read_text(encoding="utf-8")


def boxes(svg: str) -> dict[str, set[str]]:
    """data-step → classes of every step box."""
    root = ET.fromstring(svg)
    return {
        g.get("data-step"): set(g.get("class", "").split())
        for g in root.iter(f"{SVG}g")
        if "flow-step" in g.get("class", "").split()
    }


@pytest.mark.parametrize("code", list(FLOWS))
def test_each_flow_draws_a_valid_svg_with_one_box_per_step(code):
    flow = get_flow(code)
    svg = render_flow_svg(flow)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    assert root[0].tag == f"{SVG}title" and flow.name in root[0].text
    assert list(boxes(svg)) == [s.key for s in flow.steps]


@pytest.mark.parametrize("code", list(FLOWS))
def test_no_inline_styles_and_nothing_fetched_from_the_network(code):
    svg = render_flow_svg(get_flow(code), current={get_flow(code).steps[0].key})
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg
    assert not re.search(r'href="(?!#)', svg)
    assert svg.count("http://") == 1  # the xmlns only


def test_current_and_done_steps_are_marked_with_classes():
    rcc = get_flow("RCC")
    classes = boxes(render_flow_svg(rcc, current={"decision"}, done={"request", "verification"}))
    assert "flow-step--current" in classes["decision"]
    assert {"flow-step--done"} <= classes["request"] & classes["verification"]
    assert not classes["pleno"] & {"flow-step--current", "flow-step--done"}


def test_boxes_show_number_title_codes_and_sla():
    rcc = get_flow("RCC")
    root = ET.fromstring(render_flow_svg(rcc))
    sign = next(g for g in root.iter(f"{SVG}g") if g.get("data-step") == "sign_approval")
    text = " ".join("".join(t.itertext()) for t in sign.iter(f"{SVG}text"))
    assert str(rcc.number_of("sign_approval")) in text
    assert "Tanda tangan surat" in text
    assert "D7 A, D8 A, D8 B" in text
    assert "1 Hr*" in text and "TTE" in text
    sm_text = "".join(ET.fromstring(render_flow_svg(get_flow("SM"))).itertext())
    assert "TS 08.00–15.00" in sm_text


def test_reject_and_return_arrows_are_distinguishable():
    root = ET.fromstring(render_flow_svg(get_flow("RCC")))
    classes = [set(p.get("class", "").split()) for p in root.iter(f"{SVG}path")]
    assert any("flow-arrow--reject" in c for c in classes)
    assert any("flow-arrow--return" in c for c in classes)
    ends = {g.get("class") for g in root.iter(f"{SVG}g") if "flow-end" in g.get("class", "")}
    assert ends == {"flow-end flow-end--ok", "flow-end flow-end--rejected"}


def test_text_from_the_configuration_is_escaped():
    sm = get_flow("SM")
    steps = tuple(replace(s, title="Arsip <b>& \"lain\"</b>") if s.key == "archive" else s for s in sm.steps)
    svg = render_flow_svg(replace(sm, steps=steps))
    assert "<b>" not in svg
    assert "Arsip <b>&" in "".join(ET.fromstring(svg).itertext())


def test_drawing_is_deterministic_and_ids_do_not_clash_between_diagrams():
    lis = get_flow("LIS")
    assert render_flow_svg(lis, current={"pleno"}) == render_flow_svg(lis, current={"pleno"})
    ids = [set(re.findall(r'id="([^"]+)"', render_flow_svg(flow))) for flow in FLOWS.values()]
    assert all(not a & b for i, a in enumerate(ids) for b in ids[i + 1:])


def test_legend_lists_the_decree_codes_in_order():
    assert legend(get_flow("RCC"))[:2] == [("D1", "Aplikasi Surat permohonan"),
                                           ("D2", "Verifikasi dan koordinasi permohonan")]
    assert [code for code, _ in legend(get_flow("LIS"))][-3:] == ["D31", "D32", "D33"]


@pytest.mark.parametrize("cls", [
    "flow-diagram", "flow-step--current", "flow-step--done", "flow-lane", "flow-arrow--reject",
    "flow-arrow--return", *sorted({size_class(flow) for flow in FLOWS.values()}),
])
def test_stylesheet_defines_the_classes_the_svg_uses(cls):
    assert re.search(rf"\.{re.escape(cls)}\b", CSS)
