"""The suite builds its tables from the models (--no-migrations, for speed); this test keeps the
migrations honest, and tests/cli/test_demo.py applies them for real on SQLite."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
