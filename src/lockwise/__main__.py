"""`python -m lockwise` runs the command line."""

from lockwise.cli import main

if __name__ == "__main__":
    main()
