"""Lockwise: make Alembic migrations on PostgreSQL safe to write, review, test and ship."""

from importlib.metadata import version as _version

__version__ = _version("lockwise")

__all__ = ["__version__"]
