"""``python -m isms`` is the same as the ``isms`` command."""

from isms.cli import main

main()
