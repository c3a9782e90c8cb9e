"""The index: built from passages and their vectors, stored, searched (dense and lexical)."""
