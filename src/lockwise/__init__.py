"""Lockwise: make Alembic migrations on PostgreSQL safe to write, review, test and ship."""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # Read on first use: importing the package stays cheap, so the console script can
    # install its signal handlers before anything slow is imported.
    if name == "__version__":
        from importlib.metadata import version

        return version("lockwise")
    raise AttributeError(f"module 'lockwise' has no attribute {name!r}")
