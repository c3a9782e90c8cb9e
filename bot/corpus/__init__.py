"""The corpus: documents read from a folder and cut into passages (no model, no index)."""
