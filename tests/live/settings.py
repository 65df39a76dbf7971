"""Settings for a server process under test: the real settings, with the schema created from
the models directly (as the test suite does) instead of by replaying every migration."""

from isms.settings import *  # noqa: F403
from isms.settings import DATABASES, INSTALLED_APPS


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
DATABASES["default"]["CONN_MAX_AGE"] = 0
assert INSTALLED_APPS
