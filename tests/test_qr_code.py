"""The stamp's QR code: the same code `qrcode` would build, drawn module for module.

A wrong module here means a stamp that does not scan (or scans to another address), so the fast
encoder is held to the reference encoder's matrix for every kind of content and size.
"""
import random
import re
import string

import pytest
import qrcode

from portal.signing.qr_code import MASK_PATTERN, qr_drawing, qr_matrix


def reference_matrix(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=MASK_PATTERN)
    code.add_data(text)
    code.make()
    return code.modules


def samples() -> list[str]:
    rnd = random.Random(20261130)
    url_chars = string.ascii_letters + string.digits + "-_?#=/:.%"
    texts = [
        "a",
        "0",
        "https://portal.bnsp.go.id/v/abc",
        # numeric and alphanumeric runs switch the encoder's modes inside one code
        "https://portal.bnsp.go.id/v/X1?k=AB#p=" + "1234567890" * 4 + "ABCDEFGHIJKLMNOP" * 3 + "xyz",
        "1" * 700,  # numeric only, large version
        "HTTPS://PORTAL.BNSP.GO.ID/V/ABCDEF-123456",  # alphanumeric only
        "Tanda tangan elektronik — Ketua BNSP, 28 Juli 2021",  # UTF-8 bytes
    ]
    for length in (20, 60, 120, 220, 400, 900):
        texts.append("https://portal.bnsp.go.id/v/" + "".join(rnd.choice(url_chars) for _ in range(length)))
    return texts


@pytest.mark.parametrize("text", samples())
def test_matrix_is_the_reference_encoders_module_for_module(text):
    assert qr_matrix(text) == reference_matrix(text)


def test_codes_span_small_and_large_versions():
    sizes = {len(qr_matrix(text)) for text in samples()}
    # version 1 (21 modules) up to versions that carry version information (>= 7, 45 modules)
    assert min(sizes) == 21 and max(sizes) > 45


def test_drawing_fills_exactly_the_dark_modules():
    text = samples()[-3]
    modules = qr_matrix(text)
    commands, size = qr_drawing(text)
    width = len(modules)
    assert size == (width + 8) * 10
    assert commands.startswith(b"0 0 0 rg\n0 0 0 RG\n10 0 0 -10 40 %d cm\n" % (40 + 10 * width))
    assert commands.endswith(b"\nf")
    painted = [[False] * width for _ in range(width)]
    for col, row, run in re.findall(rb"(\d+) (\d+) (\d+) 1 re", commands):
        for c in range(int(col), int(col) + int(run)):
            assert not painted[int(row)][c], "a module is painted twice"
            painted[int(row)][c] = True
    assert painted == [[bool(cell) for cell in row] for row in modules]
