"""The verification QR code of a signature stamp, built for a batch of hundreds.

The `qrcode` package lays the code out (function patterns, format and version information,
mask), but encodes the data bit by bit and computes the Reed-Solomon error correction with
polynomial objects: about 4 ms for the ~220-character verification URL, a third of a document's
signing time. Here the data codewords come from integer arithmetic and the error correction from
multiplication tables, and the data modules are placed through a per-version list of their
positions; the result is module for module the matrix `qrcode` builds for the same text, mask
and error correction level (tests/test_qr_code.py compares them). The drawing fills one
rectangle per horizontal run of dark modules instead of one per module.
"""
from __future__ import annotations

import re
from functools import lru_cache

import qrcode
from pyhanko.pdf_utils.qr import PdfStreamQRImage
from qrcode import LUT, base, util

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# A fixed mask pattern skips qrcode's evaluation of all eight masks; any mask gives a valid code.
MASK_PATTERN = 2
BORDER = 4
BOX_SIZE = 10

_EXP, _LOG = base.EXP_TABLE, base.LOG_TABLE
_DARK_RUN = re.compile(rb"\x01+")


def _data_bits(chunk: util.QRData, version: int) -> int:
    """Bits a data segment takes in `version`: mode, length and payload."""
    n = len(chunk)
    if chunk.mode == util.MODE_NUMBER:
        payload = 10 * (n // 3) + (0, 4, 7)[n % 3]
    elif chunk.mode == util.MODE_ALPHA_NUM:
        payload = 11 * (n // 2) + 6 * (n % 2)
    else:
        payload = 8 * n
    return 4 + util.length_in_bits(chunk.mode, version) + payload


def fit_version(chunks: list[util.QRData], error_correction: int = ERROR_CORRECTION) -> int:
    """The smallest version holding `chunks` (as `QRCode.best_fit` finds it)."""
    limits = util.BIT_LIMIT_TABLE[error_correction]
    for version in range(1, 41):
        if sum(_data_bits(chunk, version) for chunk in chunks) <= limits[version]:
            return version
    raise qrcode.exceptions.DataOverflowError()


def _append(acc: int, chunk: util.QRData, version: int) -> int:
    acc = (acc << 4) | chunk.mode
    acc = (acc << util.length_in_bits(chunk.mode, version)) | len(chunk)
    data = chunk.data
    if chunk.mode == util.MODE_8BIT_BYTE:
        return (acc << (8 * len(data))) | int.from_bytes(data, "big")
    if chunk.mode == util.MODE_NUMBER:
        for i in range(0, len(data), 3):
            digits = data[i:i + 3]
            acc = (acc << util.NUMBER_LENGTH[len(digits)]) | int(digits)
        return acc
    for i in range(0, len(data), 2):
        pair = data[i:i + 2]
        if len(pair) == 2:
            acc = (acc << 11) | (util.ALPHA_NUM.find(pair[:1]) * 45 + util.ALPHA_NUM.find(pair[1:]))
        else:
            acc = (acc << 6) | util.ALPHA_NUM.find(pair)
    return acc


@lru_cache(maxsize=None)
def _generator_rows(ec_count: int) -> tuple[int, ...]:
    """For each GF(256) value c, c times the generator polynomial's coefficients after the first,
    as one integer of `ec_count` bytes (the remainder register below is one integer too)."""
    if ec_count in LUT.rsPoly_LUT:
        generator = list(LUT.rsPoly_LUT[ec_count])
    else:
        poly = base.Polynomial([1], 0)
        for i in range(ec_count):
            poly = poly * base.Polynomial([1, base.gexp(i)], 0)
        generator = [poly[i] for i in range(len(poly))]
    tail = generator[1:]
    rows = [0]
    for c in range(1, 256):
        log_c = _LOG[c]
        rows.append(int.from_bytes(bytes(_EXP[(log_c + _LOG[g]) % 255] if g else 0 for g in tail), "big"))
    return tuple(rows)


def _error_correction(data: list[int], ec_count: int) -> list[int]:
    """The remainder of data·x^ec by the generator polynomial (the block's EC codewords): a shift
    register of `ec_count` bytes, XORed with the generator times the byte shifted out."""
    rows = _generator_rows(ec_count)
    top, mask = 8 * (ec_count - 1), (1 << (8 * ec_count)) - 1
    remainder = 0
    for byte in data:
        factor = byte ^ (remainder >> top)
        remainder = ((remainder << 8) & mask) ^ rows[factor]
    return list(remainder.to_bytes(ec_count, "big"))


def codewords(chunks: list[util.QRData], version: int, error_correction: int = ERROR_CORRECTION) -> list[int]:
    """Data and error-correction codewords, interleaved (`util.create_data`'s result)."""
    blocks = base.rs_blocks(version, error_correction)
    bit_limit = sum(block.data_count * 8 for block in blocks)
    acc, length = 0, 0
    for chunk in chunks:
        length += _data_bits(chunk, version)
        acc = _append(acc, chunk, version)
    if length > bit_limit:
        raise qrcode.exceptions.DataOverflowError(f"Code length overflow ({length} > {bit_limit})")
    pad = min(bit_limit - length, 4)  # terminator
    pad += (-(length + pad)) % 8  # to a whole byte
    acc <<= pad
    length += pad
    stream = list(acc.to_bytes(length // 8, "big"))
    fill = (bit_limit - length) // 8
    stream.extend((util.PAD0, util.PAD1)[i % 2] for i in range(fill))

    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        current = stream[offset:offset + block.data_count]
        offset += block.data_count
        data_blocks.append(current)
        ec_blocks.append(_error_correction(current, block.total_count - block.data_count))
    out = []
    for group in (data_blocks, ec_blocks):
        for i in range(max(map(len, group))):
            out.extend(block[i] for block in group if i < len(block))
    return out


class _QRCode(qrcode.QRCode):
    """`qrcode.QRCode` whose data placement goes through cached module positions."""

    def map_data(self, data, mask_pattern):
        positions, flips = _layout(self, mask_pattern)
        bits = format(int.from_bytes(bytes(data), "big"), f"0{8 * len(data)}b") if data else ""
        bits = bits[:len(positions)].ljust(len(positions), "0")
        modules = self.modules
        for (row, col), bit, flip in zip(positions, bits, flips):
            modules[row][col] = (bit == "1") != flip


_layouts: dict[int, list[tuple[int, int]]] = {}
_flips: dict[tuple[int, int], list[bool]] = {}


def _layout(code: _QRCode, mask_pattern: int) -> tuple[list[tuple[int, int]], list[bool]]:
    """The data modules of the code's version in placement order, and which the mask flips.

    Found by the same upward/downward two-column walk as `QRCode.map_data`, over the modules that
    are still empty once the function patterns and format information are drawn."""
    positions = _layouts.get(code.version)
    if positions is None:
        positions = []
        size, modules = code.modules_count, code.modules
        row, step = size - 1, -1
        for col in range(size - 1, 0, -2):
            if col <= 6:
                col -= 1
            while True:
                for c in (col, col - 1):
                    if modules[row][c] is None:
                        positions.append((row, c))
                row += step
                if row < 0 or row >= size:
                    row -= step
                    step = -step
                    break
        _layouts[code.version] = positions
    key = (code.version, mask_pattern)
    flips = _flips.get(key)
    if flips is None:
        mask = util.mask_func(mask_pattern)
        flips = _flips[key] = [bool(mask(r, c)) for r, c in positions]
    return positions, flips


def qr_matrix(text: str, mask_pattern: int = MASK_PATTERN) -> list[list[bool]]:
    """The QR code of `text` (level M, the given mask) as rows of dark (True) modules, no border."""
    code = _QRCode(error_correction=ERROR_CORRECTION, mask_pattern=mask_pattern, border=BORDER, box_size=BOX_SIZE)
    code.add_data(text)
    code.version = fit_version(code.data_list)
    code.data_cache = codewords(code.data_list, code.version)
    code.makeImpl(False, mask_pattern)
    return code.modules


def qr_drawing(text: str) -> tuple[bytes, int]:
    """PDF drawing commands for the QR code of `text` and their natural size in points: black
    rectangles, one per horizontal run of dark modules, in pyHanko's grid (quiet zone included)."""
    modules = qr_matrix(text)
    width = len(modules)
    image = PdfStreamQRImage(BORDER, width, BOX_SIZE, qrcode_modules=modules)
    commands = [image.setup_drawing_area()]
    for row, cells in enumerate(modules):
        for run in _DARK_RUN.finditer(bytes(cells)):  # a row as bytes 0/1: runs found in C
            commands.append(b"%d %d %d 1 re" % (run.start(), row, run.end() - run.start()))
    commands.append(b"f")
    return b"\n".join(commands), (width + 2 * BORDER) * BOX_SIZE
