#!/usr/bin/env bash
# Rebuild corpus/ (rendered HTML pages of the Click documentation) from a
# local checkout of pallets/click at the commit recorded in SOURCE.md.
#
# usage: build_corpus.sh /path/to/click-source-tree [venv-dir]
#
# Creates (or reuses) a scratch virtualenv with Sphinx and the extensions the
# docs' conf.py needs, installs the click source tree into it (conf.py reads
# the version via importlib metadata, and autodoc imports click), renders the
# docs with the HTML builder, then copies the page files into corpus/, leaving
# out _static/, _sources/, _images/, search/genindex/py-modindex/404 pages,
# objects.inv and searchindex.js.
set -euo pipefail

SRC=${1:?usage: build_corpus.sh /path/to/click-source-tree [venv-dir]}
VENV=${2:-/tmp/sphinxenv-click}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d /tmp/click-html.XXXXXX)

SRC=$(cd "$SRC" && pwd)
[ -f "$SRC/docs/conf.py" ] || { echo "no docs/conf.py under $SRC" >&2; exit 1; }

if [ ! -x "$VENV/bin/sphinx-build" ]; then
    python3 -m venv "$VENV"
    # versions used for the recorded build (see SOURCE.md)
    "$VENV/bin/pip" install -q \
        "sphinx==9.0.4" "myst-parser==5.2.0" "pallets-sphinx-themes==2.5.0" \
        "sphinx-tabs==3.5.0" "sphinxcontrib-log-cabinet==1.0.1" \
        "docutils==0.22.4"
fi
"$VENV/bin/pip" install -q --no-deps --force-reinstall "$SRC"

# intersphinx cannot reach docs.python.org offline; that only drops links
# to the Python docs and prints a warning.
(cd "$SRC" && "$VENV/bin/sphinx-build" -b html -q -E docs "$OUT") || true
[ -f "$OUT/index.html" ] || { echo "sphinx build failed" >&2; exit 1; }

rm -rf "$HERE/corpus"
mkdir -p "$HERE/corpus"
for f in "$OUT"/*.html; do
    case "$(basename "$f")" in
        search.html|genindex.html|py-modindex.html|404.html) continue ;;
    esac
    cp "$f" "$HERE/corpus/"
done
rm -rf "$OUT"
echo "corpus: $(ls "$HERE/corpus" | wc -l) pages in $HERE/corpus"
