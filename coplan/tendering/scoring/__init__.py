"""Tender scoring engine (issue 7): see engine.py."""
