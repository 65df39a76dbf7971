"""`./run isms ...` resolves paths where the caller stands, not in the checkout."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_paths_given_to_run_isms_are_the_callers(tmp_path):
    env = {**os.environ, "ISMS_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [str(ROOT / "run"), "isms", "template", "blank.xlsx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "blank.xlsx").stat().st_size > 0
    assert not (ROOT / "blank.xlsx").exists()
