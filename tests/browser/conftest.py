"""Real-browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium,
installed by scripts/browser-deps.sh) against pytest-django's live server.

- One browser per test session (so one per xdist worker), a fresh context (cookies, storage)
  per test.
- The live server needs ``transactional_db``: rows are committed so the server thread sees them,
  and the tables are emptied after each test. The catalogue, which the session loads once, is
  loaded again after that flush for the next test (``pytest_runtest_teardown``).
- Every page a test visits through :class:`Visit` is screenshotted to ``ISMS_SCREENSHOTS``
  (default ``var/screenshots``) as ``<test name>/NN-<page>.png``.
- A console error or an uncaught page error (a CSP violation is one) fails the test.
- :meth:`Visit.check_accessibility` runs axe-core (bundled with axe-playwright-python) in the
  page and fails on any serious or critical violation. The script is evaluated through the
  DevTools protocol, which the page's CSP does not govern; the check asserts that axe ran.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import axe_playwright_python
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from isms.catalog.loader import load_catalog
from isms.core.models import Organisation
from isms.core.services import set_membership

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
#: Without the background-networking flags Chromium keeps calling home, which floods a closed
#: network with retries.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a long enough password 1"
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
#: axe impacts that fail a page.
BLOCKING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/browser-deps.sh (./run test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while it is open, and
    # Django refuses database calls "from an async context" when it sees one: every test of
    # this worker (browser or not) runs synchronous code here, so the check does not apply.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a live-server test's tables were emptied (the flush of ``transactional_db``, the
    last of its teardown), load the catalogue again for the next test of this worker, which
    expects it as the session loaded it (pytest-django runs transactional tests after the
    others, so the next one is usually another browser test). A fixture cannot do this:
    pytest-django's autouse live-server helper sets up ``transactional_db`` first, so it is
    torn down last."""
    result = yield
    # With no next test the session has ended and the test databases are gone: the settings
    # name the real database again, which is never touched.
    if nextitem is not None and "live_server" in getattr(item, "fixturenames", ()):
        with item.config.stash[blocking_manager_key].unblock():
            load_catalog()
    return result


@pytest.fixture
def site(transactional_db, live_server):
    """The live server's base URL, on a database with the catalogue loaded."""
    return live_server.url


@pytest.fixture
def organisation(site):
    return Organisation.objects.create(slug="acme", name="Acme Ltd")


@pytest.fixture
def member(site):
    """member(org, role, top_management=False, username=None, password=None) -> the user."""
    made = iter(range(1, 1000))

    def make(organisation, role, top_management=False, username=None, password=None):
        # A password only for who signs in through the form: hashing one with argon2 takes a
        # second on a busy machine, and Visit.signed_in_as needs none.
        user = get_user_model().objects.create_user(
            username or f"user{next(made)}", password=password
        )
        set_membership(organisation, user, role, top_management)
        return user

    return make


def _folder_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120] or "page"


@dataclass
class Visit:
    """A browser tab for one test: navigation with a screenshot per page, console errors
    collected, axe on demand."""

    page: object
    base_url: str
    shots: Path
    errors: list[str] = field(default_factory=list)
    taken: int = 0

    def open(self, path: str, name: str | None = None):
        response = self.page.goto(self.base_url + path)
        self.shoot(name or path)
        return response

    def shoot(self, name: str) -> Path:
        """A full-page screenshot named NN-<name>.png."""
        self.taken += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        target = self.shots / f"{self.taken:02d}-{_folder_name(name)}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def follow(self, locator, name: str):
        """Click something that loads a new page, wait for it, screenshot it."""
        with self.page.expect_navigation():
            locator.click()
        self.shoot(name)

    def sign_in(self, user, password: str = PASSWORD) -> None:
        """Sign in through the sign-in form, as a person would."""
        self.open("/login/", "sign-in")
        self.page.get_by_label("Username").fill(user.get_username())
        self.page.get_by_label("Password").fill(password)
        self.follow(self.page.get_by_role("button", name="Sign in"), "signed-in")
        assert "/login/" not in self.page.url, "the sign-in was refused"

    def signed_in_as(self, user) -> None:
        """Start signed in as ``user``: a real session made by Django's test client (no form,
        no password hashing), its cookie handed to the browser. Visit.sign_in uses the form."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url}]
        )

    def check_accessibility(self) -> dict:
        """axe-core on the current page; fails on a serious or critical violation."""
        self.page.evaluate(AXE_SOURCE)
        results = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert results["testEngine"]["name"] == "axe-core", "axe did not run"
        assert results["passes"] or results["inapplicable"], "axe checked nothing"
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in results["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"{self.page.url}: " + "; ".join(blocking)
        return results

    def no_horizontal_scroll(self) -> None:
        overflow = self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow}px"


@pytest.fixture
def visit(browser, site, request):
    """A fresh browser context (no cookies) at 1280 px; fails the test on console errors."""
    context = browser.new_context(viewport=DESKTOP, base_url=site)
    page = context.new_page()
    # Generous for a busy CI machine: the first page of a worker loads every view module (about
    # 4 s on an idle one), and two workers share the cores with their Chromium.
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(30_000)
    folder = Path(os.environ.get("ISMS_SCREENSHOTS") or ROOT / "var" / "screenshots")
    tab = Visit(page, site, folder / _folder_name(request.node.name))
    for old in tab.shots.glob("[0-9][0-9]-*.png"):  # a previous run's pages
        old.unlink()

    def on_console(message):
        # A page answered 4xx on purpose (422 for a form with problems, 403, 409) is logged as
        # "Failed to load resource"; failed sub-resources are caught by URL below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            tab.errors.append(f"console {message.type}: {message.text}")

    def on_response(response):
        kind = response.request.resource_type
        if response.status >= 500 or (response.status >= 400 and kind != "document"):
            tab.errors.append(
                f"{response.status} for {response.request.resource_type} {response.url}"
            )

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    yield tab
    context.close()
    assert not tab.errors, "the browser reported errors:\n" + "\n".join(tab.errors)
