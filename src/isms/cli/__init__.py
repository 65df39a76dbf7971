"""The ``isms`` command line.

Django is set up before the command modules are imported, so they can import models at the top.
Exit codes: 0 success, 1 findings at or above ``--fail-on`` (assess), 2 bad input.
"""

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isms.settings")
    import django

    django.setup()
    from django.db import OperationalError

    from isms.cli.app import app
    from isms.cli.output import EXIT_BAD_INPUT, err_console
    from isms.core.models import StaleRecord

    try:
        app()
    except StaleRecord as error:
        err_console.print(f"error: {error}", markup=False, highlight=False)
        raise SystemExit(EXIT_BAD_INPUT) from None
    except OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        err_console.print(
            "error: the database stayed busy with another write (ISMS_SQLITE_TIMEOUT); "
            "nothing was saved: run the command again",
            markup=False,
        )
        raise SystemExit(EXIT_BAD_INPUT) from None
