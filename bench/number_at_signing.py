"""Cost of writing the official number into a draft at signing (issue 12), per document kind.

    python bench/number_at_signing.py [--n 100]

Renders one draft per numbered kind (letter with its Lampiran page, SK with its annex, SPT,
undangan, licence certificate) and times `portal.signing.number_text.write_number` on it N times
(warm: the number fonts are loaded once per process, as in the worker). This is the work the
signing run adds, on its main thread, for every document that takes a number; it overlaps with
the previous chunk being signed on the pool. The last line is ``worst_ms_per_doc=<x>``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NUMBERS = {"letter": "1234/BNSP/DL.02.00/XI/2026", "undangan": "1235/BNSP/LS.01.00/XI/2026",
           "spt": "SPT.77/BNSP/KP.04.00/XI/2026", "sk": "KEP.88/BNSP/XI/2026", "certificate": "BNSP-LSP-2630-ID"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()

    from portal.documents.contexts import sample_context
    from portal.documents.pdf import render_pdf
    from portal.signing.number_text import write_number

    worst = 0.0
    print(f"{'kind':<12} {'places':>6} {'KiB':>6} {'median ms':>10} {'p90 ms':>8}")
    for kind, number in NUMBERS.items():
        rendered = render_pdf(kind, sample_context(kind))
        boxes = rendered.number_boxes_json
        write_number(rendered.data, boxes, number)  # fonts loaded once per process
        times = []
        for i in range(args.n):
            start = time.perf_counter()
            write_number(rendered.data, boxes, number.replace("88", str(i)))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        median, p90 = statistics.median(times), times[int(0.9 * (len(times) - 1))]
        worst = max(worst, median)
        print(f"{kind:<12} {len(boxes):>6} {len(rendered.data) / 1024:>6.0f} {median:>10.1f} {p90:>8.1f}")
    print(f"worst_ms_per_doc={worst:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
