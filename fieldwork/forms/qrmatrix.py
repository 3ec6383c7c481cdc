"""The sheets' QR codes as module matrices: the symbols ``qrcode`` makes (level M, mask 0),
at about a tenth of its cost.

Every printed page carries a QR code, and ``qrcode`` spends about 1 ms on each, mostly in
its pure-Python Reed-Solomon polynomials and in placing the modules one at a time: 9 s of
the 53 s that ``fieldwork demo`` takes for its 8,411 codes. Here the fixed part of each
version (finder, timing and alignment patterns, format and version information, and the
order in which data modules are filled) is taken from ``qrcode`` once and kept; a code then
costs its codewords, one Reed-Solomon division per block with log tables, and one numpy
placement. A text that ``qrcode`` would split into numeric or alphanumeric segments (a run of
20 digits or capitals) is handed to ``qrcode`` itself, so every symbol is the one it makes
(tests/forms/test_qrmatrix.py compares them module for module).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import qrcode
from qrcode import base, util
from qrcode.constants import ERROR_CORRECT_M

MASK = 0  # printing.qr_operators' choice: a fixed mask skips qrcode's 8-mask scoring
_PAD = (0xEC, 0x11)  # the standard's pad codewords, in turn
# GF(256) tables (the QR polynomial 0x11d), the exponent table doubled: no modulo per step.
_EXP = [base.gexp(i % 255) for i in range(512)]
_LOG = [0] + [base.glog(i) for i in range(1, 256)]
# optimal_data_chunks' patterns, compiled once: a short text is one chunk if all of it is
# digits (or all alphanumeric); a longer one splits off runs of at least _RUN.
_RUN = 20
_ALPHA = b"[" + re.escape(util.ALPHA_NUM) + b"]"
_WHOLE = (re.compile(rb"^\d+$"), re.compile(b"^" + _ALPHA + b"+$"))
_RUNS = (re.compile(rb"\d{%d,}" % _RUN), re.compile(_ALPHA + b"{%d,}" % _RUN))


@dataclass(frozen=True)
class _Version:
    """What every code of one version shares."""

    size: int
    template: np.ndarray  # the function modules (dark True), data modules False
    cells: np.ndarray  # flat indices of the data modules, in the order they are filled
    mask: np.ndarray  # the mask's value at each of ``cells``
    blocks: tuple  # (data codewords, error-correction codewords) of each block
    order: np.ndarray  # where each codeword goes in the interleaved stream


def matrix(data: bytes) -> np.ndarray:
    """The QR code of ``data`` at level M with mask 0, without quiet zone: a square bool
    array, dark modules True, equal to ``qrcode.QRCode(error_correction=ERROR_CORRECT_M,
    border=0, mask_pattern=0)`` with ``add_data(data)`` and ``make(fit=True)``."""
    if not _one_byte_segment(data):
        return _by_qrcode(data)
    version = _version_for(len(data))
    v = _version(version)
    stream = _codewords(data, version, v.blocks)[v.order]
    bits = np.zeros(len(v.cells), dtype=bool)
    bits[:len(stream) * 8] = np.unpackbits(stream).view(bool)
    out = v.template.copy()
    out.flat[v.cells] = bits ^ v.mask
    return out


def _by_qrcode(data: bytes) -> np.ndarray:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK)
    code.add_data(data)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def _one_byte_segment(data: bytes) -> bool:
    """Whether ``qrcode`` (``add_data``'s default ``optimize=20``, ``optimal_data_chunks``)
    keeps ``data`` as one 8-bit byte segment: no numeric or alphanumeric chunk in it."""
    num, alpha = _WHOLE if len(data) <= _RUN else _RUNS
    return bool(data) and not num.search(data) and not alpha.search(data)


@functools.cache
def _version_for(length: int) -> int:
    """The smallest version whose level-M capacity holds ``length`` bytes (``best_fit``)."""
    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECT_M]
    for version in range(1, 41):
        needed = 4 + util.length_in_bits(util.MODE_8BIT_BYTE, version) + 8 * length
        if needed <= limits[version]:
            return version
    raise qrcode.exceptions.DataOverflowError(f"{length} bytes do not fit a QR code")


def _codewords(data: bytes, version: int, blocks: tuple) -> np.ndarray:
    """Data codewords (mode, count, bytes, terminator, pads) and each block's error
    correction, blocks one after the other (data of all blocks, then their corrections)."""
    capacity = sum(d for d, _ in blocks)
    count_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
    nbits = 4 + count_bits + 8 * len(data)
    value = ((util.MODE_8BIT_BYTE << count_bits | len(data)) << 8 * len(data)
             | int.from_bytes(data, "big"))
    tail = min(capacity * 8 - nbits, 4)  # terminator
    tail += -(nbits + tail) % 8  # to a whole codeword
    head = (value << tail).to_bytes((nbits + tail) // 8, "big")
    words = list(head) + [_PAD[i % 2] for i in range(capacity - len(head))]
    out, ecs, at = [], [], 0
    for dc, ec in blocks:
        out.extend(words[at:at + dc])
        ecs.extend(_remainder(words[at:at + dc], ec))
        at += dc
    return np.array(out + ecs, dtype=np.uint8)


@functools.cache
def _generator(ec: int) -> tuple[int, ...]:
    """Logs of the coefficients after the leading 1 of prod(x - a^i), i < ``ec``."""
    poly = [1]
    for i in range(ec):
        nxt = poly + [0]
        for j, c in enumerate(poly):
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        poly = nxt
    return tuple(_LOG[c] for c in poly[1:])


def _remainder(words: list[int], ec: int) -> list[int]:
    """The ``ec`` Reed-Solomon codewords of one block (long division by the generator)."""
    gen = _generator(ec)
    rem = [0] * ec
    for w in words:
        factor = w ^ rem[0]
        del rem[0]
        rem.append(0)
        if factor:
            f = _LOG[factor]
            rem = [r ^ _EXP[f + g] for r, g in zip(rem, gen, strict=True)]
    return rem


@functools.cache
def _version(version: int) -> _Version:
    """Build, once, what every code of ``version`` shares, with ``qrcode``'s own steps."""
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0,
                         mask_pattern=MASK)
    n = code.modules_count = version * 4 + 17
    code.modules = [[None] * n for _ in range(n)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(n - 7, 0)
    code.setup_position_probe_pattern(0, n - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(False, MASK)
    if version >= 7:
        code.setup_type_number(False)
    cells = _fill_order(code.modules)
    template = np.array([[bool(m) for m in row] for row in code.modules])
    masked = util.mask_func(MASK)
    mask = np.array([masked(i // n, i % n) for i in cells], dtype=bool)
    rs = base.rs_blocks(version, ERROR_CORRECT_M)
    blocks = tuple((b.data_count, b.total_count - b.data_count) for b in rs)
    return _Version(n, template, np.array(cells), mask, blocks, _interleave(blocks))


def _fill_order(modules: list) -> list[int]:
    """Flat indices of the unset modules in the standard's order (``QRCode.map_data``):
    two-column strips from the right, up and down in turn, skipping the timing column."""
    n = len(modules)
    order, row, step = [], n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        while 0 <= row < n:
            order.extend(row * n + c for c in (col, col - 1) if modules[row][c] is None)
            row += step
        row -= step
        step = -step
    return order


def _interleave(blocks: tuple) -> np.ndarray:
    """Indices into the block-after-block codewords giving the transmitted order: the i-th
    data codeword of each block in turn, then the i-th correction codeword of each."""
    data_at, ec_at, d0, e0 = [], [], 0, sum(d for d, _ in blocks)
    for d, e in blocks:
        data_at.append(range(d0, d0 + d))
        ec_at.append(range(e0, e0 + e))
        d0, e0 = d0 + d, e0 + e
    order = []
    for group in (data_at, ec_at):
        for i in range(max(len(r) for r in group)):
            order.extend(r[i] for r in group if i < len(r))
    return np.array(order)
