"""Signing throughput: the queue's batch path (portal.signing.batch.sign_many) against a plain
pyHanko loop over the same PDFs, key, field and QR stamp, and against raw RSA (openssl speed).

    python bench/sign_batch.py [--n 200] [--out DIR] [--processes 2] [--bt-n 50] [--profile]

PDF generation, key creation and checking the results are not timed. The last line is
``queue_docs_per_s=<x> bare_docs_per_s=<y> ratio=<x/y> openssl_signs_per_s=<z>``; the queue
figure includes starting the worker processes and loading the key (a cold first batch).
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.stamp import QRStampStyle  # noqa: E402

from portal.signing.batch import prestart, shutdown_pools, sign_many  # noqa: E402
from portal.signing.devpki import create_dev_pki  # noqa: E402
from portal.signing.pades import (  # noqa: E402
    DEFAULT_BOX, STAMP_TEXT, SigningError, SignRequest, load_pkcs12_signer, sign_pdf,
)
from portal.signing.validation import validate_signed_pdf  # noqa: E402

PASSPHRASE = b"bench-only-passphrase"
VERIFY = "https://portal.bnsp.go.id/verifikasi/{:08d}-7d3f0c2e-5a41-4c1b-9f7e"


def make_documents(n: int, distinct: int) -> tuple[list[bytes], int, tuple[float, ...]]:
    """``n`` one-page PDFs (``distinct`` different renders, cycled) and the signature box."""
    try:
        from portal.documents.contexts import sample_context
        from portal.documents.pdf import render_pdf
    except ImportError:
        from tests.signing_pki import simple_pdf

        return [simple_pdf(f"Sertifikat {i}") for i in range(n)], 0, DEFAULT_BOX
    base = sample_context("certificate")
    renders = []
    for i in range(min(n, distinct)):
        context = base
        if dataclasses.is_dataclass(base) and hasattr(base, "nama"):
            context = dataclasses.replace(base, nama=f"{base.nama} {i + 1}")
        renders.append(render_pdf("certificate", context))
    box = renders[0].signature_box
    return [renders[i % len(renders)].data for i in range(n)], box.page_index, box.box


def bare_loop(pdfs: list[bytes], p12: Path, page: int, box) -> tuple[float, bytes]:
    """What one would write with pyHanko's documented API: key loaded once, one PdfSigner per
    document with the same field, box and QR stamp."""
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSPHRASE)
    meta = signers.PdfSignatureMetadata(
        field_name="TTE_Ketua_BNSP", subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256", reason="Ditandatangani secara elektronik oleh Ketua BNSP",
        location="Jakarta", name="Ketua BNSP")
    style = QRStampStyle(stamp_text=STAMP_TEXT, border_width=1)
    spec = fields.SigFieldSpec("TTE_Ketua_BNSP", on_page=page, box=box)
    start = time.perf_counter()
    last = b""
    for i, pdf in enumerate(pdfs):
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec)
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)),
                                  appearance_text_params={"url": VERIFY.format(i)})
        last = out.getvalue()
    return time.perf_counter() - start, last


def openssl_rsa2048_signs_per_s() -> float:
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "rsa2048"], capture_output=True,
                         text=True, check=True).stdout
    match = re.search(r"^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)", out, re.M)
    if not match:
        raise RuntimeError("cannot parse `openssl speed` output:\n" + out)
    return float(match.group(1))


def check(outcomes, root) -> None:
    for index in (0, len(outcomes) - 1):
        outcome = outcomes[index]
        if isinstance(outcome, SigningError):
            raise SystemExit(f"document {index} failed: {outcome}")
        report = validate_signed_pdf(outcome.data, [root])
        if not report.ok:
            raise SystemExit(f"document {index} does not validate: {report.problems}")


def profile_batch_path(items, p12: Path) -> None:
    """cProfile of the in-process batch path: what is left besides cryptography."""
    import cProfile
    import pstats

    signer = load_pkcs12_signer(p12, PASSPHRASE)
    sign_pdf(items[0][0], signer, items[0][1])  # warm caches (template, reserve)
    profiler = cProfile.Profile()
    profiler.enable()
    for pdf, req in items[:100]:
        sign_pdf(pdf, signer, req)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def bt_figures(pdfs, page, box, processes: int, n: int) -> None:
    from tests.signing_pki import running_test_pki

    with tempfile.TemporaryDirectory() as tmp, running_test_pki(tmp) as pki:
        items = [(pdf, SignRequest(verify_url=VERIFY.format(i), page_index=page, box=box))
                 for i, pdf in enumerate(pdfs[:n])]
        # Warm pool: this figure is about the TSA round trips, not process start-up.
        prestart(pki.p12_path, pki.passphrase, processes=processes, timestamper_url=pki.tsa_url)
        start = time.perf_counter()
        outcomes = sign_many(items, pki.p12_path, pki.passphrase, processes=processes,
                             timestamper_url=pki.tsa_url)
        elapsed = time.perf_counter() - start
        levels = {o.level for o in outcomes if not isinstance(o, SigningError)}
        check(outcomes, pki.root_cert)
        print(f"B-T via local TSA (warm pool): {len(items)} docs in {elapsed:.2f} s = "
              f"{len(items) / elapsed:.1f} docs/s (levels {sorted(levels)})")
        shutdown_pools()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="documents to sign (default 200)")
    parser.add_argument("--out", type=Path, help="keep the signed PDFs in this directory")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--distinct", type=int, default=10,
                        help="different certificate renders, cycled over --n (default 10)")
    parser.add_argument("--bt-n", type=int, default=50, help="documents for the B-T figure")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the path")
    args = parser.parse_args()

    pdfs, page, box = make_documents(args.n, args.distinct)
    items = [(pdf, SignRequest(verify_url=VERIFY.format(i), page_index=page, box=box))
             for i, pdf in enumerate(pdfs)]
    print(f"{args.n} documents of {len(pdfs[0]) / 1024:.0f} KiB, stamp box {box} on page {page}")

    with tempfile.TemporaryDirectory() as tmp:
        pki = create_dev_pki(tmp, PASSPHRASE)
        root = pki.root_cert()

        start = time.perf_counter()
        outcomes = sign_many(items, pki.p12_path, PASSPHRASE, processes=args.processes)
        queue_s = time.perf_counter() - start
        start = time.perf_counter()
        sign_many(items, pki.p12_path, PASSPHRASE, processes=args.processes)
        warm_s = time.perf_counter() - start
        shutdown_pools()
        check(outcomes, root)
        print(f"batch path (sign_many, {args.processes} processes, B-B): {queue_s:.2f} s cold "
              f"= {args.n / queue_s:.1f} docs/s; warm pool {args.n / warm_s:.1f} docs/s")

        bare_s, last = bare_loop(pdfs, pki.p12_path, page, box)
        if not validate_signed_pdf(last, [root]).ok:
            raise SystemExit("plain pyHanko output does not validate")
        print(f"plain pyHanko loop (1 process): {bare_s:.2f} s = {args.n / bare_s:.1f} docs/s")

        if args.profile:
            profile_batch_path(items, pki.p12_path)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for i, outcome in enumerate(outcomes):
                if not isinstance(outcome, SigningError):
                    (args.out / f"signed-{i + 1:04d}.pdf").write_bytes(outcome.data)
            print(f"signed PDFs written to {args.out}")

    if args.bt_n > 0:
        bt_figures(pdfs, page, box, args.processes, min(args.bt_n, args.n))

    openssl = openssl_rsa2048_signs_per_s()
    queue_rate, bare_rate = args.n / queue_s, args.n / bare_s
    print(f"queue_docs_per_s={queue_rate:.1f} bare_docs_per_s={bare_rate:.1f} "
          f"ratio={queue_rate / bare_rate:.2f} openssl_signs_per_s={openssl:.1f}")


if __name__ == "__main__":
    main()
