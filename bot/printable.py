"""Names from the file system made safe to print: no terminal escapes, no undecodable bytes."""

from __future__ import annotations

import unicodedata

_HIDDEN = ("Cc", "Cf", "Cs", "Zl", "Zp")  # controls (ANSI escapes), invisible formatting, surrogates, line breaks


def printable(name: str) -> str:
    """`name` with every control or invisible character escaped (ESC as \\x1b), and each byte that was
    not UTF-8 (decoded by Python as a lone surrogate) shown as \\xNN."""
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in _HIDDEN:
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)
