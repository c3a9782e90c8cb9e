#!/usr/bin/env python3
"""Check every bench/docsets/*/questions.json against its corpus.

Shared question format (one file per set)::

    {"answerable":   [{"question": "...", "expect": "...", "file": "path/in/corpus"}],
     "unanswerable": [{"question": "...", "why": "other topic" | "near miss"}]}

PDF sets add an integer ``page`` (1-based) to each answerable item.

Failures (exit status 1):
  * malformed items: missing keys, ``why`` not one of the two values, duplicate questions;
  * ``expect`` not 4 to 12 words, or with a line break or surrounding spaces;
  * ``file`` not a forward-slash path to an existing file under ``corpus/``;
  * ``expect`` not found where it must be, by format of ``file``:
      - text sources (.md, .rst, .txt, anything not listed below): byte for byte on one
        line of the raw file, and free of markup (backticks, ``*``, ``_``, brackets,
        braces, angle brackets, ``|``, ``:role:``, URLs);
      - .html/.htm: inside one text node of the page's visible text (character references
        decoded, whitespace runs collapsed to one space), so no inline tag splits it;
      - .pdf: on one line of the text of the stated ``page`` (whitespace collapsed). This
        needs the optional ``pypdf`` package; without it PDF items are reported as
        unchecked, not failed (the script itself only needs the standard library).

Notes (printed, never failures): counts per set (answerable, distinct files,
other-topic/near-miss split) and ``expect`` spans found on more than one line or node,
which make a weaker test of retrieval.

Usage: python3 bench/docsets/verify.py [SET ...]      (default: every set found)
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEXT_MARKUP = re.compile(r"[`*_\[\]{}<>|\\]|:[a-z-]+:|https?://|\.\. ")
WHY = ("other topic", "near miss")


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


class _TextNodes(HTMLParser):
    HIDDEN = frozenset({"head", "script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.nodes.append(norm(data))


def units_text(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def units_html(path: Path) -> list[str]:
    p = _TextNodes()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    p.close()
    return p.nodes


_pdf_cache: dict[Path, Any] = {}


def units_pdf(path: Path, page) -> list[str] | str:
    """Lines of one PDF page, or a string saying why it cannot be checked."""
    try:
        from pypdf import PdfReader  # optional; not needed for text/HTML sets
    except ImportError:
        return "unchecked: pypdf is not installed"
    if path not in _pdf_cache:
        _pdf_cache[path] = PdfReader(str(path))
    pages = _pdf_cache[path].pages
    if not isinstance(page, int) or not 1 <= page <= len(pages):
        return f"bad page {page!r} (1..{len(pages)})"
    return [norm(line) for line in (pages[page - 1].extract_text() or "").splitlines()]


def check_set(d: Path) -> tuple[int, list[str], list[str]]:
    """Return (number of spans found, failures, notes)."""
    fails: list[str] = []
    notes: list[str] = []
    try:
        data = json.loads((d / "questions.json").read_text(encoding="utf-8"))
        ans, una = data["answerable"], data["unanswerable"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return 0, [f"questions.json unreadable or without answerable/unanswerable: {e}"], notes
    corpus = d / "corpus"

    seen: set[str] = set()
    files: set[str] = set()
    found = unchecked = 0
    for i, q in enumerate(ans, 1):
        tag = f"answerable #{i}"
        if not all(isinstance(q.get(k), str) and q[k].strip()
                   for k in ("question", "expect", "file")):
            fails.append(f"{tag}: needs non-empty question, expect and file")
            continue
        question, expect, rel = q["question"], q["expect"], q["file"]
        key = norm(question).lower()
        if key in seen:
            fails.append(f"{tag}: duplicate question")
        seen.add(key)
        files.add(rel)
        words = len(expect.split())
        if not 4 <= words <= 12:
            fails.append(f"{tag}: expect has {words} words (want 4-12): {expect!r}")
        if expect != expect.strip() or "\n" in expect or "\r" in expect:
            fails.append(f"{tag}: expect has surrounding spaces or a line break")
        if "\\" in rel or rel.startswith("/") or ".." in rel.split("/"):
            fails.append(f"{tag}: file must be a forward-slash path inside corpus/: {rel!r}")
            continue
        path = corpus / rel
        if not path.is_file():
            fails.append(f"{tag}: file not found: corpus/{rel}")
            continue

        suffix = path.suffix.lower()
        if suffix == ".pdf":
            units = units_pdf(path, q.get("page"))
            where = f"page {q.get('page')} of {rel}"
            needle = norm(expect)
            if isinstance(units, str):
                if units.startswith("unchecked"):
                    unchecked += 1
                else:
                    fails.append(f"{tag}: {units}")
                continue
        elif suffix in (".html", ".htm"):
            units, where, needle = units_html(path), f"one text node of {rel}", norm(expect)
        else:
            units, where, needle = units_text(path), f"one line of {rel}", expect
            m = TEXT_MARKUP.search(expect)
            if m:
                fails.append(f"{tag}: expect contains markup {m.group(0)!r}: {expect!r}")

        hits = [n for n, u in enumerate(units, 1) if needle in u]
        if not hits:
            fails.append(f"{tag}: expect not found on {where}: {expect!r}")
            continue
        if len(hits) > 1:
            notes.append(f"{tag}: expect found {len(hits)} times in {rel}")
        found += 1

    for i, u in enumerate(una, 1):
        if not isinstance(u.get("question"), str) or not u["question"].strip():
            fails.append(f"unanswerable #{i}: missing question")
            continue
        key = norm(u["question"]).lower()
        if key in seen:
            fails.append(f"unanswerable #{i}: duplicate question")
        seen.add(key)
        if u.get("why") not in WHY:
            fails.append(f"unanswerable #{i}: why must be one of {WHY}, not {u.get('why')!r}")

    whys = [u.get("why") for u in una]
    summary = (f"{len(ans)} answerable over {len(files)} file(s); {len(una)} unanswerable "
               f"({whys.count('other topic')} other topic, {whys.count('near miss')} near miss)")
    if unchecked:
        summary += f"; {unchecked} PDF item(s) unchecked (install pypdf to check them)"
    notes.insert(0, summary)
    return found, fails, notes


def main(argv: list[str]) -> int:
    sets = [HERE / a for a in argv] if argv else sorted(p.parent for p in HERE.glob("*/questions.json"))
    if not sets:
        print("no bench/docsets/*/questions.json found")
        return 1
    total = 0
    for d in sets:
        found, fails, notes = check_set(d)
        print(f"[{'PASS' if not fails else 'FAIL'}] {d.name}: {found} expect span(s) found")
        for n in notes:
            print(f"    note: {n}")
        for f in fails:
            print(f"    FAIL: {f}")
        total += len(fails)
    print(f"{len(sets)} set(s), {total} failure(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
