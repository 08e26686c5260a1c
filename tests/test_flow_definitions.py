"""The six flows as declared: they validate, match the decree's legends, and run end to end
through the pure state machine (approval paths, rejections, per-participant joins, parallel work)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from portal.flows.definition import (
    END_OK, END_REJECTED, END_WITHDRAWN, FORWARD_KINDS, SLA, Flow, Kind, Step, advance, doc, send_back,
)
from portal.flows.machine import (
    ITEM_DONE, TransitionRefused, allowed_roles, apply, apply_item, available_actions, escalate,
    is_finished, join_items, outcome, running_timers, start,
)
from portal.flows.registry import FLOWS, get_flow, load_flows
from portal.flows.roles import EXTERNAL_ROLES, INTERNAL_ROLES, ROLES
from portal.flows.validation import FlowDefinitionError, group_of, validate_flow

ALL_CODES = ("SM", "SKS", "SKA", "RCC", "ASKOM", "LIS")


# --- helpers -------------------------------------------------------------------------------------

def step_docs(flow: Flow, key: str, action: str) -> set[str]:
    """Everything the actor would have uploaded or signed before taking `action` at `key`."""
    step = flow.step(key)
    t = step.transition(action)
    return {*step.requires, *step.produces, *step.signs, *t.needs}


def first_forward(step: Step) -> str:
    return next(t.key for t in step.transitions if t.kind in FORWARD_KINDS)


def walk(flow: Flow, choose: dict[str, str] | None = None, items: int = 2) -> tuple[str, list[str]]:
    """Drive a case from start to an end; per-item groups run `items` participants / findings."""
    choose = choose or {}
    active = start(flow)
    visited: list[str] = []
    for _ in range(300):
        if is_finished(active):
            return outcome(active), visited
        key = next(s.key for s in flow.steps if s.key in active)
        step = flow.step(key)
        if step.per:
            positions = [key] * items
            while any(p != ITEM_DONE for p in positions):
                i = next(n for n, p in enumerate(positions) if p != ITEM_DONE)
                here = positions[i]
                action = choose.get(here) or first_forward(flow.step(here))
                positions[i] = apply_item(flow, here, action, item_docs=step_docs(flow, here, action))
                visited.append(here)
                active = join_items(flow, active, here, positions)
            continue
        action = choose.get(key) or first_forward(step)
        t = step.transition(action)
        active = apply(flow, active, key, action, present_docs=step_docs(flow, key, action),
                       reason="Alasan uji" if t.needs_reason else None)
        visited.append(key)
    raise AssertionError(f"{flow.code} did not finish; still at {sorted(active)}")


def broken(flow: Flow, key: str, **changes) -> Flow:
    steps = tuple(replace(s, **changes) if s.key == key else s for s in flow.steps)
    return replace(flow, steps=steps)


# --- the declarations ----------------------------------------------------------------------------

def test_the_six_flows_of_the_decree_load_in_order():
    assert tuple(FLOWS) == ALL_CODES
    assert [f.lampiran for f in FLOWS.values()] == ["I", "II", "III", "IV", "V", "VI"]
    assert load_flows() == FLOWS


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_document_of_the_legend_is_used_by_a_step(code):
    flow = get_flow(code)
    used = {c for step in flow.steps for c in step.document_codes}
    assert used == set(flow.document_codes)


def test_legend_counts_and_names_match_the_decree():
    assert len(get_flow("RCC").documents) == 29  # D1–D25 with D5–D8 split into A/B
    assert len(get_flow("ASKOM").documents) == 32
    # D1–D33 with D22/D23 split into a/b/c, and our "D10 P" (the desk-audit finding's answer slot,
    # which the legend does not name)
    assert len(get_flow("LIS").documents) == 38
    assert [d.code for d in get_flow("LIS").documents if d.code.startswith("D10")] == ["D10", "D10 P"]
    assert get_flow("LIS").document_name("D22b") == "Dokumen yang berupa Draf SK Lisensi"
    assert get_flow("RCC").document_name("D6 B") == "Aplikasi SPT MA Penguji"
    assert get_flow("ASKOM").document_name("D27") == "Sertifikat asesor kompetensi yang sudah di tanda tangan ketua"


@pytest.mark.parametrize("code, signed", [
    ("RCC", {"D7 A", "D7 B", "D8 A", "D8 B", "D22", "D24"}),
    ("ASKOM", {"D7 A", "D7 B", "D8 A", "D8 B", "D25", "D27"}),
    ("LIS", {"D4", "D13", "D20", "D23a", "D23b", "D23c", "D29"}),
])
def test_documents_the_ketua_signs_go_through_the_signing_queue(code, signed):
    flow = get_flow(code)
    by_ketua = {c for s in flow.steps if "ketua" in s.roles for c in s.signs}
    assert by_ketua == signed


def test_steps_name_known_roles_and_the_role_lists_cover_every_role():
    assert set(INTERNAL_ROLES) | set(EXTERNAL_ROLES) == set(ROLES)
    assert ROLES["kasek"] == "Kepala Sekretariat"
    for flow in FLOWS.values():
        for step in flow.steps:
            assert set(step.roles) <= set(ROLES) | {"system"}


def test_case_numbers_use_the_flow_prefix():
    assert get_flow("LIS").case_number(17, 2026) == "LIS-2026-00017"
    with pytest.raises(KeyError):
        get_flow("XYZ")


def test_time_rules_of_the_decree_are_data():
    sm = get_flow("SM")
    assert sm.step("disposisi").sla == SLA.disposition()
    assert sm.step("register").sla.label == "TS"
    assert sm.step("follow_up").sla.assumed and sm.step("follow_up").sla.overridable
    assert get_flow("SKS").total_sla == SLA.hr(2)
    assert get_flow("SKA").total_sla == SLA.hr(1)
    (timer,) = get_flow("LIS").timers
    assert timer.after == SLA.hr(15) and timer.target == "draft_pleno_invitation"


# --- broken declarations are refused at start-up -----------------------------------------------

def test_unknown_target_is_refused_naming_flow_and_step():
    rcc = get_flow("RCC")
    bad = broken(rcc, "verification", transitions=(advance("nowhere", "Teruskan"),))
    with pytest.raises(FlowDefinitionError, match=r"flow RCC, step 'verification'.*unknown step 'nowhere'"):
        validate_flow(bad)


def test_unreachable_step_is_refused():
    sm = get_flow("SM")
    orphan = Step(key="orphan", title="Yatim", roles=("phu",), lane="PHU",
                  transitions=(advance(END_OK, "Selesai"),))
    with pytest.raises(FlowDefinitionError, match=r"flow SM, step 'orphan'.*unreachable"):
        validate_flow(replace(sm, steps=(*sm.steps, orphan)))


def test_step_without_role_or_with_unknown_role_is_refused():
    lis = get_flow("LIS")
    with pytest.raises(FlowDefinitionError, match=r"flow LIS, step 'pleno'.*has no role"):
        validate_flow(broken(lis, "pleno", roles=()))
    with pytest.raises(FlowDefinitionError, match=r"flow LIS, step 'pleno'.*unknown role code 'dukun'"):
        validate_flow(broken(lis, "pleno", roles=("dukun",)))


def test_unknown_document_code_is_refused():
    with pytest.raises(FlowDefinitionError, match=r"flow ASKOM, step 'pleno'.*unknown document code 'D99'"):
        validate_flow(broken(get_flow("ASKOM"), "pleno", produces=("D99",)))


def test_flow_with_no_path_to_an_end_is_refused():
    loop = Flow(
        code="X", name="Uji", lampiran="-", number_prefix="X", documents=(doc("D1", "Dokumen"),),
        steps=(
            Step(key="a", title="A", roles=("phu",), lane="PHU", produces=("D1",),
                 transitions=(advance("b", "Lanjut"),)),
            Step(key="b", title="B", roles=("phu",), lane="PHU", transitions=(send_back("a"),)),
        ),
    )
    with pytest.raises(FlowDefinitionError, match=r"flow X.*no path .*end"):
        validate_flow(loop)


def test_legend_document_no_step_uses_is_refused():
    sm = get_flow("SM")
    with pytest.raises(FlowDefinitionError, match=r"flow SM.*EXTRA"):
        validate_flow(replace(sm, documents=(*sm.documents, doc("EXTRA", "Dokumen lain"))))


def test_duplicate_flow_code_is_refused():
    with pytest.raises(FlowDefinitionError, match="declared twice"):
        load_flows((get_flow("SM"), replace(get_flow("SKS"), code="SM")))


# --- walking every flow through the pure machine ------------------------------------------------

@pytest.mark.parametrize("code", ALL_CODES)
def test_each_flow_runs_from_start_to_a_successful_end(code):
    flow = get_flow(code)
    end, visited = walk(flow)
    assert end == END_OK
    assert visited[0] == flow.steps[0].key


def test_surat_masuk_for_lisensi_or_askom_skips_the_disposition():
    sm = get_flow("SM")
    _, direct = walk(sm, {"route": "route_section"})
    _, disposed = walk(sm, {"route": "route_disposition"})
    assert "disposisi" not in direct
    assert "disposisi" in disposed


def test_rcc_rejected_by_the_coordinator_ends_with_the_signed_rejection_letter():
    end, visited = walk(get_flow("RCC"), {"decision": "reject"})
    assert end == END_REJECTED
    assert visited[-3:] == ["draft_rejection", "sign_rejection", "number_rejection"]
    assert "readiness" not in visited


def test_askom_approval_creates_participant_accounts_when_d7a_is_numbered():
    askom = get_flow("ASKOM")
    _, visited = walk(askom)
    numbered = askom.step("number_approval")
    assert "D7 A" in numbered.numbers and "create_participant_accounts" in numbered.effects
    assert visited.index("number_approval") < visited.index("apl01")


def test_lisensi_rejected_in_pleno_gets_the_rejection_notice_not_the_sk():
    end, visited = walk(get_flow("LIS"), {"pleno": "reject"})
    assert end == END_REJECTED
    assert "sign_rejection" in visited and "sign_sk" not in visited


def test_licence_certificate_is_handed_over_only_after_satisfactory_witnessing():
    lis = get_flow("LIS")
    active = apply(lis, {"sign_sk"}, "sign_sk", "sign", present_docs={"D22b", "D22c", "D23b", "D23c"})
    assert active == {"sk_handover", "witnessing_request"}
    active = apply(lis, active, "sk_handover", "submit", present_docs={"D23b", "D24"})
    active = apply(lis, active, "sk_receipt", "submit", present_docs={"D24", "D25"})
    assert active == {"witnessing_request"}  # the handover of the certificate waits
    for key, docs in (("witnessing_request", {"D26"}), ("draft_witnessing", {"D26", "D27", "D28"}),
                      ("sign_witnessing", {"D28", "D29"}), ("witnessing", {"D29", "D30"})):
        active = apply(lis, active, key, first_forward(lis.step(key)), present_docs=docs)
    assert active == {"witnessing_correction"}
    position = apply_item(lis, "witnessing_correction", "submit", item_docs={"D31"})
    active = join_items(lis, active, position, [position])
    assert active == {"witnessing_verification"}
    position = apply_item(lis, "witnessing_verification", "close", item_docs={"D31"})
    assert position == ITEM_DONE
    assert join_items(lis, active, "witnessing_verification", [position]) == {"certificate_handover"}


def test_per_participant_steps_join_when_every_participant_is_done():
    rcc = get_flow("RCC")
    assert group_of(rcc, "apl02") == ("apl01", "apl02", "review_apl02", "assessment")
    active = frozenset({"apl01"})
    positions = ["apl01", "apl01", "apl01"]
    positions[0] = apply_item(rcc, "apl01", "submit", item_docs={"D11"})
    active = join_items(rcc, active, "apl01", positions)
    assert active == {"apl01", "apl02"}  # each actor sees the participants waiting for them

    # Participant 1 goes all the way; the MA Penguji first sends the APL.02 back for correction.
    positions[0] = apply_item(rcc, "apl02", "submit", item_docs={"D12", "D13"})
    with pytest.raises(TransitionRefused, match="Alasan wajib diisi"):
        apply_item(rcc, "review_apl02", "return")
    positions[0] = apply_item(rcc, "review_apl02", "return", reason="Bukti unit 2 belum dilampirkan")
    assert positions[0] == "apl02"
    for key in ("apl02", "review_apl02", "assessment"):
        action = first_forward(rcc.step(key))
        positions[0] = apply_item(rcc, key, action, item_docs=step_docs(rcc, key, action))
    assert positions[0] == ITEM_DONE
    active = join_items(rcc, active, "assessment", positions)
    assert active == {"apl01"}  # the others have not even confirmed APL.01

    positions[1:] = [ITEM_DONE, ITEM_DONE]
    assert join_items(rcc, active, "apl01", positions) == {"assignment_report"}


def test_lks_without_findings_moves_on_at_once():
    lis = get_flow("LIS")
    assert join_items(lis, {"lks_correction"}, "lks_correction", []) == {"pantek_material"}


# --- refusals ------------------------------------------------------------------------------------

def test_signing_waits_for_the_documents_but_returning_only_needs_a_reason():
    rcc = get_flow("RCC")
    offered = {t.key for t in available_actions(rcc, "sign_approval", {"D5 A", "D6 A", "D6 B"})}
    assert offered == {"return"}
    with pytest.raises(TransitionRefused) as refused:
        apply(rcc, {"sign_approval"}, "sign_approval", "sign", present_docs={"D5 A", "D6 A", "D6 B"})
    assert "D7 A, D8 A, D8 B belum tersedia" in refused.value.message
    with pytest.raises(TransitionRefused, match="Alasan wajib diisi"):
        apply(rcc, {"sign_approval"}, "sign_approval", "return", reason="  ")
    assert apply(rcc, {"sign_approval"}, "sign_approval", "return", reason="Nama MA salah") == {"draft_approval"}


def test_actions_are_refused_on_steps_that_are_not_active_or_after_the_end():
    rcc = get_flow("RCC")
    with pytest.raises(TransitionRefused, match="tidak sedang berjalan"):
        apply(rcc, {"request"}, "decision", "approve", present_docs={"D2"})
    with pytest.raises(TransitionRefused, match="sudah selesai"):
        apply(rcc, {END_OK}, "request", "submit", present_docs={"D1"})
    with pytest.raises(TransitionRefused, match="tidak tersedia"):
        apply(rcc, {"request"}, "request", "approve")


def test_the_applicant_may_withdraw_with_a_reason():
    rcc = get_flow("RCC")
    step = rcc.step("verification")
    withdraw = step.transition("withdraw")
    assert withdraw.kind is Kind.WITHDRAW and allowed_roles(step, withdraw) == ("lsp",)
    assert apply(rcc, {"verification"}, "verification", "withdraw", reason="Jadwal batal") == {END_WITHDRAWN}


def test_lks_open_past_fifteen_working_days_can_go_to_the_pleno():
    lis = get_flow("LIS")
    active = frozenset({"lks_correction", "lks_verification"})
    assert [t.key for t in running_timers(lis, active)] == ["lks_15_hari"]
    assert escalate(lis, active, "lks_15_hari") == {"draft_pleno_invitation"}
    with pytest.raises(TransitionRefused):
        escalate(lis, {"pantek_material"}, "lks_15_hari")


def test_item_actions_must_go_through_apply_item():
    rcc = get_flow("RCC")
    with pytest.raises(ValueError, match="apply_item"):
        apply(rcc, {"apl01"}, "apl01", "submit", present_docs={"D11"})
