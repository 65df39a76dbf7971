"""Settings read the environment; production refuses to start without a secret key."""

import os
import secrets
import subprocess
import sys


def _inherited() -> dict:
    """This process's environment without our settings, and without what the browser tests set
    for themselves (DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ISMS_", "DATABASE")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }


def run_settings(tmp_path, **env):
    environment = _inherited()
    environment.update({"ISMS_DATA_DIR": str(tmp_path), **env})
    code = (
        "import isms.settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.MEDIA_ROOT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )


def test_development_defaults_to_sqlite_in_the_data_dir_and_generates_a_key(tmp_path):
    result = run_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    debug, engine, name, media = result.stdout.split()
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "isms.sqlite3")
    assert media == str(tmp_path / "files")
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    first_key = key_file.read_text()
    assert run_settings(tmp_path).returncode == 0
    assert key_file.read_text() == first_key, "the key must survive restarts"


def test_database_url_selects_postgresql(tmp_path):
    result = run_settings(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/isms")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql isms" in result.stdout


def test_production_requires_a_secret_key(tmp_path):
    result = run_settings(tmp_path, ISMS_ENV="production", ISMS_ALLOWED_HOSTS="isms.example")
    assert result.returncode != 0
    assert "ISMS_ENV=production requires ISMS_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_never_debugs(tmp_path):
    result = run_settings(
        tmp_path,
        ISMS_ENV="production",
        ISMS_SECRET_KEY=secrets.token_urlsafe(60),
        ISMS_ALLOWED_HOSTS="isms.example",
        ISMS_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ")


def test_unknown_environment_is_refused(tmp_path):
    result = run_settings(tmp_path, ISMS_ENV="staging")
    assert "ISMS_ENV must be 'development' or 'production'" in result.stderr


PRODUCTION = {
    "ISMS_ENV": "production",
    "ISMS_SECRET_KEY": secrets.token_urlsafe(60),
    "ISMS_ALLOWED_HOSTS": "isms.example.com",
}


def check_deploy(tmp_path, **env):
    environment = _inherited()
    environment.update({"ISMS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "isms.settings"})
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_a_tls_proxy_the_redirect_can_be_turned_off(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION, ISMS_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_short_key_and_a_wildcard_host(tmp_path):
    short = run_settings(tmp_path, **{**PRODUCTION, "ISMS_SECRET_KEY": "too-short"})
    assert short.returncode != 0 and "at least 50 characters" in short.stderr
    plain = run_settings(tmp_path, **{**PRODUCTION, "ISMS_SECRET_KEY": "ab" * 40})
    assert plain.returncode != 0 and "at least 50 characters" in plain.stderr
    wildcard = run_settings(tmp_path, **{**PRODUCTION, "ISMS_ALLOWED_HOSTS": "*"})
    assert wildcard.returncode != 0 and "may not contain '*'" in wildcard.stderr
