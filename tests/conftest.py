"""Shared fixtures. The catalogue is loaded once per test database, like `isms` set-up does."""

import os

import pytest
from django.contrib.auth import get_user_model

from isms.catalog.loader import load_catalog
from isms.core.models import Organisation
from isms.core.services import set_membership


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_catalog()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: failed-token counts (throttling) do not carry over."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(slug="acme", name="Acme Ltd")


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(slug="globex", name="Globex Corporation")


@pytest.fixture
def make_member(db):
    """make_member(org, role, top_management=False) -> (user, membership)."""
    counter = iter(range(1, 10_000))

    def make(organisation, role, top_management=False, username=None):
        user = get_user_model().objects.create_user(
            username or f"user{next(counter)}", password="a long enough password 1"
        )
        membership, _ = set_membership(organisation, user, role, top_management)
        return user, membership

    return make


def pytest_collection_modifyitems(config, items):
    """In the PostgreSQL pass, skip the tests that always run on a new SQLite file: the SQLite
    pass ran them already, exactly the same."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="SQLite-only subprocess test: ran in the SQLite pass")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """A run that collected no test is a failure (exit 1), never a quiet success."""
    if session.testscollected == 0 and not session.config.option.collectonly:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("error: no tests were collected", red=True)
