#!/usr/bin/env python3
"""Rebuild a docset's corpus/ and LICENSE from its public source at the recorded commit.

Standard library only. Nothing is downloaded unless you ask for it with --clone (runs
``git clone``) or --pip-download (runs ``pip download``).

Sources, pick one:
  --git-dir PATH        a local git directory (bare or a work tree's .git) that contains the
                        recorded commit; files are read with ``git archive COMMIT``.
  --sdist PATH          a source distribution (.tar.gz / .zip) that contains docs/; the
                        recorded commit cannot be checked, the sdist's version is reported.
  --clone               ``git clone --bare`` the recorded repository URL into a temporary
                        directory, then proceed as with --git-dir.
  --pip-download VER    ``pip download --no-deps --no-binary :all: PACKAGE==VER`` into a
                        temporary directory, then proceed as with --sdist.

Examples (from the repository root):
  python3 bench/docsets/fetch_corpus.py pydantic --git-dir /path/to/pydantic/.git
  python3 bench/docsets/fetch_corpus.py flask --clone --dest /tmp/flask-docset
  python3 bench/docsets/fetch_corpus.py flask --git-dir /path/flask.git --check

By default the set's folder next to this script (bench/docsets/NAME/) is rewritten: its
corpus/ is replaced and LICENSE overwritten. --dest DIR writes DIR/corpus and DIR/LICENSE
instead. --check writes nothing and compares the rebuilt files with the existing corpus,
exiting 1 on any difference.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_BYTES = 200 * 1024

# Recorded sources. "keep" patterns apply to paths relative to the repository root;
# corpus paths are relative to "strip" (the docs/ folder).
SETS = {
    "pydantic": {
        "url": "https://github.com/pydantic/pydantic.git",
        "commit": "2151025aa51263f3016502b00010b78e4481eaa1",
        "package": "pydantic",
        "keep": ["docs/*.md"],
        "strip": "docs/",
        "license": "LICENSE",
    },
    "flask": {
        "url": "https://github.com/pallets/flask.git",
        "commit": "2ac89889f4cc330eabd50f295dcef02828522c69",
        "package": "flask",
        "keep": ["docs/*.rst"],
        "strip": "docs/",
        "license": "LICENSE.txt",
    },
}


def selected(path: str, spec: dict) -> bool:
    # fnmatch's "*" also matches "/", so "docs/*.md" means docs/**/*.md.
    return any(fnmatch.fnmatchcase(path, pat) for pat in spec["keep"])


def files_from_git(git_dir: str, spec: dict) -> dict[str, bytes]:
    commit = spec["commit"]
    ok = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "-e", commit + "^{commit}"],
                        capture_output=True)
    if ok.returncode != 0:
        sys.exit(f"commit {commit} is not in {git_dir}; fetch it first (or use --clone)")
    data = subprocess.run(["git", "--git-dir", git_dir, "archive", "--format=tar", commit],
                          check=True, capture_output=True).stdout
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for m in tar.getmembers():
            if m.isfile():
                out[m.name] = tar.extractfile(m).read()  # type: ignore[union-attr]  # a regular file always has data
    return out


def files_from_sdist(path: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if not n.endswith("/"):
                    out[n] = z.read(n)
    else:
        with tarfile.open(path) as tar:
            for m in tar.getmembers():
                if m.isfile():
                    out[m.name] = tar.extractfile(m).read()  # type: ignore[union-attr]  # a regular file always has data
    # drop the single top-level folder (e.g. flask-3.1.3/)
    tops = {n.split("/", 1)[0] for n in out}
    if len(tops) == 1:
        top = tops.pop() + "/"
        out = {n[len(top):]: b for n, b in out.items() if n.startswith(top)}
    print(f"sdist {os.path.basename(path)}: the recorded commit cannot be checked; "
          "the files may differ from the recorded corpus", file=sys.stderr)
    return out


def build(files: dict[str, bytes], spec: dict) -> tuple[dict[str, bytes], bytes | None]:
    corpus: dict[str, bytes] = {}
    skipped = 0
    for name, blob in sorted(files.items()):
        if not selected(name, spec):
            continue
        if len(blob) > MAX_BYTES:
            skipped += 1
            print(f"skip (over 200 KB): {name}", file=sys.stderr)
            continue
        corpus[name[len(spec["strip"]):]] = blob
    if skipped:
        print(f"{skipped} file(s) skipped for size", file=sys.stderr)
    return corpus, files.get(spec["license"])


def check(dest: Path, corpus: dict[str, bytes], licence: bytes | None) -> int:
    root = dest / "corpus"
    have = {p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*") if p.is_file()} if root.is_dir() else {}
    bad = 0
    for n in sorted(set(have) | set(corpus)):
        if n not in have:
            print(f"missing from corpus: {n}")
            bad += 1
        elif n not in corpus:
            print(f"extra in corpus: {n}")
            bad += 1
        elif have[n] != corpus[n]:
            print(f"differs: {n}")
            bad += 1
    lic = dest / "LICENSE"
    if licence is not None and (not lic.is_file() or lic.read_bytes() != licence):
        print("LICENSE differs or is missing")
        bad += 1
    print(f"{len(corpus)} files rebuilt, {bad} difference(s)")
    return 1 if bad else 0


def write(dest: Path, corpus: dict[str, bytes], licence: bytes | None) -> None:
    root = dest / "corpus"
    if root.exists():
        shutil.rmtree(root)
    for n, blob in corpus.items():
        p = root / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(blob)
    if licence is not None:
        (dest / "LICENSE").write_bytes(licence)
    else:
        print("warning: licence file not found in the source", file=sys.stderr)
    print(f"wrote {len(corpus)} files, {sum(map(len, corpus.values()))} bytes to {root}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", choices=sorted(SETS))
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--git-dir")
    src.add_argument("--sdist")
    src.add_argument("--clone", action="store_true")
    src.add_argument("--pip-download", metavar="VERSION")
    ap.add_argument("--dest", help="output folder (default: bench/docsets/NAME)")
    ap.add_argument("--check", action="store_true",
                    help="compare with the existing corpus instead of writing")
    a = ap.parse_args()
    spec = SETS[a.name]
    dest = Path(a.dest) if a.dest else HERE / a.name

    with tempfile.TemporaryDirectory() as tmp:
        if a.clone:
            git_dir = os.path.join(tmp, "repo.git")
            subprocess.run(["git", "clone", "--bare", str(spec["url"]), git_dir], check=True)
            files = files_from_git(git_dir, spec)
        elif a.git_dir:
            files = files_from_git(a.git_dir, spec)
        elif a.pip_download:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                            "--no-binary", ":all:", f"{spec['package']}=={a.pip_download}",
                            "-d", tmp], check=True)
            got = [f for f in os.listdir(tmp) if f.endswith((".tar.gz", ".zip"))]
            if not got:
                sys.exit("pip download produced no sdist")
            files = files_from_sdist(os.path.join(tmp, got[0]))
        else:
            files = files_from_sdist(a.sdist)

    corpus, licence = build(files, spec)
    if not corpus:
        sys.exit("no documentation files found in the source")
    if a.check:
        return check(dest, corpus, licence)
    write(dest, corpus, licence)
    return 0


if __name__ == "__main__":
    sys.exit(main())
