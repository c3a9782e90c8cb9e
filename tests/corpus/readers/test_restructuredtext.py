"""The reStructuredText reader: Sphinx roles and directives without Sphinx, silently."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corpus.readers.restructuredtext import read
from tests.corpus.readers.invariants import block_texts, check

SAMPLE = """\
:date: 2024-02-03

.. _quickstart:

.. currentmodule:: flask

Quickstart
==========

The :class:`~flask.Flask` object and :func:`url_for` and :meth:`Flask.route() <flask.Flask.route>`.
See :ref:`the tutorial <tutorial>`, :doc:`/patterns/index`, :pep:`8`, :envvar:`FLASK_APP`,
:py:attr:`flask.Flask.config` and :weird:`unknown role`.

.. note::
    A note body.

.. versionadded:: 2.0
    Async views.

.. deprecated:: 2.2 Use ``other`` instead.

.. code-block:: python

    from flask import Flask


    app = Flask(__name__)

.. toctree::
    :maxdepth: 2

    one
    two

.. autoclass:: flask.Flask
    :members:

.. include:: other.rst

.. py:data:: SECRET_KEY

    A secret key. Default: ``None``

.. frobnicate:: arg
    :opt: 1

    Content of an unknown directive.

A Section
---------

* one
* two

Term
    Its definition.

=====  =====
a      b
=====  =====
"""


def test_roles_read_as_their_text() -> None:
    text = read(SAMPLE.encode()).text
    assert "The Flask object and url_for and Flask.route()." in text
    assert "See the tutorial, index, PEP 8, FLASK_APP, flask.Flask.config and unknown role." in text
    for markup in (":class:", ":func:", ":ref:", ":doc:", "`", ".. ", "::"):
        assert markup not in text, markup


def test_directives() -> None:
    reading = read(SAMPLE.encode())
    expected = {  # text: kind
        "Note\n\nA note body.": "admonition",
        "Added in version 2.0\n\nAsync views.": "admonition",
        "Deprecated since version 2.2\n\nUse other instead.": "admonition",
        "from flask import Flask\n\n\napp = Flask(__name__)": "code",
        "SECRET_KEY": "paragraph",
        "A secret key. Default: None": "paragraph",
        "Content of an unknown directive.": "paragraph",
        "one\ntwo": "list",
        "Term\nIts definition.": "list",
        "a | b": "table",
    }
    assert {text: kind for kind, text in block_texts(reading) if text in expected} == expected
    for skipped in ("maxdepth", "members", "other.rst", "one\n\ntwo"):
        assert skipped not in reading.text


def test_sections_title_meta_and_lines() -> None:
    reading = read(SAMPLE.encode())
    assert reading.title == "Quickstart" and reading.content_start == len("Quickstart")
    assert reading.meta == {"date": "2024-02-03"}
    assert [(s.path, s.anchor) for s in reading.sections] == [
        (("Quickstart",), "quickstart"),
        (("Quickstart", "A Section"), "a-section"),
    ]
    check(reading, SAMPLE.splitlines())


def test_nothing_is_written_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    read(b"Bad |sub| and `ref`_ and :unknown:`x`\n\n.. unknown::\n\n   :bad option\n\n======\ntoo short\n=\n")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab :`_.|*=-~<>\n\t ")), max_size=300))
def test_any_text_reads_without_error_and_keeps_the_invariants(source: str) -> None:
    check(read(source.encode()))
