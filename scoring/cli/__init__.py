"""The `scoring` command: serve, demo, create-admin, db, contest, results, report."""
import getpass
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import DBAPIError

from .. import create_app
from ..config import ConfigError

COMMANDS = []


def command(*args, **kwargs):
    """Register a command on the `scoring` group (modules add theirs at import)."""

    def deco(fn):
        # Built once: click consumes the options stored on fn when it builds the command.
        cmd = fn if isinstance(fn, click.Command) else click.command(*args, **kwargs)(fn)
        COMMANDS.append(cmd)
        return cmd

    return deco


def _build_app(*_args, **_kwargs):
    """App for the CLI: the same factory as the server."""
    return create_app()


@command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, envvar="SCORING_PORT")
@click.option("--threads", default=16, show_default=True, type=int,
              help="Worker threads (each tablet holds one only while a request runs).")
@with_appcontext
def serve(host, port, threads):
    """Run the production server (waitress) for the tablets on the venue network."""
    from waitress import serve as waitress_serve

    from ..database.check import check_database
    from ..web.venue import VenueError, lan_addresses, public_base_url

    app = current_app._get_current_object()
    check_database(app)
    # Judge links and cards are built for this port when no public address is set.
    app.config["SCORING_PORT"] = port
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    if host in ("0.0.0.0", "::"):
        click.echo(f"  on this computer:  http://127.0.0.1:{port}/")
        for addr in lan_addresses():
            click.echo(f"  tablets on the LAN: http://{addr}:{port}/")
    try:
        click.echo(f"  judges' links and cards use: {public_base_url(app)}/")
    except VenueError as exc:
        click.echo(f"  judges' links: {exc.message}")
    click.echo(f"  organizer login:   http://127.0.0.1:{port}/admin/login")
    # waitress accepts only 100 open connections by default and browsers keep theirs open
    # (keep-alive) for 2 minutes: the 101st tablet could not even connect. poll() instead
    # of select() lifts the 1024 file descriptor ceiling for that many connections.
    waitress_serve(app, host=host, port=port, threads=threads, ident="scoring",
                   clear_untrusted_proxy_headers=True, connection_limit=2000,
                   asyncore_use_poll=True)


@command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--password", default=None, help="For scripts; prompted (not echoed) if absent.")
@click.option("--name", default="", help="Full name shown in the audit log.")
@click.option("--role", type=click.Choice(["admin", "staff"]), default="admin",
              show_default=True)
@with_appcontext
def create_admin(username, password, name, role):
    """Create an organizer account, or reset its password if it exists."""
    from ..database.check import check_database
    from ..operations.users import upsert_user

    check_database(current_app._get_current_object())
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat the password: "):
            raise click.ClickException("The passwords differ; nothing was changed.")
    if len(password) < 8:
        raise click.ClickException("A password needs at least 8 characters.")
    from ..extensions import db

    # A reset ends the account's sessions and frees its login throttle on this computer.
    created = upsert_user(username, password, name=name, role=role)
    db.session.commit()
    if created:
        click.echo(f"Created {role} account '{username}'.")
    else:
        click.echo(f"Updated {role} account '{username}': new password, its sessions ended.")


@command("demo")
@click.option("--port", default=5000, show_default=True, type=int, envvar="SCORING_PORT",
              help="The port `scoring serve` uses, for the login address printed.")
@click.option("--edition", type=click.Choice(["campus", "municipal"]), default="campus",
              show_default=True,
              help="campus: 15 teams, 3 stages; municipal: 120 teams, two divisions, four "
                   "preliminary rooms, a final of 12 (DESIGN section 12).")
@with_appcontext
def demo(port, edition):
    """Load the demo contest (idempotent) and print the organizer login."""
    from ..database.check import check_database
    from ..extensions import db
    from ..operations.demo import load_demo

    check_database(current_app._get_current_object())
    info = load_demo(port)
    if edition == "municipal":
        from .municipal import load_municipal

        info = load_municipal() + "\n" + info.splitlines()[-1]
    db.session.commit()
    click.echo(info)


def _load_command_modules() -> None:
    """Import the modules that register more commands (contest, results, report, backup)."""
    import importlib

    for name in ("scoring.cli.contest", "scoring.cli.reports", "scoring.cli.backup"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only "this module is not there (yet)" is skipped; a broken import inside is a bug.
            if not (exc.name and (name + ".").startswith(exc.name + ".")):
                raise


def init_app(app) -> None:
    """Add every registered command to app.cli (so `scoring` and test runners see them)."""
    _load_command_modules()
    for cmd in COMMANDS:
        app.cli.add_command(cmd)


def make_group() -> FlaskGroup:
    """The `scoring` click group: the app's commands plus Flask-Migrate's `db`."""
    from importlib.metadata import version

    group = FlaskGroup(create_app=_build_app, add_default_commands=False,
                       add_version_option=False,
                       help="Competition scoring system.")
    return click.version_option(version("scoring"), "--version", prog_name="scoring",
                                message="%(prog)s %(version)s")(group)


def main() -> None:
    """Console entry point: configuration problems are one line, never a traceback."""
    try:
        make_group().main(prog_name="scoring")
    except ConfigError as exc:
        click.echo(f"scoring: {exc}", err=True)
        sys.exit(2)
    except DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        click.echo(f"scoring: database error ({reason}); check SCORING_DATABASE_URL "
                   "and that the database server is running.", err=True)
        sys.exit(2)
