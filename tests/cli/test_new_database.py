"""A command never creates a database nobody asked for (it used to, silently, in whatever folder
`isms` was run from), and says so when it does create one."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sqlite_only


def isms(cwd, *args, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("ISMS_DATA_DIR", "DATABASE_URL")
    }
    environment.update(env)
    code = "import sys; from isms.cli import main; sys.argv = ['isms', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


def test_no_database_where_nobody_asked_for_one(tmp_path):
    result = isms(tmp_path, "org", "list")
    assert result.returncode == 2
    assert "no isms database in" in result.stderr + result.stdout
    assert not (tmp_path / "var" / "isms.sqlite3").exists()


def test_a_new_database_is_created_when_asked_and_its_path_printed(tmp_path):
    result = isms(tmp_path, "org", "list", ISMS_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert f"Creating a new database: {tmp_path / 'data' / 'isms.sqlite3'}" in result.stdout
    again = isms(tmp_path, "org", "list", ISMS_DATA_DIR=str(tmp_path / "data"))
    assert "Creating a new database" not in again.stdout
    here = isms(tmp_path, "org", "list", ISMS_CREATE_DATABASE="1")
    assert here.returncode == 0 and (tmp_path / "var" / "isms.sqlite3").exists()
