"""A real isms server in a subprocess, on its own database (a SQLite file, or a new PostgreSQL
database when the suite runs on PostgreSQL), for tests that need concurrent clients.

The test database of the suite cannot serve here: on SQLite it is in memory, where concurrent
connections behave nothing like a file in WAL mode."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]

SET_UP = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from isms.catalog.loader import load_catalog
from isms.core.models import Organisation
from isms.core.permissions import Role
from isms.core.services import create_api_token, set_membership

load_catalog()
organisation = Organisation.objects.create(slug="acme", name="Acme Ltd")
tokens = {}
for number in range(1, 21):
    user = get_user_model().objects.create_user(
        f"writer{number}", f"writer{number}@acme.example", None
    )
    set_membership(organisation, user, Role.ISMS_MANAGER, False)
    tokens[user.username] = create_api_token(user, "concurrency")[1]
print(json.dumps(tokens))
"""


@dataclass
class LiveServer:
    url: str
    env: dict
    tokens: list[str]

    def request(self, method: str, path: str, body=None, token: str | None = None, headers=None):
        """(status, headers, JSON body) of one request; never raises for an HTTP status."""
        data = json.dumps(body).encode() if body is not None else None
        url = self.url + "/api" + path  # always http://127.0.0.1:<port>/api/...
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
        request.add_header("Authorization", f"Bearer {token or self.tokens[0]}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                raw = response.read()
                return response.status, dict(response.headers), json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
            return error.code, dict(error.headers), parsed

    def isms(self, *args: str) -> subprocess.CompletedProcess:
        """Run an isms command against the server's database."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "tests.live.settings"}
        return subprocess.run(
            [sys.executable, "-m", "isms", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_admin(url: str):
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        dbname=config["NAME"],
        autocommit=True,
    )


@pytest.fixture(scope="module")
def isms_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("live")
    suite_url = os.environ.get("DATABASE_URL", "")
    dropped = None
    if suite_url.startswith("postgres"):
        name = f"isms_live_{uuid.uuid4().hex[:12]}"
        with _postgres_admin(suite_url) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        config = dj_database_url.parse(suite_url)
        database_url = (
            f"postgres://{config['USER'] or 'postgres'}@{config['HOST'] or '127.0.0.1'}:"
            f"{config['PORT'] or 5432}/{name}"
        )
        dropped = name
    else:
        database_url = f"sqlite:///{data / 'live.sqlite3'}"
    env = {
        **os.environ,
        "ISMS_DATA_DIR": str(data),
        "DATABASE_URL": database_url,
        "ISMS_CREATE_DATABASE": "1",
        "DJANGO_SETTINGS_MODULE": "tests.live.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    python = [sys.executable]
    subprocess.run(
        [*python, "-m", "django", "migrate", "--run-syncdb", "-v0"],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    made = subprocess.run(
        [*python, "-c", SET_UP], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    )
    tokens = list(json.loads(made.stdout.strip().splitlines()[-1]).values())
    port = _free_port()
    log = (data / "server.log").open("wb")
    server = subprocess.Popen(
        [*python, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    live = LiveServer(f"http://127.0.0.1:{port}", env, tokens)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = live.request("GET", "/orgs/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.flush()
                raise RuntimeError(
                    "the isms server did not start: " + (data / "server.log").read_text()
                )
            time.sleep(0.2)
        yield live
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        if dropped:
            with _postgres_admin(suite_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
