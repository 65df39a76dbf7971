"""The ``isms`` command line.

Django is set up before the command modules are imported, so they can import models at the top.
Exit codes: 0 success, 1 findings at or above ``--fail-on`` (assess), 2 bad input.
"""

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isms.settings")
    import django

    django.setup()
    from isms.cli.app import app

    app()
