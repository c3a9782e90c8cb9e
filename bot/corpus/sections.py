"""Passages cut by section, for documents a reader found structure in (`Document.sections`).

- Consecutive blocks of one section are merged up to the token target (`SplitSettings.section_tokens`,
  by default the model's limit: whole sections where they fit, README "Passage size"). A passage never crosses a
  section boundary, nor a page of a PDF, and never exceeds the model's word-piece limit.
- Headings are context, never passages of their own: with `SplitSettings.heading_context`, the
  section's heading path is embedded in front of each of its passages (and counts against the limit).
- A code block or table is not split in the middle: one within the limit stays whole; a longer one
  is cut at line ends into nearly equal parts, each later part of a table embedded after the table's
  header row (a passage is a span of the text, so the header is context, not part of its text).
- A prose block longer than the target is cut at sentence bounds (a list at its items first) into
  windows overlapping by whole sentences, as plain text is.
- A very small group (a closing remark, an intro line ending in ":") joins a neighbour in its section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bot.corpus.splitting import SPECIAL_TOKENS, SplitSettings, TokenCounter, TokenSpans, sentence_spans, windows
from bot.records import Block, Document, Passage, Section

MIN_TOKENS = 24  # a group of fewer word pieces joins a neighbour in its section
CONTEXT_TOKENS = 48  # at most this many word pieces of heading path are embedded before a passage
PATH_SEPARATOR = " › "
_WHOLE = {"code", "table"}  # kept whole when within the limit, else cut at line ends


@dataclass(frozen=True)
class Cut:
    """A passage and the text embedded in front of it: its heading path and, for a later part of a long
    table, the table's header row ("" for none)."""

    passage: Passage
    context: str = ""


@dataclass(frozen=True)
class _Group:
    """A run of text that becomes one passage unless it merges with a neighbour."""

    start: int
    end: int
    tokens: int
    first: int  # 1-based number of its first block in the document
    last: int
    page: int | None
    solid: bool = False  # a part of a block cut in several: it takes no neighbour but a very small one
    header: str = ""  # a table's header row, for a part after the first


def split_sections(document: Document, settings: SplitSettings, token_spans: TokenSpans) -> list[Cut]:
    """Cut a document with sections into passages (see the module's docstring)."""
    budget = settings.max_tokens - SPECIAL_TOKENS
    target = max(1, min(settings.section_tokens, budget))
    blocks = {block: number for number, block in enumerate(_all_blocks(document.sections), start=1)}
    cuts: list[Cut] = []
    for section in document.sections:
        heading = heading_context(section.path, token_spans) if settings.heading_context else ""
        room = budget - (len(token_spans(heading)) if heading else 0)
        groups = [
            group
            for block in section.blocks
            for group in _block_groups(document.text, block, blocks[block], target, room, settings, token_spans)
        ]
        for group in _join_small(_merge(groups, document.text, target), document.text, room):
            passage = Passage(
                id=f"{document.id}#{len(cuts) + 1}",
                doc_id=document.id,
                paragraph=group.first,
                start=group.start,
                end=group.end,
                text=document.text[group.start : group.end],
                section=section.path,
                anchor=section.anchor,
                page=group.page,
                lines=_lines(section, group),
            )
            cuts.append(Cut(passage, "\n".join(part for part in (heading, group.header) if part)))
    return cuts


def heading_context(path: tuple[str, ...], token_spans: TokenSpans) -> str:
    """The heading path as embedded before a passage: innermost headings kept within CONTEXT_TOKENS."""
    parts = [part for part in path if part]
    while parts:
        text = PATH_SEPARATOR.join(parts)
        if len(token_spans(text)) <= CONTEXT_TOKENS:
            return text
        parts = parts[1:]
    return ""


def _all_blocks(sections: tuple[Section, ...]) -> list[Block]:
    return [block for section in sections for block in section.blocks]


def _block_groups(
    text: str, block: Block, number: int, target: int, room: int, settings: SplitSettings, token_spans: TokenSpans
) -> list[_Group]:
    """A block as one group, or as the parts it is cut into."""
    counter = TokenCounter(text, block.start, block.end, token_spans)
    tokens = counter.count(block.start, block.end)
    if tokens <= target or (block.kind in _WHOLE and tokens <= room):
        return [_Group(block.start, block.end, tokens, number, number, block.page)]
    if block.kind in _WHOLE:
        return _cut_lines(text, block, number, counter, room)
    if block.kind == "list":  # at its items first, then at sentences within a long item
        units = [s for line in _line_spans(text, block.start, block.end) for s in sentence_spans(text, *line)]
    else:
        units = sentence_spans(text, block.start, block.end)
    units = [piece for unit in units for piece in counter.cut(*unit, room)]
    return [
        _Group(start, end, counter.count(start, end), number, number, block.page, solid=True)
        for start, end in windows(units, counter.count, target, settings.overlap_sentences)
    ]


def _cut_lines(text: str, block: Block, number: int, counter: TokenCounter, room: int) -> list[_Group]:
    """A long code block or table in nearly equal parts at line ends; a table's later parts carry its header."""
    lines = _line_spans(text, block.start, block.end)
    header = text[slice(*lines[0])] if block.kind == "table" and len(lines) > 1 else ""
    if header and counter.count(*lines[0]) > room // 2:  # a header too long to repeat
        header = ""
    part_room = room - (counter.count(*lines[0]) if header else 0)
    units = [piece for line in lines for piece in counter.cut(*line, part_room)]
    total = counter.count(block.start, block.end)
    part_target = math.ceil(total / math.ceil(total / part_room))
    groups: list[_Group] = []
    first = 0
    while first < len(units):
        last = first + 1
        while last < len(units) and counter.count(units[first][0], units[last][1]) <= part_target:
            last += 1
        start, end = units[first][0], units[last - 1][1]
        groups.append(
            _Group(start, end, counter.count(start, end), number, number, block.page, True, header if groups else "")
        )
        first = last
    return groups


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of text[start:end], trailing whitespace left out."""
    spans = []
    at = start
    while at < end:
        stop = text.find("\n", at, end)
        stop = end if stop < 0 else stop
        line_end = stop
        while line_end > at and text[line_end - 1].isspace():
            line_end -= 1
        if line_end > at and text[at:line_end].strip():
            spans.append((at, line_end))
        at = stop + 1
    return spans


def _merge(groups: list[_Group], text: str, target: int) -> list[_Group]:
    """Consecutive whole blocks (of one page) merged while the run stays within `target` word pieces.
    A block ending with a colon opens a new run: it introduces what follows it."""
    merged: list[_Group] = []
    for group in groups:
        last = merged[-1] if merged else None
        if (
            last is not None
            and not last.solid
            and not group.solid
            and last.page == group.page
            and last.tokens + group.tokens <= target
            and text[group.end - 1] != ":"
        ):
            merged[-1] = replace(last, end=group.end, tokens=last.tokens + group.tokens, last=group.last)
        else:
            merged.append(group)
    return merged


def _join_small(groups: list[_Group], text: str, room: int) -> list[_Group]:
    """Each group under MIN_TOKENS joins a neighbour of its page when the two fit the limit: the next
    one when it ends with a colon (it introduces what follows), else preferably the previous one."""
    result = list(groups)
    i = 0
    while i < len(result):
        group = result[i]
        if group.tokens >= MIN_TOKENS or len(result) == 1:
            i += 1
            continue
        order = (i + 1, i - 1) if text[group.end - 1] == ":" else (i - 1, i + 1)
        for j in order:
            neighbour = result[j] if 0 <= j < len(result) else None
            if (
                neighbour is not None
                and neighbour.page == group.page
                and not neighbour.header  # its room is already smaller by the header it repeats
                and neighbour.tokens + group.tokens <= room
            ):
                a, b = (result[j], group) if j < i else (group, result[j])
                result[min(i, j)] = replace(
                    a, end=b.end, tokens=a.tokens + b.tokens, last=b.last, solid=a.solid or b.solid
                )
                del result[max(i, j)]
                i = max(min(i, j) - 1, 0)  # the joined group may itself be small still
                break
        else:
            i += 1
    return result


def _lines(section: Section, group: _Group) -> tuple[int, int] | None:
    """First line of the group's first block to last line of its last block, when the reader knows them."""
    first = next((b for b in section.blocks if b.start <= group.start < b.end or b.start >= group.start), None)
    last = next((b for b in reversed(section.blocks) if b.start < group.end), None)
    if first is None or last is None or first.lines is None or last.lines is None:
        return None
    return first.lines[0], last.lines[1]


def locate(document: Document, passages: list[Passage]) -> list[Passage]:
    """Passages cut without regard to sections (the plain baseline) given the section, anchor, page and
    lines of the blocks they start and end in."""
    blocks = [(block, section) for section in document.sections for block in section.blocks]
    if not blocks:
        return passages
    located = []
    for passage in passages:
        inside = [(b, s) for b, s in blocks if b.start < passage.end and passage.start < b.end]
        if not inside:
            located.append(passage)
            continue
        (first, section), (last, _) = inside[0], inside[-1]
        lines = (first.lines[0], last.lines[1]) if first.lines and last.lines else None
        located.append(replace(passage, section=section.path, anchor=section.anchor, page=first.page, lines=lines))
    return located
