"""The code stays as pyproject.toml's [tool.ruff] asks (pyflakes, pycodestyle, imports,
bugbear, pyupgrade): unused names, shadowed loops and long lines fail the suite."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "scoring", "tests", "bench",
         "migrations"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_slow_first_list_names_existing_files():
    """tests/conftest.py's SLOW_FIRST orders the run; a renamed file would drop out silently."""
    from tests.conftest import SLOW_FIRST

    missing = [p for p in SLOW_FIRST if not (ROOT / p).is_file()]
    assert not missing, missing
