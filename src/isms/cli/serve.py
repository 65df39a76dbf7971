"""``isms serve``: the web application for local use, with a background worker beside it and a
sign-in for each demo user.

The demo organisation has no users of its own (its people are register rows, not logins), so
serve keeps one demo login per role as a member of ``acme`` and gives each a new random password
every time it starts, printed once: nothing is stored but the argon2 hash, and yesterday's
printed password no longer works. Other users are left alone."""

import os
import secrets
import signal
import subprocess
import sys
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model

from isms.cli.demo import DEMO_SLUG
from isms.core.models import Organisation
from isms.core.permissions import Role
from isms.core.services import set_membership

#: (username, role, top management) of the demo logins.
DEMO_LOGINS = (
    ("demo-owner", Role.OWNER, True),
    ("demo-manager", Role.ISMS_MANAGER, False),
    ("demo-auditor", Role.INTERNAL_AUDITOR, False),
    ("demo-contributor", Role.CONTRIBUTOR, False),
    ("demo-viewer", Role.VIEWER, False),
)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, new password) for each demo login, or [] without the demo
    organisation (``isms demo`` makes it)."""
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if organisation is None:
        return []
    users = get_user_model()
    logins = []
    for username, role, top in DEMO_LOGINS:
        user, _ = users.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_active = True
        user.save()
        set_membership(organisation, user, role, top)
        logins.append((username, f"{role.label}{', top management' if top else ''}", password))
    return logins


def background_work_needs_a_worker() -> bool:
    """False when tasks run in the request (ISMS_TASKS=immediate): no worker is needed."""
    backend = settings.TASKS["default"]["BACKEND"]
    return not backend.endswith("ImmediateBackend")


def start_worker() -> subprocess.Popen:
    """``isms worker`` as a child process on the same database and settings."""
    return subprocess.Popen(
        [sys.executable, "-m", "isms", "worker"],
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
    )


@contextmanager
def stopped_by_sigterm():
    """SIGTERM (a service manager, ``timeout``) ends the server like Ctrl+C does, so that the
    worker is stopped with it instead of being left running."""

    def stop(signum, frame):
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop_worker(worker: subprocess.Popen) -> None:
    """Ask the worker to finish (it completes a run in progress), then make sure it is gone."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
