"""`isms demo` end to end, as a new user runs it: a fresh data folder, the real SQLite file,
real migrations, the demo workbook, the mock audit and both reports."""

import os
import sqlite3
import subprocess
import sys

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.sqlite_only


def run_isms(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISMS_", "DATABASE_URL"))}
    env["ISMS_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "isms", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_demo_builds_the_database_runs_the_audit_and_writes_reports(tmp_path):
    first = run_isms(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "migrations applied" in out
    assert "register rows loaded from examples/acme/acme.xlsx" in out
    assert "Verdict: certification recommendation deferred until the major" in out
    assert "self-assessment" in out
    html = tmp_path / "reports" / "acme-mock-audit-2026-11-30.html"
    pdf = tmp_path / "reports" / "acme-mock-audit-2026-11-30.pdf"
    assert f"HTML report: {html}" in out and f"PDF report:  {pdf}" in out
    assert "self-assessment" in html.read_text()
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 5
    assert "deferred" in reader.pages[0].extract_text().lower()

    database = sqlite3.connect(tmp_path / "isms.sqlite3")
    assert database.execute("select count(*) from catalog_control").fetchone() == (93,)
    assert database.execute("select slug from core_organisation").fetchall() == [("acme",)]
    assert database.execute("select count(*) from readiness_assessment").fetchone() == (1,)

    again = run_isms(tmp_path, "demo")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert database.execute("select count(*) from people_person").fetchone() == (250,)
