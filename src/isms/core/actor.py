"""Who is making the current change.

Every register change is stored in history with the user who made it. The web request sets the
acting user through :class:`ActingUserMiddleware`; the CLI, the importer and tests use
:func:`acting_as`. Model saves and django-simple-history both read :func:`current_user`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_acting_user: ContextVar = ContextVar("isms_acting_user", default=None)


def current_user():
    """The user on whose behalf the current code runs, or None (a system change)."""
    return _acting_user.get()


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Attribute every change made inside the block to ``user``."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def history_user(instance=None, request=None, **kwargs):
    """django-simple-history's ``get_user`` hook: the acting user, else the request's user."""
    user = current_user()
    request_user = getattr(request, "user", None)
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    return user


class ActingUserMiddleware:
    """Makes the authenticated user of a web or API request the acting user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with acting_as(user):
                return self.get_response(request)
        return self.get_response(request)
