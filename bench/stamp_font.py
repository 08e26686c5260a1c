"""Cost of the embedded stamp font: one signature with the portal's stamp (Liberation Sans,
embedded) against the same stamp set in pyHanko's unembedded Courier, interleaved rounds.

    python bench/stamp_font.py [--rounds 6] [--docs 20] [--kind certificate]

Signs the sample document of --kind with a fresh dev key (PAdES B-B, the QR stamp, no database)
``docs`` times per round, alternating the two stamp styles so machine load hits both alike, and
prints the median milliseconds per document of each. The last line is
``embedded_ms=<x> courier_ms=<y> extra_ms=<x-y>``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--kind", default="certificate")
    args = parser.parse_args()

    from pyhanko.pdf_utils.text import TextBoxStyle

    from portal.documents import render_pdf
    from portal.documents.contexts import sample_context
    from portal.signing import devpki, pades, stamp
    from portal.signing.pades import SignRequest, load_pkcs12_signer, sign_pdf

    pki = devpki.create_dev_pki(tempfile.mkdtemp(), "bench")
    signer = load_pkcs12_signer(pki.p12_path, "bench")
    pdf = render_pdf(args.kind, sample_context(args.kind))
    box = pdf.signature_box
    request = SignRequest(verify_url="https://portal.bnsp.test/v/bench", signer_name="Kunjung Masehat, S.H., M.M.",
                          page_index=box.page_index, box=box.box)
    portal_style = pades.BnspQRStampStyle
    styles = {"embedded": stamp.STAMP_TEXT_STYLE, "courier": TextBoxStyle(font_size=8, leading=10)}
    timings: dict[str, list[float]] = {name: [] for name in styles}
    try:
        for _ in range(args.rounds):
            for name, text_style in styles.items():
                pades.BnspQRStampStyle = (  # what build_pdf_signer instantiates
                    lambda verify_url, _style=text_style: portal_style(verify_url=verify_url, text_box_style=_style))
                sign_pdf(pdf.data, signer, request)  # warm caches of this style
                start = time.perf_counter()
                for _ in range(args.docs):
                    sign_pdf(pdf.data, signer, request)
                timings[name].append((time.perf_counter() - start) / args.docs * 1000)
    finally:
        pades.BnspQRStampStyle = portal_style
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        print(f"{name:9s} median {medians[name]:6.2f} ms/doc  rounds: {', '.join(f'{v:.1f}' for v in values)}")
    print(f"embedded_ms={medians['embedded']:.2f} courier_ms={medians['courier']:.2f} "
          f"extra_ms={medians['embedded'] - medians['courier']:.2f}")


if __name__ == "__main__":
    main()
