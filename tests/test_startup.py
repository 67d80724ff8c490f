"""Start-up (issue 17): `scoring --help` stays close to `import flask`.

Heavy libraries (reportlab, openpyxl, qrcode, SQLAlchemy, Alembic...) are imported only by
the commands and views that use them. Each check runs in a fresh interpreter, since this
test process has imported everything already. The time itself is in bench/ (startup).
"""
import json
import subprocess
import sys

import click
from click.testing import CliRunner

from scoring.cli import HELP, make_group

# Never needed to import the command module or to print its help.
HEAVY = ("reportlab", "openpyxl", "qrcode", "PIL", "psutil", "waitress", "gunicorn",
         "sqlalchemy", "alembic", "flask_migrate", "flask_sqlalchemy", "psycopg", "pymysql")
# Only the views and commands that print, export or import load these; the app does not.
REPORTING = ("reportlab", "openpyxl", "qrcode", "PIL")


def _loaded_after(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running code."""
    probe = (code + "\nimport json, sys\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library():
    loaded = _loaded_after("import scoring.cli")
    assert "flask" in loaded  # the probe does see what was imported
    assert sorted(loaded & set(HEAVY)) == []


def test_help_lists_every_command_without_building_the_app():
    code = ("import contextlib, io, sys\n"
            "sys.argv = ['scoring', '--help']\n"
            "from scoring.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    try:\n"
            "        main()\n"
            "    except SystemExit:\n"
            "        pass\n"
            "assert 'Commands:' in out.getvalue(), out.getvalue()\n"
            f"for name in {sorted(HELP)!r}:\n"
            "    assert ('  ' + name + ' ') in out.getvalue(), name\n")
    loaded = _loaded_after(code)
    assert sorted(loaded & set(HEAVY)) == []
    assert "scoring.models" not in loaded


def test_creating_the_app_loads_no_report_library():
    loaded = _loaded_after("from scoring import create_app\n"
                           "import tempfile\n"
                           "create_app({'INSTANCE_PATH': tempfile.mkdtemp()})")
    assert "sqlalchemy" in loaded
    assert sorted(loaded & set(REPORTING)) == []


def test_help_table_matches_the_commands_the_app_registers(app):
    registered = app.cli.list_commands(None)
    assert sorted(registered) == sorted(HELP)
    with app.app_context():
        ctx = click.Context(app.cli)
        for name in registered:
            cmd = app.cli.get_command(ctx, name)
            assert (cmd.get_short_help_str(500)
                    == click.Command(name, help=HELP[name]).get_short_help_str(500)), name


def test_help_output_and_a_command_still_runs(tmp_path):
    env = {"SCORING_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(make_group(), ["--help"], env=env)
    assert result.exit_code == 0, result.output
    for name in HELP:
        assert f"  {name} " in result.output
    assert "Run the production server" in result.output
    # The real command is still found (through the app) when it runs.
    shown = CliRunner().invoke(make_group(), ["report", "--help"], env=env)
    assert shown.exit_code == 0 and "--output" in shown.output, shown.output


def test_a_database_error_is_still_one_line(tmp_path):
    # main() no longer imports sqlalchemy.exc up front; the handler must still catch it.
    import os

    env = dict(os.environ, SCORING_INSTANCE_PATH=str(tmp_path),
               SCORING_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    done = subprocess.run([sys.executable, "-m", "scoring", "results", "nothing"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("scoring: database error (")
    assert "Traceback" not in done.stderr
