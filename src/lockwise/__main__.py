"""`python -m lockwise` and the `lockwise` console script.

Ctrl-C and SIGTERM are handled before the command line's modules are imported (a
sixth of a second), so a signal that early still ends the run cleanly (exit 130/143).
"""

from lockwise import interrupts


def entry() -> None:
    """Install the signal handlers, then run the command line."""
    interrupts.install()
    from lockwise.cli import main

    main()


if __name__ == "__main__":
    entry()
