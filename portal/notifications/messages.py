"""The wording of each notice, in Indonesian. External users (LSP, CLSP, participants, assessors)
are always told what they must do next and by when."""
from __future__ import annotations

from portal.cases.models import Case, WorkItem
from portal.flows.definition import END_LABELS, FORWARD_KINDS, Step
from portal.flows.registry import get_flow
from portal.notifications.services import due_text


def next_action(step: Step) -> str:
    """'Surat permohonan dan daftar peserta, lalu pilih “Ajukan permohonan”'."""
    forward = next((t for t in step.transitions if t.kind in FORWARD_KINDS), None)
    needs = [code for code in step.produces]
    text = step.title
    if needs:
        text += f" (dokumen {', '.join(needs)})"
    if forward is not None:
        text += f", lalu pilih “{forward.label}”"
    return text


def _about(case: Case, work: WorkItem | None) -> str:
    text = f"Kasus {case.number} ({case.title})"
    if work is not None and work.item is not None:
        text += f", {work.item.label}"
    return text


def work_waiting(case: Case, work: WorkItem) -> tuple[str, str]:
    step = get_flow(case.flow_code).step(work.step_key)
    title = f"{case.number}: {step.title}"
    body = (f"{_about(case, work)} menunggu tindakan Anda.\n"
            f"Yang perlu Anda lakukan: {next_action(step)}.\n"
            f"Batas waktu: {due_text(work.due_at)}.")
    return title, body


def returned(case: Case, work: WorkItem, by_step: Step, reason: str | None) -> tuple[str, str]:
    step = get_flow(case.flow_code).step(work.step_key)
    title = f"{case.number}: dikembalikan untuk perbaikan — {step.title}"
    body = (f"{_about(case, work)} dikembalikan dari langkah “{by_step.title}”.\n"
            f"Alasan: {reason or '(tanpa alasan tertulis)'}\n"
            f"Yang perlu Anda lakukan: perbaiki sesuai alasan di atas — {next_action(step)}.\n"
            f"Batas waktu: {due_text(work.due_at)}.")
    return title, body


def unassigned(case: Case, work: WorkItem, slot_label: str) -> tuple[str, str]:
    step = get_flow(case.flow_code).step(work.step_key)
    title = f"{case.number}: perlu penugasan — {step.title}"
    body = (f"{_about(case, work)} tidak dapat dikerjakan karena belum ada yang ditugaskan: {slot_label}.\n"
            "Yang perlu Anda lakukan: buka kasus dan tugaskan orangnya (bagian Penugasan).\n"
            f"Batas waktu langkah: {due_text(work.due_at)}.")
    return title, body


def decision(case: Case, outcome: str, external: bool) -> tuple[str, str]:
    label = END_LABELS.get(outcome, outcome)
    flow = get_flow(case.flow_code)
    title = f"{case.number}: permohonan {label.lower()}"
    body = f"Keputusan atas permohonan {case.number} ({case.title}), {flow.name}: {label}."
    if external:
        body += ("\nYang perlu Anda lakukan: unduh surat dan dokumen keputusan pada halaman kasus; "
                 "tidak ada batas waktu." if outcome == "END_OK" else
                 "\nYang perlu Anda lakukan: baca alasannya pada halaman kasus; Anda dapat mengajukan "
                 "permohonan baru kapan saja.")
    return title, body


def documents_issued(case: Case, documents: list[tuple[str, str | None]]) -> tuple[str, str]:
    names = "; ".join(f"{name} nomor {number}" if number else name for name, number in documents)
    title = f"{case.number}: dokumen ditandatangani dan diberi nomor"
    body = (f"{_about(case, None)}: {names}.\n"
            "Yang perlu Anda lakukan: unduh dokumen pada halaman kasus; keasliannya dapat diperiksa "
            "melalui kode QR. Tidak ada batas waktu.")
    return title, body


def account_created(external: bool) -> tuple[str, str]:
    title = "Akun Portal Layanan BNSP Anda telah dibuat"
    body = "Selamat datang di Portal Layanan BNSP."
    if external:
        body += ("\nYang perlu Anda lakukan: ganti kata sandi sementara (bila ada), lalu buka Kotak Kerja: "
                 "setiap pekerjaan yang menunggu Anda tercantum di sana dengan batas waktunya.")
    return title, body


def reminder(case: Case, work: WorkItem, late: bool, for_supervisor: bool = False) -> tuple[str, str]:
    step = get_flow(case.flow_code).step(work.step_key)
    if for_supervisor:
        title = f"Eskalasi {case.number}: {step.title} terlambat"
        body = (f"{_about(case, work)}: langkah “{step.title}” melewati batas waktu "
                f"{due_text(work.due_at)} dan belum dikerjakan.\n"
                "Yang perlu Anda lakukan: pastikan langkah ini segera diselesaikan atau dialihkan.")
        return title, body
    state = "terlambat" if late else "jatuh tempo hari ini"
    title = f"{case.number}: {step.title} {state}"
    body = (f"{_about(case, work)}: langkah “{step.title}” {state}.\n"
            f"Yang perlu Anda lakukan: {next_action(step)}.\nBatas waktu: {due_text(work.due_at)}.")
    return title, body
