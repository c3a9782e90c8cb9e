"""The contract every reader keeps, checked on any Reading (used by the tests of each reader)."""

from __future__ import annotations

import itertools
import re

from bot.corpus.readers import Reading
from bot.records import Block

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,}")


def blocks(reading: Reading) -> list[Block]:
    return [block for section in reading.sections for block in section.blocks]


def block_texts(reading: Reading) -> list[tuple[str, str]]:
    """Each block's kind and text, in order."""
    return [(block.kind, reading.text[block.start : block.end]) for block in blocks(reading)]


def check(reading: Reading, source_lines: list[str] | None = None, found_share: float = 0.9) -> None:
    """Offsets point at trimmed text, spans are in order and disjoint, every visible character is in a
    block or heading, and (given the source) a block's words stand in the source lines it claims."""
    text = reading.text
    spans: list[tuple[int, int]] = []
    for section in reading.sections:
        if section.heading is not None:
            spans.append(section.heading)
            heading = text[slice(*section.heading)]
            assert heading and "\n" not in heading and heading == heading.strip()
            assert section.path and section.path[-1] == heading
        for block in section.blocks:
            assert block.kind in {"paragraph", "list", "code", "table", "admonition", "quote"}
            assert 0 <= block.start < block.end <= len(text)
            body = text[block.start : block.end]
            assert body.strip() and body == body.rstrip() and not body.startswith("\n")
            if block.kind != "code":
                assert body == body.strip()
            if block.lines is not None:
                assert 1 <= block.lines[0] <= block.lines[1]
            spans.append((block.start, block.end))
    assert spans == sorted(spans), "blocks and headings out of order"
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, "overlapping spans"
    covered = bytearray(len(text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    stray = [i for i, char in enumerate(text) if not char.isspace() and not covered[i]]
    assert not stray, f"text outside any block or heading: {text[stray[0] : stray[0] + 40]!r}"
    assert 0 <= reading.content_start <= len(text)
    if source_lines is not None:
        check_lines(reading, source_lines, found_share)


def check_lines(reading: Reading, source_lines: list[str], found_share: float) -> None:
    """Words of each block are found in the source lines it claims (a sample of up to 8 per block)."""
    tried = found = 0
    misses = []
    for block in blocks(reading):
        if block.lines is None:
            continue
        first, last = block.lines
        assert last <= len(source_lines) + 1, f"block claims lines {block.lines} of {len(source_lines)}"
        claimed = "\n".join(source_lines[first - 1 : last])
        body = reading.text[block.start : block.end]
        if block.kind == "admonition":  # its title may be made up ("Note", "Added in version 2.0")
            body = body.partition("\n")[2]
        for word in _WORD.findall(body)[:8]:
            tried += 1
            if word in claimed:
                found += 1
            else:
                misses.append((word, block.lines))
    assert tried == 0 or found / tried >= found_share, f"{found}/{tried} words found; misses {misses[:10]}"
