"""The house keeps its shape: layer contracts (import-linter, pyproject.toml) and small modules.

docs/architecture.md describes the layers; these tests keep the code to them, so a
wrong-way import fails the suite the day it is written, not when it has spread.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 400


def _lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run import-linter on project (its pyproject.toml, its scoring package)."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True,
                          text=True, env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"})


def test_layer_contracts_are_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the package and pyproject.toml to break on purpose."""
    shutil.copytree(ROOT / "scoring", tmp_path / "scoring",
                    ignore=shutil.ignore_patterns("__pycache__", "fonts", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize("module, line, contract", [
    # The rules engine must stay pure.
    ("rules/numbers.py", "import flask  # noqa", "The rules engine is pure"),
    ("rules/ranking.py", "from ..models import Team  # noqa", "The rules engine is pure"),
    # Models below operations and blueprints.
    ("models/contest.py", "from ..operations import audit  # noqa", "Layers"),
    # Operations and report builders import no blueprint.
    ("operations/audit.py", "from ..admin import nav  # noqa", "Layers"),
    ("reports/ranking.py", "from ..public import results  # noqa", "Layers"),
    # The three blueprints import none of each other.
    ("public/routes.py", "from ..admin.routes import login  # noqa", "Layers"),
    ("judge/routes.py", "from ..public import bp as public_bp  # noqa", "Layers"),
    # Nothing below the CLI imports it.
    ("reports/data.py", "from ..cli import command  # noqa", "Layers"),
])
def test_a_forbidden_import_breaks_a_contract(project_copy, module, line, contract):
    target = project_copy / "scoring" / module
    target.write_text(target.read_text() + "\n" + line + "\n")
    result = _lint_imports(project_copy)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken


def test_no_module_is_over_400_lines():
    # The benchmarks and the tests are read as often as the package: the same limit.
    files = [p for folder in ("scoring", "bench", "tests") for p in (ROOT / folder).rglob("*.py")]
    long = {str(p.relative_to(ROOT)): n for p in files
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them along their seams): {long}"


def test_every_package_says_what_lives_there():
    silent = [str(p.relative_to(ROOT)) for p in (ROOT / "scoring").rglob("__init__.py")
              if not p.read_text(encoding="utf-8").lstrip().startswith(('"""', "'''"))]
    assert not silent, f"packages without a docstring: {silent}"
