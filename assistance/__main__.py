"""``python -m assistance``: the same command line as ``assistance``."""

from assistance.cli import main

main(prog_name="assistance")
