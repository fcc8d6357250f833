"""``python -m retroblog``."""

from retroblog.cli import main

main()
