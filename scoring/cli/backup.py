"""`scoring backup`: a consistent backup while the server runs (scoring.database.backup)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database.backup import run_backup
from . import command


@command("backup")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder for the backups (default: instance/backups).")
@with_appcontext
def backup(output):
    """Write a consistent backup (SQLite copy and one contest file per competition)."""
    from ..database.check import check_database

    check_database(current_app._get_current_object())
    folder = output or Path(current_app.instance_path) / "backups"
    for path in run_backup(folder):
        click.echo(str(path))
