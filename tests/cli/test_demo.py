"""`isms demo` end to end, as a new user runs it: a fresh data folder, the real SQLite file."""

import os
import sqlite3
import subprocess
import sys


def run_isms(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISMS_", "DATABASE_URL"))}
    env["ISMS_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "isms", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_demo_builds_the_embedded_database_and_the_demo_organisation(tmp_path):
    first = run_isms(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "migrations applied" in first.stdout
    assert "93 Annex A controls" in first.stdout
    assert "acme" in first.stdout
    database = sqlite3.connect(tmp_path / "isms.sqlite3")
    assert database.execute("select count(*) from catalog_control").fetchone() == (93,)
    assert database.execute("select slug from core_organisation").fetchall() == [("acme",)]

    again = run_isms(tmp_path, "demo")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert "already present" in again.stdout
