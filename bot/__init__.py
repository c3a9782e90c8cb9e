"""citebot: answers questions about a folder of documents by quoting cited passages."""

__version__ = "0.1.0"
