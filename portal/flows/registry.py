"""The six flows of KEP.1516/BNSP/UM.00.00/VII/2021, validated when the module is first imported."""
from __future__ import annotations

from portal.flows.askom import ASKOM
from portal.flows.definition import Flow
from portal.flows.lisensi import LISENSI
from portal.flows.rcc import RCC
from portal.flows.surat_keluar_anggota import SURAT_KELUAR_ANGGOTA
from portal.flows.surat_keluar_sekretariat import SURAT_KELUAR_SEKRETARIAT
from portal.flows.surat_masuk import SURAT_MASUK
from portal.flows.validation import FlowDefinitionError, validate_flow

# In the decree's order (Lampiran I–VI).
DECLARED: tuple[Flow, ...] = (
    SURAT_MASUK, SURAT_KELUAR_SEKRETARIAT, SURAT_KELUAR_ANGGOTA, RCC, ASKOM, LISENSI,
)


def load_flows(flows: tuple[Flow, ...] = DECLARED) -> dict[str, Flow]:
    """Validate every flow and index them by code; raises FlowDefinitionError on the first problem."""
    loaded: dict[str, Flow] = {}
    prefixes: set[str] = set()
    for flow in flows:
        validate_flow(flow)
        if flow.code in loaded:
            raise FlowDefinitionError(f"flow {flow.code}: declared twice")
        if flow.number_prefix in prefixes:
            raise FlowDefinitionError(f"flow {flow.code}: case number prefix {flow.number_prefix!r} is taken")
        prefixes.add(flow.number_prefix)
        loaded[flow.code] = flow
    return loaded


FLOWS: dict[str, Flow] = load_flows()


def get_flow(code: str) -> Flow:
    """The flow with this code (SM, SKS, SKA, RCC, ASKOM, LIS); KeyError if there is none."""
    try:
        return FLOWS[code]
    except KeyError:
        raise KeyError(f"no flow with code {code!r}; known: {', '.join(FLOWS)}") from None
