"""The deployment of docs/deploy.md, for real: `collectstatic` with the production storage, then
gunicorn with ISMS_ENV=production behind a (pretend) TLS proxy on the loopback. The sign-in
page answers with the security headers, and the hashed stylesheet it links to is served by
WhiteNoise compressed and cached for ever.

Measured: 20 s of CPU in all (pytest included); 35-70 s wall clock on the shared 2-core build
machine at load 10-14 (six builders at once); not measured on an idle machine.

The database is a SQLite file in a temporary data folder whose schema is made from the models
(as the other live tests do: replaying every migration would take longer than the test)."""

import gzip
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("production")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ISMS_", "DJANGO_"))},
        "ISMS_ENV": "production",
        "ISMS_SECRET_KEY": secrets.token_urlsafe(60),
        "ISMS_ALLOWED_HOSTS": "127.0.0.1",
        "ISMS_SSL_REDIRECT": "0",
        "ISMS_NUM_PROXIES": "1",
        "ISMS_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'isms.sqlite3'}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    python = sys.executable
    schema = {**env, "DJANGO_SETTINGS_MODULE": "tests.live.settings"}
    real = {**env, "DJANGO_SETTINGS_MODULE": "isms.settings"}
    # The two install steps at once (collectstatic needs no database). collectstatic leaves
    # out django-ninja's API-docs bundles: 12 MB with their source maps, whose brotli
    # compression alone takes half a minute; our own files go through the same storage.
    steps = [
        subprocess.Popen(
            [python, "-m", "django", "migrate", "--run-syncdb", "-v0"], env=schema, cwd=ROOT
        ),
        subprocess.Popen(
            [python, "-m", "django", "collectstatic", "--noinput", "-v0", "--ignore", "ninja"],
            env=real,
            cwd=ROOT,
        ),
    ]
    assert [step.wait(timeout=120) for step in steps] == [0, 0]
    port = _free_port()
    log = (data / "gunicorn.log").open("wb")
    command = [
        python,
        "-m",
        "gunicorn",
        "isms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--access-logfile",
        "-",
    ]
    server = subprocess.Popen(command, env=real, cwd=data, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(url + "/login/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.flush()
                raise RuntimeError("gunicorn did not start: " + (data / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield url, data
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_sign_in_page_carries_the_security_headers(production_server):
    url, _ = production_server
    # As the TLS proxy sends it: the request came in over HTTPS.
    status, headers, body = _get(
        url + "/login/", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.9"}
    )
    assert status == 200 and b'<label for="id_password">' in body
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in headers["Set-Cookie"] and "csrftoken" in headers["Set-Cookie"]
    plain = _get(url + "/login/")[1]
    assert "Strict-Transport-Security" not in plain, "HSTS only over HTTPS"


def test_the_hashed_stylesheet_is_compressed_and_cached_for_ever(production_server):
    url, data = production_server
    body = _get(url + "/login/", {"X-Forwarded-Proto": "https"})[2].decode()
    css = re.search(r'<link rel="stylesheet" href="(/static/web/isms\.[0-9a-f]{12}\.css)">', body)
    assert css, "the page links the hashed name from the manifest"
    assert (data / "static" / css.group(1).removeprefix("/static/")).exists()
    status, headers, raw = _get(url + css.group(1), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert b".switch" in gzip.decompress(raw)
    status, headers, _ = _get(url + css.group(1), {"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    unhashed = _get(url + "/static/web/isms.css")[1]
    assert "immutable" not in unhashed["Cache-Control"], "a name that changes content is not"
