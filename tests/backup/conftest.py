"""Backups are tested across processes and databases: each database is a real one made for the
test (a SQLite file in a temporary folder, or a PostgreSQL database created for it and dropped
after), and every ``isms`` command runs in a subprocess against it, as an operator runs them.

The suite runs twice, on SQLite and on PostgreSQL (DATABASE_URL); each run does its share:
SQLite to SQLite and the refusals in the SQLite run, PostgreSQL to PostgreSQL and SQLite to
PostgreSQL in the PostgreSQL run."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
SUITE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SUITE_URL.startswith(("postgres://", "postgresql://"))

sqlite_run = pytest.mark.skipif(ON_POSTGRES, reason="runs in the SQLite run of the suite")
postgres_run = pytest.mark.skipif(
    not ON_POSTGRES, reason="runs in the PostgreSQL run of the suite (DATABASE_URL=postgres://)"
)

#: Subprocesses keep their bytecode here (not in the source tree), even where the environment
#: says PYTHONDONTWRITEBYTECODE: otherwise every one compiles Django afresh, seconds each.
PYCACHE = Path(tempfile.gettempdir()) / f"isms-backup-tests-pycache-{os.getuid()}"

_ISMS = "import sys; from isms.cli import main; sys.argv = ['isms', *sys.argv[1:]]; main()"


@dataclass
class Database:
    """One database and its data folder (the evidence files live in data/files)."""

    data: Path
    url: str | None = None  # None: SQLite in data/isms.sqlite3

    @property
    def env(self) -> dict:
        environment = {
            k: v for k, v in os.environ.items() if k not in ("ISMS_DATA_DIR", "DATABASE_URL")
        }
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        environment["ISMS_DATA_DIR"] = str(self.data)
        if self.url:
            environment["DATABASE_URL"] = self.url
        return environment

    @property
    def files(self) -> list[str]:
        root = self.data / "files"
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    def isms(self, *args, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", _ISMS, *map(str, args)],
            cwd=cwd or self.data.parent,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def tool(self, action: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "tests.backup.tool", action],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def fingerprint(self) -> dict:
        return json.loads(self.tool("fingerprint"))


class Postgres:
    """Creates and drops databases on the suite's PostgreSQL server."""

    def __init__(self, url: str):
        self.config = dj_database_url.parse(url)
        self.created: list[str] = []

    def url(self, name: str) -> str:
        c = self.config
        auth = c["USER"] + (f":{c['PASSWORD']}" if c.get("PASSWORD") else "")
        return f"postgres://{auth}@{c['HOST'] or '127.0.0.1'}:{c['PORT'] or 5432}/{name}"

    def _execute(self, statement: str, *names: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))

    def create(self, template: str | None = None) -> str:
        name = f"isms_backup_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if template:
            self._execute("CREATE DATABASE {} TEMPLATE {}", name, template)
        else:
            self._execute("CREATE DATABASE {}", name)
        self.created.append(name)
        return name

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self.created.clear()


@pytest.fixture(scope="session")
def postgres():
    if not ON_POSTGRES:
        pytest.skip("needs the PostgreSQL run of the suite")
    server = Postgres(SUITE_URL)
    try:
        server._execute("SELECT 1")
    except Exception as error:
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite database with the catalogue, copied for every test database."""
    database = Database(tmp_path_factory.mktemp("sqlite-template"))
    database.tool("fresh")
    return database.data / "isms.sqlite3"


@pytest.fixture(scope="session")
def new_database(tmp_path_factory, sqlite_template, request):
    """new_database(kind) -> an empty, migrated Database ("sqlite" or "postgres")."""

    def make(kind: str) -> Database:
        data = tmp_path_factory.mktemp(f"{kind}-data")
        if kind == "sqlite":
            shutil.copyfile(sqlite_template, data / "isms.sqlite3")
            return Database(data)
        server = request.getfixturevalue("postgres")
        template = request.getfixturevalue("postgres_template")
        return Database(data, server.url(server.create(template=template)))

    return make


@pytest.fixture(scope="session")
def postgres_template(postgres, tmp_path_factory) -> str:
    """A migrated PostgreSQL database with the catalogue, the template of every other."""
    name = postgres.create()
    Database(tmp_path_factory.mktemp("pg-template"), postgres.url(name)).tool("fresh")
    return name


@dataclass
class Source:
    database: Database
    archive: Path
    backup_output: str
    fingerprint: dict


def _source(new_database, tmp_path_factory, kind: str) -> Source:
    database = new_database(kind)
    fingerprint = json.loads(database.tool("seed"))
    archive = tmp_path_factory.mktemp(f"{kind}-archive") / "backup.zip"
    result = database.isms("backup", archive)
    assert result.returncode == 0, result.stdout + result.stderr
    return Source(database, archive, result.stdout, fingerprint)


@pytest.fixture(scope="session")
def sqlite_source(new_database, tmp_path_factory) -> Source:
    """A seeded SQLite database, its archive and its fingerprint."""
    return _source(new_database, tmp_path_factory, "sqlite")


@pytest.fixture(scope="session")
def postgres_source(new_database, tmp_path_factory) -> Source:
    return _source(new_database, tmp_path_factory, "postgres")
