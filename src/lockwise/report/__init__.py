"""Renderers: pure functions from a result object to text."""
