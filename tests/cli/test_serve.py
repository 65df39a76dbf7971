"""``isms serve`` for real on a new SQLite file: it prints a sign-in for each demo user, a
browser session signs in with one and runs a mock audit that the worker serve started completes,
and stopping the server stops the worker. ``--no-worker`` starts none."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.sqlite_only


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISMS_", "DATABASE_URL"))}
    env["ISMS_DATA_DIR"] = str(tmp_path)
    return env


def _isms(env, *args):
    done = subprocess.run(
        [sys.executable, "-m", "isms", *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(env, port, *extra):
    server = subprocess.Popen(
        [sys.executable, "-m", "isms", "serve", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        lines.append(line)
        if "Ctrl+C to stop" in line:
            break
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login/", timeout=30)
            break
        except requests.RequestException:
            time.sleep(0.2)
    return server, "".join(lines), base


def _stop(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited but was not reaped yet is a zombie: gone for our purpose.
    proc = Path(f"/proc/{pid}/status")
    status = proc.read_text() if proc.exists() else ""
    return "State:\tZ" not in status


def _sign_in(session, base, username, password):
    page = session.get(f"{base}/login/", timeout=60).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = session.post(
        f"{base}/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/login/"},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]


def test_serve_prints_demo_sign_ins_and_its_worker_completes_a_browser_run(tmp_path):
    env = _env(tmp_path)
    _isms(env, "migrate")
    _isms(env, "org", "create", "acme", "--name", "Acme Components Ltd")
    server, output, base = _serve(env, _free_port())
    try:
        logins = dict(re.findall(r"^\s+(demo-[a-z]+)\s+(\S+)\s", output, re.MULTILINE))
        assert set(logins) == {
            "demo-owner",
            "demo-manager",
            "demo-auditor",
            "demo-contributor",
            "demo-viewer",
        }, output
        worker_pid = int(re.search(r"Background worker started \(pid (\d+)\)", output)[1])
        assert _alive(worker_pid)

        session = requests.Session()
        _sign_in(session, base, "demo-auditor", logins["demo-auditor"])
        form = session.get(f"{base}/orgs/acme/audits/", timeout=60).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        asked = session.post(
            f"{base}/orgs/acme/audits/",
            data={"csrfmiddlewaretoken": token, "as_of": "2026-11-30", "stage": "1"},
            headers={"Referer": f"{base}/orgs/acme/audits/"},
            timeout=60,
            allow_redirects=False,
        )
        assert asked.status_code == 302, asked.text[:500]
        progress = base + asked.headers["Location"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            answer = session.get(progress, timeout=60, allow_redirects=False)
            if answer.status_code == 302:
                break
            time.sleep(0.5)
        assert answer.status_code == 302, "the worker serve started completed the run"
        findings = session.get(base + answer.headers["Location"], timeout=60)
        assert (
            findings.status_code == 200 and "Mock audit as of 2026-11-30, stage 1" in findings.text
        )
    finally:
        _stop(server)
    assert server.returncode is not None
    deadline = time.monotonic() + 10
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker_pid), "the worker stops with the server"

    again, output, _ = _serve(env, _free_port(), "--no-worker")
    try:
        assert "No background worker (--no-worker)" in output
        assert "Background worker started" not in output
        new = dict(re.findall(r"^\s+(demo-[a-z]+)\s+(\S+)\s", output, re.MULTILINE))
        assert new["demo-auditor"] != logins["demo-auditor"], "a new password each start"
    finally:
        _stop(again)
