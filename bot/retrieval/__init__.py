"""Retrieval: a question in, an Answer out. The only layer front ends call."""
