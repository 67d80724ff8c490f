"""Backups: a consistent copy while the server runs (the `scoring backup` command).

SQLite: the online backup API copies the database page by page under SQLite's own
locking, so a copy taken during scoring is consistent. Every database: each
competition is also written as a contest file (DESIGN section 6), which restores on
any database with `scoring contest import`. The teams' materials (page images and the
files as uploaded, in the instance folder) are copied alongside (`materials/`).
"""
import sqlite3
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url


def backup_sqlite(source: str, target: Path) -> Path:
    """Copy the SQLite database at source to target with the online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def backup_contest_files(folder: Path) -> list[Path]:
    """Write every competition as a contest file into folder; returns the paths."""
    from ..contestfile import export_json
    from ..extensions import db
    from ..models import Competition

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if db.engine.dialect.name != "sqlite":
        # One snapshot for every file: under the default READ COMMITTED, a sheet
        # submitted halfway through would land in some contest files and not in others.
        db.session.rollback()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    for comp in db.session.scalars(db.select(Competition).order_by(Competition.key)):
        path = folder / f"{comp.key}.json"
        path.write_text(export_json(comp), encoding="utf-8")
        written.append(path)
    return written


def run_backup(folder: Path) -> list[Path]:
    """Back up everything into a new timestamped subfolder of folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"backup-{stamp}"
    written = []
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database:
        written.append(backup_sqlite(url.database, target / "scoring.sqlite"))
    written.extend(backup_contest_files(target / "contests"))
    # After the database: every file a copied row names was written before its row was
    # committed, and no file is ever changed or removed (named by SHA-256), so the copy
    # holds them all.
    from ..imports.materials import copy_folder

    materials = copy_folder(current_app.instance_path, target / "materials")
    if materials is not None:
        written.append(materials)
    return written
