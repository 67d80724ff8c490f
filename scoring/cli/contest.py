"""`scoring contest import|export` and `scoring results`: the contest file and the ranking.

Problems a user can fix are printed one per line as `place: message` and the command
exits with status 1; nothing is changed and no traceback is shown.
"""
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..contestfile.exporter import export_text
from ..contestfile.importer import import_text
from ..extensions import db
from ..models import Competition
from ..rules import RuleError, SettingsError
from . import command


def _problem_lines(problems):
    """`place: message` lines, the message translated into the chosen language."""
    lines = []
    for place, message, params in problems:
        text = _(message, **params)
        lines.append(f"{place}: {text}" if place else text)
    return lines


def _fail(lines):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def terminal_locale() -> str:
    """The terminal's language: Chinese when its locale says zh, else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def _locale(lang):
    if lang not in current_app.config.get("LANGUAGES", {}):
        lang = terminal_locale()
    return force_locale(lang)


def _competition(key):
    comp = db.session.scalar(select(Competition).where(Competition.key == key))
    if comp is None:
        raise click.ClickException(f'no competition with the key "{key}"')
    return comp


LANG = click.option("--lang", default=None, metavar="LOCALE",
                    help="Language of messages and column names: zh_CN or en "
                         "(default: the terminal's, from LANG).")


@click.group("contest")
def contest():
    """Import or export a whole competition as one contest file (JSON)."""


@contest.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--replace", is_flag=True,
              help="Replace the competition of the same key (its data is deleted first).")
@LANG
@with_appcontext
def import_command(file, replace, lang):
    """Import a contest file: all or nothing; every problem is listed by place."""
    data = file.read()
    with _locale(lang):
        try:
            comp = import_text(data, replace=replace)
        except SettingsError as e:
            db.session.rollback()
            _fail(_problem_lines(e.problems) + [
                f"{len(e.problems)} problem(s); nothing was imported."])
        db.session.commit()
        click.echo(f'Imported the competition "{comp.key}" ({comp.name}).')


@contest.command("export")
@click.argument("key")
@click.option("-o", "--output", default="-", show_default=True,
              help="File to write, or - for standard output.")
@with_appcontext
def export_command(key, output):
    """Write a competition as a contest file (stdout with -o -)."""
    comp = _competition(key)
    text = export_text(comp)
    _write(output, text.encode("utf-8"))
    if output != "-":
        click.echo(f'Exported "{key}" to {output}.', err=True)


def _write(output, data: bytes):
    if output == "-":
        click.echo(data, nl=False)
    else:
        with open(output, "wb") as fh:
            fh.write(data)


@click.command("results")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("-o", "--output", default="-", show_default=True,
              help="File to write, or - for standard output.")
@click.option("--published-only", is_flag=True,
              help="Count only published stages (what the public page shows).")
@LANG
@with_appcontext
def results_command(key, fmt, output, published_only, lang):
    """Print the ranking exactly as the printed ranking shows it (JSON or CSV)."""
    from ..results.exports import ranking_csv, ranking_json

    comp = _competition(key)
    with _locale(lang):
        try:
            if fmt == "json":
                data = ranking_json(comp, published_only=published_only).encode("utf-8")
            else:
                data = ranking_csv(comp, published_only=published_only)
        except SettingsError as e:
            _fail(_problem_lines(e.problems))
        except RuleError as e:
            _fail([_(e.message, **e.params)])
    _write(output, data)


command()(contest)
command()(results_command)
