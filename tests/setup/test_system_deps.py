"""scripts/system-deps.sh, which `./run` calls before every command, must never flake: it used to
pipe `ldconfig -p` into `grep -q` under pipefail, and SIGPIPE made installed libraries look
missing in about one run in ten."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "system-deps.sh"
RUNS = 50


def run(*prefix, env=None):
    return subprocess.run(
        [*prefix, "bash", str(SCRIPT)], capture_output=True, text=True, timeout=60, env=env
    )


def as_other_user() -> tuple[str, ...]:
    """A prefix that runs the script as an unprivileged user, when we are root."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ("runuser", "-u", "nobody", "--")
    return ()


@pytest.mark.parametrize("who", ["this user", "an unprivileged user"])
def test_fifty_runs_on_a_set_up_machine_all_succeed_quietly(who):
    prefix = as_other_user() if who == "an unprivileged user" else ()
    if who == "an unprivileged user" and not prefix and os.geteuid() == 0:
        pytest.skip("runuser is not available to switch user")
    results = [run(*prefix) for _ in range(RUNS)]
    failures = [(r.returncode, r.stderr) for r in results if r.returncode or r.stderr]
    assert failures == [], f"{len(failures)} of {RUNS} runs failed or wanted to install"


def test_missing_libraries_are_named_and_nothing_is_installed():
    """With ldconfig listing nothing, an unprivileged user is told what to install."""
    with tempfile.TemporaryDirectory() as folder:  # not under pytest's 0700 root folder
        Path(folder).chmod(0o755)
        fake = Path(folder) / "bin"
        fake.mkdir()
        _check_missing(fake)


def _check_missing(fake: Path):
    for name, body in {"ldconfig": "exit 0", "fc-list": "exit 0", "sudo": "exit 1"}.items():
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:/usr/bin:/bin"}
    prefix = as_other_user()
    if os.geteuid() == 0 and not prefix:
        pytest.skip("as root without runuser the script would install packages")
    result = run(*prefix, "env", f"PATH={env['PATH']}") if prefix else run(env=env)
    assert result.returncode != 0
    assert "libpango-1.0-0" in result.stderr and "fonts-dejavu-core" in result.stderr
